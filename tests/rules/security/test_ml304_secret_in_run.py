"""ML304 secret-in-run: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint, rule_lines
from .helpers import GHP, HF


def test_ml304_cli_logins_and_urls():
    findings = lint(
        f"""
        FROM python:3.11-slim AS builder
        RUN pip install --no-cache-dir huggingface_hub==0.23.4 wandb==0.17.0 \\
            # log in to download the gated weights
            && huggingface-cli login --token {HF} \\
            && hf auth login --token "$HF_TOKEN" \\
            && wandb login 0123456789abcdef0123456789abcdef01234567 \\
            && wandb login
        RUN pip install --no-cache-dir --index-url https://ci:s3cretPassw0rd@pypi.internal.example/simple mylib==1.2.0
        RUN git clone https://oauth2:${{GITLAB_TOKEN}}@gitlab.com/org/repo.git \\
            && git clone https://{GHP}@github.com/org/private.git
        RUN --mount=type=secret,id=hf_token,env=HF_TOKEN huggingface-cli download org/model --token $HF_TOKEN
        """,
        ["ML304"],
    )
    assert rule_lines(findings, "ML304") == [4, 6, 8, 10]
    assert all(HF not in f.message and "s3cret" not in f.message and GHP not in f.message for f in findings)
    # points at the secret word itself
    assert findings[0].span.column == len("    && huggingface-cli login --token ") + 1


def test_ml304_heredoc_sh_c_sudo_and_echo_to_files():
    findings = lint(
        f"""
        FROM ubuntu:22.04
        RUN <<EOF
        set -eux
        echo "{HF}" > /root/.cache/huggingface/token
        echo "machine github.com login ci password s3cret" > ~/.netrc
        echo "registry=https://registry.npmjs.org/" > ~/.npmrc
        echo "$NETRC_CONTENT" > ~/.netrc
        EOF
        RUN sh -c 'curl -u admin:adminpass https://nexus.internal/file -o /tmp/file' && bash -c "echo {GHP}"
        RUN sudo docker login -u ci -p hunter2 registry.example.com \\
            && docker login -u ci --password-stdin < /run/secrets/pw
        RUN mkdir -p /opt/app && mysql -uroot -pRootPass1 -e 'select 1' && HF_TOKEN={HF} python download.py
        RUN PIP_INDEX_URL=https://ci:pw1234@pypi.internal/simple pip install --no-cache-dir lib==1.0
        RUN sudo curl -fsSL -u "$NEXUS_USER:$NEXUS_PASS" https://nexus.internal/f -o /f && tool --token /run/secrets/t
        """,
        ["ML304"],
    )
    assert rule_lines(findings, "ML304") == [4, 5, 9, 9, 10, 12, 12, 13]
    assert [f.span.column for f in findings][2:4] == [20, 95]  # the words inside the scripts, once each


def test_ml304_near_misses():
    findings = lint(
        """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir transformers==4.41.2 \\
            && python -c "from transformers import AutoTokenizer; AutoTokenizer.from_pretrained('bert-base-uncased')" \\
            && mkdir -p /models && useradd -p '*' app
        RUN git clone git@github.com:org/repo.git && git clone https://github.com/org/public.git
        RUN echo "TOKENIZERS_PARALLELISM=false" > /app/.env.defaults && python train.py --max-tokens 512
        RUN --mount=type=secret,id=netrc,target=/root/.netrc pip install --no-cache-dir private-lib==1.0
        """,
        ["ML304"],
    )
    assert rule_lines(findings, "ML304") == []
