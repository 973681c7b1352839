"""ML3xx: security rules, with real-world shapes and the near-misses that must stay silent."""

from __future__ import annotations

import pytest

from dockerlint_ml.model import Severity
from dockerlint_ml.rules.security import (
    find_credential,
    is_literal_secret_value,
    is_secret_name,
    mask,
    secret_file_kind,
    world_writable_mode,
)

from .conftest import lint, rule_lines

# Fake credentials in the real formats (mixed case and digits like real ones; none of them is valid).
HF = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
GHP = "ghp_" + "Ab1" * 12
OPENAI = "sk-proj-" + "Ab3dE" * 8
AWS = "AKIA" + "Q7RZ" * 4


# ---------------------------------------------------------------------------------------------------------
# ML301 runs-as-root


def test_ml301_no_user_points_at_final_from():
    findings = lint(
        """
        FROM python:3.11-slim AS builder
        RUN pip wheel --no-cache-dir -w /wheels torch==2.3.1
        USER nobody

        FROM python:3.11-slim
        COPY --from=builder /wheels /wheels
        CMD ["python", "-m", "server"]
        """,
        ["ML301"],
    )
    # the builder's USER does not count: the final stage is not built FROM it
    assert rule_lines(findings, "ML301") == [5]


def test_ml301_last_user_root_forms():
    for user in ("root", "0", "0:0", "root:root", "ROOT"[:0] + "root:1000"):
        findings = lint(
            f"""
            FROM python:3.11-slim
            RUN useradd --create-home app
            USER app
            RUN pip install --no-cache-dir fastapi==0.111.0
            user {user}
            CMD ["python", "app.py"]
            """,
            ["ML301"],
        )
        assert rule_lines(findings, "ML301") == [5], user


def test_ml301_root_then_app_is_fine_and_group_root_is_fine():
    text = """
        FROM python:3.11-slim
        USER root
        RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \\
            # the runtime library for LightGBM
            && rm -rf /var/lib/apt/lists/*
        USER {user}
        CMD ["python", "app.py"]
        """
    for user in ("app", "1000", "1000:0", "app:root"):
        assert rule_lines(lint(text.format(user=user), ["ML301"]), "ML301") == [], user


def test_ml301_user_in_parent_stage_counts():
    findings = lint(
        """
        ARG PY=3.11
        FROM python:${PY}-slim AS base
        RUN useradd --create-home --uid 1000 app
        USER app

        FROM base AS runtime
        COPY --chown=app:app . /app
        CMD ["python", "/app/serve.py"]
        """,
        ["ML301"],
    )
    assert rule_lines(findings, "ML301") == []


def test_ml301_root_in_parent_and_nothing_in_final_points_at_parent_user():
    findings = lint(
        """
        FROM python:3.11-slim AS base
        USER app
        USER root

        FROM base
        CMD ["python", "serve.py"]
        """,
        ["ML301"],
    )
    assert rule_lines(findings, "ML301") == [3]


def test_ml301_user_from_variables():
    known = """
        FROM python:3.11-slim
        ARG APP_UID=0
        USER ${APP_UID}
        CMD ["python", "job.py"]
        """
    assert rule_lines(lint(known, ["ML301"]), "ML301") == [3]
    known_ok = """
        FROM python:3.11-slim
        ARG APP_UID=1000
        USER $APP_UID:$APP_UID
        """
    assert rule_lines(lint(known_ok, ["ML301"]), "ML301") == []
    unknown = """
        FROM python:3.11-slim
        ARG APP_USER
        USER ${APP_USER}
        """
    assert rule_lines(lint(unknown, ["ML301"]), "ML301") == []


def test_ml301_unknown_or_nonroot_bases_are_silent():
    for base in (
        "${BASE_IMAGE}",
        "gcr.io/distroless/python3-debian12:nonroot",
        "jupyter/scipy-notebook:2024-05-27",
        "quay.io/jupyter/base-notebook:2025-01-06",
        "pytorch/torchserve:0.12.0-cpu",
    ):
        text = f'ARG BASE_IMAGE\nFROM {base}\nCMD ["python"]\n'
        assert rule_lines(lint(text, ["ML301"], dedent=False), "ML301") == [], base


