"""ML404 root-local-packages-unreadable: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import lint
from .helpers import ROOT_LOCAL, _lines


def test_ml404_copy_and_path_under_root_then_non_root_user():
    findings = [f for f in lint(ROOT_LOCAL, ["ML404"]) if f.rule == "ML404"]
    assert [(f.span.line, f.span.column) for f in findings] == [(6, 34), (7, 5)]
    assert "--chown=app /root/.local /home/app/.local" in findings[0].message


def test_ml404_fix_with_chown_to_home_is_silent():
    text = """
        FROM python:3.11-slim AS builder
        RUN pip install --user --no-cache-dir fastapi==0.110.0
        FROM python:3.11-slim
        RUN useradd --create-home app
        COPY --from=builder --chown=app:app /root/.local /home/app/.local
        ENV PATH=/home/app/.local/bin:$PATH
        USER app
    """
    assert _lines(text, "ML404") == []


@pytest.mark.parametrize("user", ["", "USER root", "USER app\nUSER 0:0", "USER $RUNTIME_USER"])
def test_ml404_silent_when_running_as_root_or_unknown(user):
    text = ROOT_LOCAL.replace("    USER app\n", f"    {user}\n") if user else ROOT_LOCAL.replace("    USER app\n", "")
    assert _lines(text, "ML404") == []


def test_ml404_numeric_and_arg_users_and_pythonpath():
    text = """
        FROM python:3.11-slim
        ARG APP_USER=svc
        ENV PYTHONPATH=/root/app/src
        USER ${APP_USER}
    """
    assert _lines(text, "ML404") == [3]
    numeric = """
        FROM python:3.11-slim
        COPY --from=ghcr.io/acme/wheels:1 /wheels/site-packages /root/.local/lib/python3.11/site-packages
        USER 1000:1000
    """
    assert _lines(numeric, "ML404") == [2]


def test_ml404_silent_when_root_is_opened_or_only_in_builder():
    opened = ROOT_LOCAL.replace("USER app", "RUN chmod 755 /root\nUSER app")
    assert _lines(opened, "ML404") == []
    builder_only = """
        FROM python:3.11-slim AS builder
        ENV PATH=/root/.local/bin:$PATH
        RUN pip install --user --no-cache-dir fastapi==0.110.0
        FROM python:3.11-slim
        COPY --from=builder /root/.local /usr/local
        USER nobody
    """
    assert _lines(builder_only, "ML404") == []
