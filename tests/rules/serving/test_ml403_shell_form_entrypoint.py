"""ML403 shell-form-entrypoint: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from dockerlint_ml.fix import fix_for
from dockerlint_ml.parse import parse_text

from ...conftest import dd, fixed, lint, linter
from .helpers import _lines


def test_ml403_shell_form_cmd_across_continuation():
    text = """
        FROM python:3.11-slim
        CMD uvicorn app:app \\
            --host 0.0.0.0 \\
            --port 8000
    """
    assert _lines(text, "ML403") == [2]


@pytest.mark.parametrize(
    "cmd",
    [
        'CMD ["uvicorn", "app:app"]',
        "CMD exec uvicorn app:app --host 0.0.0.0",
        "CMD cd /app && exec gunicorn app:app",
        'CMD ["sh", "-c", "exec gunicorn app:app --workers ${WORKERS:-2}"]',
    ],
)
def test_ml403_silent_for_exec_form_and_exec_prefix(cmd):
    assert _lines(f"FROM python:3.11-slim\n{cmd}\n", "ML403") == []


def test_ml403_shell_entrypoint_fires_once_and_ignored_cmd_is_not_reported():
    text = """
        FROM python:3.11-slim
        ENTRYPOINT python serve.py
        CMD --port 8000
    """
    assert _lines(text, "ML403") == [2]


def test_ml403_shell_cmd_behind_exec_entrypoint_has_its_own_message():
    text = """
        FROM python:3.11-slim
        ENTRYPOINT ["/usr/bin/tini", "--"]
        CMD gunicorn app:app
    """
    findings = [f for f in lint(text, ["ML403"]) if f.rule == "ML403"]
    assert [f.span.line for f in findings] == [3]
    assert "passed to the exec-form ENTRYPOINT" in findings[0].message


def test_ml403_only_the_effective_instructions_of_the_shipped_lineage():
    overridden = """
        FROM python:3.11-slim
        CMD python app.py
        CMD ["python", "app.py"]
    """
    assert _lines(overridden, "ML403") == []
    builder = """
        FROM python:3.11 AS test
        CMD pytest -q
        FROM python:3.11-slim AS base
        cmd python app.py
        FROM base
        RUN pip install --no-cache-dir gunicorn==22.0.0
    """
    assert _lines(builder, "ML403") == [4]
    reset_by_entrypoint = """
        FROM python:3.11-slim AS base
        CMD python app.py
        FROM base
        ENTRYPOINT ["python", "job.py"]
    """
    assert _lines(reset_by_entrypoint, "ML403") == []


def test_ml403_fix_shell_form_to_exec_form_keeps_continuations():
    text = """
        FROM python:3.11-slim
        EXPOSE 8000
        CMD uvicorn main:app \\
            --host "0.0.0.0" --port 8000
    """
    assert fixed(text, ["ML403"]) == dd(
        """
        FROM python:3.11-slim
        EXPOSE 8000
        CMD ["uvicorn", "main:app", \\
            "--host", "0.0.0.0", "--port", "8000"]
        """
    )


@pytest.mark.parametrize(
    "command",
    [
        "uvicorn main:app --port $PORT",
        "python serve.py && echo done",
        "python serve.py > /var/log/app.log",
        "python serve.py *.yaml",
        "python serve.py `hostname`",
        "MODEL=x python serve.py",
        "cd /app && python serve.py",
        "python serve.py # comment",
        'python -c "print(\\"x\\")"',
        "python serve.py &",
        "source env.sh; python serve.py",
    ],
)
def test_ml403_fix_shell_form_with_shell_features_is_not_rewritten(command):
    text = f"FROM python:3.11-slim\nEXPOSE 8000\nCMD {command}\n"
    findings = linter(["ML403"]).lint_bytes(text.encode(), "Dockerfile").findings
    assert all(fix_for(parse_text(text), f) is None for f in findings)
    assert fixed(text, ["ML403"], dedent=False) == text


def test_ml403_fix_entrypoint_with_cmd_is_an_unsafe_fix():
    text = """
        FROM python:3.11-slim
        EXPOSE 8000
        ENTRYPOINT uvicorn main:app
        CMD ["--port", "8000"]
    """
    assert fixed(text, ["ML403"]) == dd(text)
    assert 'ENTRYPOINT ["uvicorn", "main:app"]' in fixed(text, ["ML403"], unsafe=True)


def test_ml403_several_background_processes_get_script_advice():
    """No exec form can start `redis-server & celery ... & uvicorn ... && fg`: the advice is a script ending in
    `exec` plus an init (the exec-form advice was judged impossible to follow on review)."""
    text = """
        FROM python:3.11-slim
        ENTRYPOINT redis-server & celery -A tasks worker & uvicorn app:app --host 0.0.0.0 && fg
        """
    [finding] = lint(text, ["ML403"])
    assert "ends with `exec <the main server>`" in finding.message and "--init" in finding.message
    assert 'ENTRYPOINT ["executable"' not in finding.message
    one = "FROM python:3.11-slim\nCMD cd /app && uvicorn app:app --host 0.0.0.0\n"
    assert "start the command with `exec`" in lint(one, ["ML403"], dedent=False)[0].message