def test_ml301_scratch_export_stage_without_command_is_silent():
    # a last `FROM scratch` stage that only collects build outputs (`docker build --output`) runs nothing
    export = """
        FROM python:3.11-slim AS builder
        RUN pip wheel --no-cache-dir -w /wheels numpy==2.1.0

        FROM scratch AS wheel-export
        COPY --from=builder /wheels/ /wheels/
        """
    assert rule_lines(lint(export, ["ML301"]), "ML301") == []
    binary = """
        FROM golang:1.22 AS build
        RUN go build -o /server ./cmd/server

        FROM scratch
        COPY --from=build /server /server
        ENTRYPOINT ["/server"]
        """
    assert rule_lines(lint(binary, ["ML301"]), "ML301") == [4]


def test_ml301_respects_target():
    text = """
        FROM python:3.11-slim AS worker
        RUN pip install --no-cache-dir ipython==8.25.0
        CMD ["python", "-m", "worker"]

        FROM python:3.11-slim AS prod
        RUN useradd app
        USER app
        CMD ["python", "-m", "app"]
        """
    assert rule_lines(lint(text, ["ML301"]), "ML301") == []
    assert rule_lines(lint(text, ["ML301"], target="worker"), "ML301") == [1]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (".devcontainer/Dockerfile", 'FROM python:3.12-slim\nCMD ["python", "app.py"]\n'),
        ("docker/Dockerfile", 'FROM python:3.12-slim\nCMD ["sleep", "infinity"]\n'),
        ("ci/Dockerfile", 'FROM python:3.12-slim\nCMD ["python", "app.py"]\n'),
        ("Dockerfile", 'FROM python:3.12-slim AS dev\nCMD ["uvicorn", "app:app"]\n'),
        ("Dockerfile", 'FROM python:3.12-slim\nCMD ["torchrun", "train.py"]\n'),
        ("Dockerfile", "FROM python:3.12-slim\nRUN pip install --no-cache-dir numpy==2.1.0\n"),
        ("Dockerfile", '# mllint: role=dev\nFROM python:3.12-slim\nCMD ["uvicorn", "app:app"]\n'),
    ],
)
def test_ml301_silent_on_images_that_are_not_deployed_services(path, text):
    assert rule_lines(lint(text, ["ML301"], dedent=False, path=path), "ML301") == []


def test_ml301_advice_fits_the_base():
    scratch = lint('FROM scratch\nCOPY server /server\nENTRYPOINT ["/server"]\n', ["ML301"], dedent=False)
    assert "USER 65532:65532" in scratch[0].message and "RUN useradd" not in scratch[0].message
    noble = lint('FROM ubuntu:24.04\nCMD ["python3", "-m", "app"]\n', ["ML301"], dedent=False)
    assert "--uid 1001" in noble[0].message and "`ubuntu`" in noble[0].message
    cache = lint(
        'FROM python:3.12-slim\nENV HF_HOME=/models/hf\nCMD ["python", "-m", "app"]\n', ["ML301"], dedent=False
    )
    assert "/models/hf" in cache[0].message


# ---------------------------------------------------------------------------------------------------------
# ML302 secret-in-env-or-arg


@pytest.mark.parametrize(
    "name",
    [
        "HF_TOKEN",
        "HUGGING_FACE_HUB_TOKEN",
        "HUGGINGFACEHUB_API_TOKEN",
        "WANDB_API_KEY",
        "OPENAI_API_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "DB_PASSWORD",
        "PGPASSWORD",
        "MYSQL_ROOT_PASSWD",
        "DB_PASS",
        "CLIENT_SECRET",
        "SECRET_KEY_BASE",
        "JWT_SECRET",
        "GITHUB_PAT",
        "NGROK_AUTHTOKEN",
        "AZURE_STORAGE_ACCOUNT_KEY",
        "PRIVATE_KEY",
        "GOOGLE_CREDENTIALS",
        "COMET_APIKEY",
        "jupyter_token",
    ],
)
def test_secret_names(name):
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "TOKENIZERS_PARALLELISM",
        "MAX_NEW_TOKENS",
        "TOKENIZER_NAME",
        "TOKEN_LIMIT",
        "PASSWORD_FILE",
        "HF_TOKEN_PATH",
        "HF_TOKEN_FILE",
        "SECRET_KEY_FILE",
        "SECRETS_DIR",
        "MAX_TOKEN_LENGTH",
        "MAX_INPUT_TOKEN",
        "TOKEN_URL",
        "GPG_KEY",
        "AWS_ACCESS_KEY_ID",
        "PWD",
        "PASSTHROUGH",
        "USE_AUTH_TOKEN",
        "HF_HUB_DISABLE_IMPLICIT_TOKEN",
        "KEYRING_PROVIDER",
    ],
)
def test_not_secret_names(name):
    assert not is_secret_name(name)


