"""Tests of several security rules, or of the helpers they share."""

from __future__ import annotations

import pytest

from dockerlint_ml.rules.security import (
    find_credential,
    is_literal_secret_value,
    is_secret_name,
    mask,
    secret_file_kind,
    world_writable_mode,
)

from ...conftest import lint
from .helpers import AWS, GHP, HF, OPENAI


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


@pytest.mark.parametrize("mode", ["777", "0777", "666", "0666", "a+w", "o+w", "a+rwx", "ugo+rwx", "o=rwx", "u+x,o+w"])
def test_world_writable_modes(mode):
    assert world_writable_mode(mode)


@pytest.mark.parametrize(
    "mode", ["755", "0644", "775", "1777", "+w", "u+w", "g+w", "o-w", "a-w", "a+rx", "a+t", "o+rt"]
)
def test_not_world_writable_modes(mode):
    assert not world_writable_mode(mode)
