"""ML508 python-without-wheels: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import lint, rule_lines


def test_ml508_python_312_with_old_torch():
    text = """
        ARG PY=3.12
        FROM python:${PY}-slim
        RUN pip install --no-cache-dir torch==2.0.1
    """
    findings = lint(text, ["ML508"])
    assert rule_lines(findings, "ML508") == [3]
    assert "3.8–3.11" in findings[0].message and "3.12" in findings[0].message and "2.2" in findings[0].message


def test_ml508_interpreter_of_the_command_wins():
    text = """
        FROM nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04
        RUN apt-get update && apt-get install -y python3.12 python3.12-venv \\
            && python3.12 -m pip install tensorflow==2.15.1
    """
    assert rule_lines(lint(text, ["ML508"]), "ML508") == [3]


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.11-slim\nRUN pip install torch==2.0.1\n",
        "FROM python:3.12-slim\nRUN pip install 'torch>=2.0'\n",  # not pinned
        "FROM python:3.12-slim\nRUN pip install torch==2.13.0\n",  # unverified row
        "FROM python:3.13-slim\nRUN pip install torch==2.5.1\n",
        "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install torch==1.13.1\n",  # Python unknown
        "FROM python:3.12-slim\nRUN apt-get install -y python3.10 && pip install torch==2.0.1\n",  # which pip?
    ],
)
def test_ml508_near_misses(text):
    assert rule_lines(lint(text, ["ML508"]), "ML508") == []
