"""ML313 credential-written-by-login: detection and near-misses."""

from __future__ import annotations

from ...conftest import lint, rule_lines


def test_ml313_fires():
    findings = lint(
        """
        FROM python:3.11-slim
        ARG HF_TOKEN
        RUN huggingface-cli login --token $HF_TOKEN
        RUN --mount=type=secret,id=hf huggingface-cli login --token "$(cat /run/secrets/hf)" && python fetch.py
        RUN wandb login $WANDB_API_KEY
        RUN docker login -u me -p $PW registry.x
        RUN npm config set //registry.npmjs.org/:_authToken $NPM_TOKEN
        RUN aws configure set aws_secret_access_key $AWS_SECRET_ACCESS_KEY
        RUN echo "machine api.wandb.ai login user password $WANDB_KEY" > ~/.netrc
        RUN echo "$KW_TOKEN" > /opt/ltoken
        RUN hf auth login --token $HF_TOKEN
        RUN echo "$HF_TOKEN" | tee /root/.cache/huggingface/token
        RUN git config --global credential.helper store
        RUN git clone https://me:$GH_TOKEN@github.com/o/r.git
        """,
        ["ML313"],
    )
    assert rule_lines(findings, "ML313") == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert "~/.cache/huggingface/token" in findings[0].message and "--mount=type=secret" in findings[0].message
    assert "/opt/ltoken" in findings[7].message


def test_ml313_near_misses():
    findings = lint(
        """
        FROM python:3.11-slim
        RUN --mount=type=secret,id=hf,env=HF_TOKEN huggingface-cli login --token "$HF_TOKEN" \\
            && huggingface-cli download org/m && rm ~/.cache/huggingface/token
        RUN --mount=type=secret,id=hf,env=HF_TOKEN huggingface-cli login --token "$HF_TOKEN" \\
            && huggingface-cli download org/m && huggingface-cli logout
        RUN --mount=type=secret,id=hf,env=HF_TOKEN huggingface-cli download org/m
        RUN echo "$KW_TOKEN" > /opt/ltoken && ./use && rm -f /opt/ltoken
        RUN echo "$HF_TOKEN_PATH" > /opt/where
        RUN echo "$VERSION" > /opt/version
        RUN --mount=type=tmpfs,target=/root/.cache huggingface-cli login --token $HF_TOKEN && python dl.py
        RUN git config --global credential.helper store
        RUN aws configure set region us-east-1
        RUN echo "$MY_TOKEN" > /dev/null
        """,
        ["ML313"],
    )
    assert rule_lines(findings, "ML313") == []


def test_ml313_advice_names_the_variable_used():
    findings = lint(
        """
        FROM node:20.14-slim
        ARG NPM_TOKEN
        RUN npm config set //registry.npmjs.org/:_authToken ${NPM_TOKEN} && npm ci
        RUN docker login -u bot --password-stdin < /tmp/pw
        """,
        ["ML313"],
    )
    assert rule_lines(findings, "ML313") == [3, 4]
    assert "`--mount=type=secret,id=npm_token,env=NPM_TOKEN`" in findings[0].message
    assert "HF_TOKEN" not in findings[0].message
    assert "env=HF_TOKEN" in findings[1].message  # no variable in sight: the default example