def test_extra_secret_name_patterns():
    assert not is_secret_name("SENTRY_DSN")
    assert is_secret_name("SENTRY_DSN", ("*_dsn",))


@pytest.mark.parametrize("value", ["changeme", "password", "<your-token>", "abc123", "s3cr3t"])
def test_literal_secret_values(value):
    assert is_literal_secret_value(value)


@pytest.mark.parametrize(
    "value", [None, "", "$HF_TOKEN", "${TOKEN}", "${TOKEN:-}", "false", "1", "None", "/run/secrets/hf", "https://x"]
)
def test_not_literal_secret_values(value):
    assert not is_literal_secret_value(value)


def test_credential_formats():
    for value in (
        HF,
        GHP,
        OPENAI,
        AWS,
        "github_pat_" + "A1b2" * 8,
        "xoxb-1234567890-abcdef",
        "-----BEGIN RSA PRIVATE KEY-----",
    ):
        assert find_credential(f"x {value} y") is not None, value
    for value in (
        "hf_hub_download_and_cache_the_model_weights",  # a word, not a token: no mixed case
        "sk-learn-preprocessing-pipeline-v2",  # no digits, no mixed case
        "AKIAIOSFODNN7EXAMPLE",  # AWS's documentation key
        "ghp_short",
        "-----BEGIN CERTIFICATE-----",
    ):
        assert find_credential(value) is None, value


def test_mask_never_shows_the_secret():
    assert mask(HF) == "hf_A…"
    assert mask("changeme") == "…"
    assert HF not in mask(HF)


def test_ml302_literal_credentials_by_name_and_format():
    findings = lint(
        f"""
        # syntax=docker/dockerfile:1
        FROM python:3.11-slim AS builder
        ENV TOKENIZERS_PARALLELISM=false \\
            MAX_NEW_TOKENS=512 \\
            TOKENIZER_NAME=bert-base-uncased \\
            HF_TOKEN_PATH=/run/secrets/hf_token
        ARG TOKEN_LIMIT=4096
        ENV PASSWORD_FILE=/run/secrets/pw SECRET_KEY_FILE=/run/secrets/key
        ENV GPG_KEY A035C8C19219BA821ECEA86B64E628F8D684696D
        ENV GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/gcp.json
        ENV HF_TOKEN={HF}
        env WANDB_API_KEY=0123456789abcdef0123456789abcdef01234567 JUPYTER_TOKEN=""
        ENV MODEL_ID=org/model NOTE="{OPENAI}"

        FROM python:3.11-slim
        ENV POSTGRES_PASSWORD=changeme
        ENV PIP_INDEX_URL=https://ci:hunter2pass@pypi.internal.example/simple
        ENV PIP_EXTRA_INDEX_URL=https://${{PIP_USER}}:${{PIP_PASS}}@pypi.internal.example/simple
        """,
        ["ML302"],
    )
    assert rule_lines(findings, "ML302") == [11, 12, 13, 16, 17]
    assert all(f.severity is Severity.ERROR for f in findings)
    assert all(HF not in f.message and OPENAI not in f.message and "hunter2" not in f.message for f in findings)
    assert "Hugging Face token" in findings[0].message


def test_ml302_values_that_reference_variables_are_not_literals():
    findings = lint(
        """
        FROM python:3.11-slim
        ENV HF_TOKEN=$HF_TOKEN
        ENV WANDB_API_KEY=${WANDB_API_KEY:-} OPENAI_API_KEY= USE_AUTH_TOKEN=true
        """,
        ["ML302"],
    )
    assert rule_lines(findings, "ML302") == []


