"""ML803 credential-files-in-context: credential files a whole-context or directory COPY brings in."""

from __future__ import annotations

import pytest

from dockerlint_ml.model import Severity

from .helpers import APP, lint_context, make


@pytest.mark.parametrize(
    "secret",
    [
        ".env",
        "config/.env.production",
        "deploy/id_rsa",
        ".netrc",
        "gcp/credentials.json",
        "wallet/cwallet.sso",
        ".aws/credentials",
        "certs/server-key.pem",
        "kubeconfig",
    ],
)
def test_fires(tmp_path, secret):
    make(tmp_path, {"serve.py": "", secret: "DB_PASSWORD=s3cr3t", ".dockerignore": ".git\n"})
    (finding,) = lint_context(tmp_path, APP, "ML803")
    assert finding.severity is Severity.ERROR and f"`{secret}`" in finding.message


def test_fires_without_any_ignore_file(tmp_path):
    make(tmp_path, {"serve.py": "", ".env": "DB_PASSWORD=hunter2"})
    (finding,) = lint_context(tmp_path, APP, "ML803")
    assert "there is no `.dockerignore`" in finding.message


@pytest.mark.parametrize(
    ("files", "ignore"),
    [
        ({".env": "A=1"}, "**/.env\n"),
        ({".env": "A=1"}, ".env\n"),
        ({"config/.env": "A=1"}, "**/.env\n"),
        ({".env.example": "A="}, ".git\n"),  # a template
        ({"certs/ca-bundle.pem": "x"}, ".git\n"),  # a public certificate
        ({"tests/fixtures/id_rsa": "x"}, ".git\n"),  # a test fixture
        ({".venv/pyvenv.cfg": "", ".venv/lib/site.pem": "x"}, ".git\n"),
        ({"secrets/.netrc": "x"}, "secrets\n"),
    ],
)
def test_silent(tmp_path, files, ignore):
    make(tmp_path, {"serve.py": "", **files, ".dockerignore": ignore})
    assert lint_context(tmp_path, APP, "ML803") == []


def test_directory_copy_and_file_copy(tmp_path):
    secret = "DB_PASSWORD=hunter2"
    make(tmp_path, {"app/main.py": "", "app/.env": secret, "other/.env": secret, ".dockerignore": ".git\n"})
    dockerfile = "FROM python:3.11-slim\nCOPY app /app\nCOPY other/main.py /x\n"
    (finding,) = lint_context(tmp_path, dockerfile, "ML803")
    assert finding.span.line == 2 and "`app/.env`" in finding.message and "other" not in finding.message


def test_copy_exclude_flag_is_left_alone(tmp_path):
    make(tmp_path, {"serve.py": "", ".env": "A=1"})
    assert lint_context(tmp_path, "FROM python:3.11-slim\nCOPY --exclude=.env . .\n", "ML803") == []


def test_a_dotenv_template_is_not_a_credential_file(tmp_path):
    """LLaMA-Factory commits a `.env.local` of empty keys, h2ogpt a `.env` of ports and model names: copying
    them leaks nothing (two false errors on review). A dotenv with a secret value still counts."""
    files = {
        "serve.py": "",
        ".dockerignore": "*.md\n",
        ".env.local": "# reference only\nAPI_HOST=\nAPI_KEY=\nAPI_PORT=8000\n",
        ".env": "H2OGPT_PORT=7860\nH2OGPT_BASE_MODEL=h2oai/h2ogpt-4096-llama2-7b-chat\n",
    }
    make(tmp_path, files)
    assert lint_context(tmp_path, APP, "ML803") == []
    (tmp_path / ".env.local").write_text("API_KEY=sk-live-0123456789abcdef\n")
    (finding,) = lint_context(tmp_path, APP, "ML803")
    assert "`.env.local`" in finding.message and "`.env`" not in finding.message.replace("`.env.local`", "")
    (tmp_path / ".env").write_text(f"NOTE=x\nTOKEN_FOR_HUB={'hf_' + 'A1b2' * 9}\n")
    assert "`.env`" in lint_context(tmp_path, APP, "ML803")[0].message
