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
    make(tmp_path, {"serve.py": "", secret: "s3cr3t", ".dockerignore": ".git\n"})
    (finding,) = lint_context(tmp_path, APP, "ML803")
    assert finding.severity is Severity.ERROR and f"`{secret}`" in finding.message


def test_fires_without_any_ignore_file(tmp_path):
    make(tmp_path, {"serve.py": "", ".env": "A=1"})
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
    make(tmp_path, {"app/main.py": "", "app/.env": "A=1", "other/.env": "B=2", ".dockerignore": ".git\n"})
    dockerfile = "FROM python:3.11-slim\nCOPY app /app\nCOPY other/main.py /x\n"
    (finding,) = lint_context(tmp_path, dockerfile, "ML803")
    assert finding.span.line == 2 and "`app/.env`" in finding.message and "other" not in finding.message


def test_copy_exclude_flag_is_left_alone(tmp_path):
    make(tmp_path, {"serve.py": "", ".env": "A=1"})
    assert lint_context(tmp_path, "FROM python:3.11-slim\nCOPY --exclude=.env . .\n", "ML803") == []