def test_ml302_arg_without_default_is_a_warning_once():
    findings = lint(
        """
        ARG HF_TOKEN
        FROM python:3.11-slim AS download
        ARG HF_TOKEN
        ARG WANDB_API_KEY=""
        ARG GITHUB_TOKEN=${GITHUB_TOKEN}
        ARG PYTHON_VERSION
        ARG TOKEN_LIMIT
        RUN huggingface-cli download org/model --revision 4f1e2d3 --token "$HF_TOKEN"
        """,
        ["ML302"],
    )
    assert rule_lines(findings, "ML302") == [1, 4, 5]
    assert {f.severity for f in findings} == {Severity.WARNING}
    assert "--mount=type=secret" in findings[0].message


def test_ml302_arg_with_literal_default_is_an_error():
    findings = lint(
        f"""
        FROM python:3.11-slim
        ARG HF_TOKEN={HF}
        ARG API_KEY=abc123
        """,
        ["ML302"],
    )
    assert [(f.span.line, f.severity) for f in findings] == [(2, Severity.ERROR), (3, Severity.ERROR)]


def test_ml302_onbuild_and_option():
    text = """
        FROM python:3.11-slim
        ONBUILD ENV API_TOKEN=abc123
        ENV SENTRY_DSN=https://abc@o1.ingest.sentry.io/1 COMET_KEY=xyz
        """
    assert rule_lines(lint(text, ["ML302"]), "ML302") == [2]
    extra = {"ML302": {"extra-secret-names": ["comet_key"]}}
    assert rule_lines(lint(text, ["ML302"], rule_options=extra), "ML302") == [2, 3]


def test_ml302_points_at_the_pair():
    findings = lint(f"FROM python:3.11-slim\nENV A=1 HF_TOKEN={HF}\n", ["ML302"], dedent=False)
    assert (findings[0].span.line, findings[0].span.column) == (2, 9)


# ---------------------------------------------------------------------------------------------------------
# ML303 secret-file-copied


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        "./.env",
        "config/.env.production",
        ".env.local",
        "id_rsa",
        "deploy/id_ed25519",
        "server-key.pem",
        "privkey.pem",
        ".netrc",
        ".npmrc",
        ".pypirc",
        ".aws/",
        ".aws/credentials",
        "~/.ssh",
        "credentials.json",
        "gcp_credentials.json",
        "kaggle.json",
        ".git-credentials",
        "service-account-prod.json",
        ".streamlit/secrets.toml",
        "cert.p12",
    ],
)
def test_secret_files(path):
    assert secret_file_kind(path) is not None


@pytest.mark.parametrize(
    "path",
    [
        ".",
        "./",
        ".env.example",
        ".env.sample",
        ".env.template",
        ".envrc",
        "environment.yml",
        "id_rsa.pub",
        "ca-bundle.pem",
        "certs/fullchain.pem",
        "cert.pem",
        "requirements.txt",
        "src/",
        "$SECRETS_FILE",
        "credentials.py",
        "secrets.example.toml",
    ],
)
def test_not_secret_files(path):
    assert secret_file_kind(path) is None


def test_ml303_every_stage_and_points_at_the_source():
    findings = lint(
        """
        FROM python:3.11-slim AS fetch
        COPY kaggle.json /root/.kaggle/kaggle.json
        RUN pip install --no-cache-dir kaggle==1.6.14 && kaggle datasets download -d org/data

        FROM python:3.11-slim
        COPY --from=fetch /data /data
        COPY --from=fetch /root/.kaggle/kaggle.json /tmp/unused.json
        COPY requirements.txt .env.example ./
        copy . /app
        COPY ["config/.env", "/app/.env"]
        ADD --chown=app:app id_rsa /home/app/.ssh/id_rsa
        """,
        ["ML303"],
    )
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 6), (10, 6), (11, 21)]


