"""ML302 secret-in-env-or-arg: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from dockerlint_ml.model import Severity

from ...conftest import lint, rule_lines
from .helpers import AWS, HF, OPENAI


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