def test_ml303_json_form_without_spaces():
    # `["a","b"]` is a single word: the sources come from the parsed JSON, not from splitting the text
    findings = lint('FROM python:3.11-slim\nCOPY [".env","/app/"]\nADD ["id_rsa", "/root/.ssh/"]\n', ["ML303"])
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 1), (3, 5)]


# ---------------------------------------------------------------------------------------------------------
# ML304 secret-in-run


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


def test_ml304_and_ml306_see_export():
    findings = lint(
        f"""
        FROM python:3.11-slim
        RUN export HF_TOKEN={HF} DB_PASSWORD=changeme TOKENIZERS_PARALLELISM=false \\
            && export PYTHONHTTPSVERIFY=0 HF_HOME=/models \\
            && python download.py
        """,
        ["ML304", "ML306"],
    )
    assert [(f.rule, f.span.line, f.span.column) for f in findings] == [
        ("ML304", 2, 12),
        ("ML304", 2, 61),
        ("ML306", 3, 8),
    ]


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


# ---------------------------------------------------------------------------------------------------------
# ML305 pipe-to-shell


def test_ml305_pipes_and_substitutions():
    findings = lint(
        """
        FROM ubuntu:22.04 AS tools
        RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \\
            && curl -fsSL https://astral.sh/uv/install.sh | sh \\
            && rm -rf /var/lib/apt/lists/*
        RUN wget -qO- https://deb.nodesource.com/setup_20.x | sudo -E bash -
        RUN curl -sSL https://install.python-poetry.org | python3 - --version 1.8.3
        RUN sh -c "$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)"
        RUN <<EOF
        curl -LsSf https://example.com/setup.sh | tr -d '\\r' | bash -s -- --yes
        EOF
        RUN sudo curl -fsSL https://example.com/get.sh | sudo sh
        """,
        ["ML305"],
    )
    assert rule_lines(findings, "ML305") == [3, 5, 6, 7, 9, 11]


def test_ml305_near_misses():
    findings = lint(
        """
        FROM python:3.11-slim
        RUN curl -s https://api.github.com/repos/org/repo/releases/latest \\
            | python3 -c "import json,sys; print(json.load(sys.stdin)['tag_name'])"
        RUN curl -fsSL https://example.com/key.gpg | gpg --dearmor -o /usr/share/keyrings/example.gpg
        RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh && sh /tmp/install.sh
        RUN wget https://example.com/install.sh | sh
        RUN curl -fsSL https://example.com/data.json | python -m json.tool
        RUN curl -fsSL https://example.com/model.tar.gz | tar -xz -C /models
        RUN echo "print(1)" | python3
        RUN docker buildx build --secret id=npm,src=/run/npmrc .
        """,
        ["ML305"],
    )
    assert rule_lines(findings, "ML305") == []


# ---------------------------------------------------------------------------------------------------------
# ML306 tls-verification-disabled


def test_ml306_commands():
    findings = lint(
        """
        FROM python:3.11-slim AS builder
        RUN curl -fsSLk https://example.com/a -o /a \\
            && wget --no-check-certificate https://example.com/b \\
            && pip install --no-cache-dir --trusted-host pypi.internal torch==2.3.1
        RUN pip config set global.trusted-host pypi.internal \\
            && git config --global http.sslVerify false \\
            && git -c http.sslVerify=false clone https://example.com/repo.git
        RUN npm config set strict-ssl false && conda config --set ssl_verify no
        RUN PYTHONHTTPSVERIFY=0 python download.py && env GIT_SSL_NO_VERIFY=1 git pull
        RUN uv pip install --system --allow-insecure-host pypi.internal numpy==1.26.4
        RUN apt-get -o Acquire::https::Verify-Peer=false update
        """,
        ["ML306"],
    )
    assert rule_lines(findings, "ML306") == [2, 3, 4, 5, 6, 7, 8, 8, 9, 9, 10, 11]


def test_ml306_env_and_arg():
    findings = lint(
        """
        FROM python:3.11-slim
        ENV PIP_TRUSTED_HOST=pypi.internal
        ENV PYTHONHTTPSVERIFY=0 NODE_TLS_REJECT_UNAUTHORIZED=0
        ARG GIT_SSL_NO_VERIFY=true
        ENV PYTHONHTTPSVERIFY=1 NODE_TLS_REJECT_UNAUTHORIZED=1 PIP_TRUSTED_HOST=$HOSTS
        ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt
        """,
        ["ML306"],
    )
    assert rule_lines(findings, "ML306") == [2, 3, 3, 4]


def test_ml306_near_misses():
    findings = lint(
        """
        FROM python:3.11-slim
        RUN curl -fsSL https://example.com/a -o /a && curl --cacert /etc/ssl/ca.pem https://internal/x
        RUN git config --global http.sslVerify true && git config --global http.sslCAInfo /etc/ssl/ca.pem
        RUN conda config --set ssl_verify /etc/ssl/certs/ca.pem && npm config set strict-ssl true
        RUN pip install --no-cache-dir --index-url https://pypi.internal/simple torch==2.3.1
        """,
        ["ML306"],
    )
    assert rule_lines(findings, "ML306") == []


# ---------------------------------------------------------------------------------------------------------
# ML307 add-instead-of-copy


def test_ml307():
    findings = lint(
        """
        # syntax=docker/dockerfile:1
        ARG WEIGHTS=weights.tar.gz
        FROM python:3.11-slim
        ARG WEIGHTS
        ARG UNKNOWN_SRC
        ADD . /app
        ADD requirements.txt setup.py /app/
        ADD model.zip /models/
        ADD weights.tar.gz data.tgz shard.tar.xz /models/
        ADD ${WEIGHTS} /models/
        ADD $UNKNOWN_SRC /models/
        ADD https://huggingface.co/org/model/resolve/main/model.onnx /models/
        ADD --checksum=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef \\
            https://example.com/model.onnx /models/
        ADD https://github.com/org/repo.git#main /src/repo
        ADD git@github.com:org/repo.git#v1.2.3 /src/pinned
        ADD https://github.com/org/repo.git#0123456789abcdef0123456789abcdef01234567 /src/sha
        add ["notes.txt", "/app/"]
        """,
        ["ML307"],
    )
    assert rule_lines(findings, "ML307") == [6, 7, 8, 12, 15, 18]
    assert "zip" in findings[2].message


# ---------------------------------------------------------------------------------------------------------
# ML308 sudo-in-run


def test_ml308():
    findings = lint(
        """
        FROM ubuntu:22.04 AS builder
        USER 1000
        RUN sudo apt-get update \\
            # comment between continuation lines
            && sudo apt-get install -y --no-install-recommends build-essential
        FROM builder
        RUN echo "sudo is mentioned" && apt-get install -y sudo-foo || true
        RUN <<EOF
        sudo -u app python -c "print(1)"
        EOF
        FROM ubuntu:22.04
        RUN sudo apt-get update
        """,
        ["ML308"],
    )
    # one finding per RUN; a sudo while the build still runs as root (the last stage) is a no-op
    assert [(f.span.line, f.span.column) for f in findings] == [(3, 5), (9, 1)]


# ---------------------------------------------------------------------------------------------------------
# ML309 world-writable


@pytest.mark.parametrize("mode", ["777", "0777", "666", "0666", "a+w", "o+w", "a+rwx", "ugo+rwx", "o=rwx", "u+x,o+w"])
def test_world_writable_modes(mode):
    assert world_writable_mode(mode)


@pytest.mark.parametrize(
    "mode", ["755", "0644", "775", "1777", "+w", "u+w", "g+w", "o-w", "a-w", "a+rx", "a+t", "o+rt"]
)
def test_not_world_writable_modes(mode):
    assert not world_writable_mode(mode)


def test_ml309_shipped_stages_only():
    findings = lint(
        """
        FROM python:3.11-slim AS builder
        RUN chmod -R 777 /build

        FROM python:3.11-slim
        COPY --chmod=0777 entrypoint.sh /entrypoint.sh
        COPY --chmod=755 run.sh /run.sh
        RUN mkdir -p /app/cache && chmod -R a+rwx /app/cache \\
            && chmod 1777 /tmp && chmod +x /run.sh && chmod $MODE /x
        RUN mkdir -m 777 /data && install -m 0755 tool /usr/local/bin/tool
        """,
        ["ML309"],
    )
    assert [(f.span.line, f.span.column) for f in findings] == [(5, 6), (7, 37), (9, 14)]


# ---------------------------------------------------------------------------------------------------------
# ML310 ssh-exposed


def test_ml310_expose_and_install():
    findings = lint(
        """
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04 AS base
        EXPOSE 8000 22/tcp

        FROM base
        RUN apt-get update \\
            && apt-get install -y --no-install-recommends openssh-server=1:8.9p1-3ubuntu0.10 openssh-client \\
            && rm -rf /var/lib/apt/lists/*
        EXPOSE 20-30
        CMD ["python3", "-m", "app"]
        """,
        ["ML310"],
    )
    assert rule_lines(findings, "ML310") == [2]  # one finding per image: the EXPOSE, not the install too


def test_ml310_builder_stage_and_near_misses():
    findings = lint(
        """
        FROM alpine:3.20 AS keys
        RUN apk add --no-cache openssh && ssh-keygen -A
        EXPOSE 22

        FROM python:3.11-slim
        ARG PORT
        RUN apt-get update && apt-get install -y --no-install-recommends openssh-client git \\
            && rm -rf /var/lib/apt/lists/*
        EXPOSE 8000 22/udp $PORT 2222
        """,
        ["ML310"],
    )
    assert rule_lines(findings, "ML310") == []


def test_ml310_alpine_and_yum():
    findings = lint(
        """
        FROM alpine:3.20
        RUN apk add --no-cache dropbear
        CMD ["/app/server"]
        """,
        ["ML310"],
    )
    assert rule_lines(findings, "ML310") == [2]
    findings = lint(
        """
        FROM rockylinux:9
        RUN yum install -y openssh-server && yum clean all
        CMD ["/app/server"]
        """,
        ["ML310"],
    )
    assert rule_lines(findings, "ML310") == [2]
    dev_pod = """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        RUN apt-get update && apt-get install -y --no-install-recommends openssh-server \\
            && rm -rf /var/lib/apt/lists/*
        EXPOSE 22 8888
        CMD ["sleep", "infinity"]
        """
    assert rule_lines(lint(dev_pod, ["ML310"]), "ML310") == []


def test_ml302_env_copying_a_credential_arg_is_an_error():
    findings = lint(
        """
        FROM python:3.12-slim
        ARG HF_TOKEN
        ENV HF_TOKEN=$HF_TOKEN
        ENV TOKENIZERS_PARALLELISM=false
        ARG CACHE_DIR=/cache
        ENV HF_HOME=${CACHE_DIR}
        """,
        ["ML302"],
    )
    assert [(f.span.line, f.severity) for f in findings] == [(2, Severity.WARNING), (3, Severity.ERROR)]
    assert "docker inspect" in findings[1].message


def test_ml302_aws_key_id_is_a_credential():
    findings = lint(f"FROM python:3.12-slim\nENV AWS_KEY={AWS}\n", ["ML302"], dedent=False)
    assert findings[0].severity == Severity.ERROR and "an AWS access key" in findings[0].message


def test_ml303_oracle_wallet_even_behind_a_glob():
    assert secret_file_kind("cwallet.ss[o]") == "`cwallet.ss[o]`"
    assert secret_file_kind("cwallet.sso") is not None
    assert secret_file_kind("tnsnames.ora") is None


def test_ml301_advice_on_alpine_and_workdir():
    findings = lint('FROM alpine:3.20\nWORKDIR /work\nCMD ["/work/run"]\n', ["ML301"], dedent=False)
    assert "adduser -D -u 1000 app" in findings[0].message and "useradd" not in findings[0].message
    assert "chown app /work" in findings[0].message


def test_ml301_advice_mentions_root_held_runtimes_and_relative_commands():
    text = """
        FROM ubuntu:22.04
        ENV PATH=/root/.local/bin:$PATH
        CMD ["server"]
        """
    assert "move `/root/.local/bin` out of /root" in lint(text, ["ML301"])[0].message
    relative = "FROM python:3.12-slim\nCMD python examples/app.py model/ workdir 8080\n"
    assert "WORKDIR` that user owns" in lint(relative, ["ML301"], dedent=False)[0].message
