"""ML405 python-unbuffered-missing: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import fixed, linter
from .helpers import _lines


def test_ml405_fires_for_python_server_without_the_env():
    text = """
        FROM python:3.11-slim
        ENV PYTHONDONTWRITEBYTECODE=1
        ARG PYTHONUNBUFFERED=1
        CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    """
    assert _lines(text, "ML405") == [1]


@pytest.mark.parametrize(
    "env",
    [
        "ENV PYTHONUNBUFFERED=1",
        "ENV PYTHONUNBUFFERED 1",
        'env PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED="true"',
        "ENV PYTHONUNBUFFERED=${UNBUFFERED}",  # unknown value: silent
    ],
)
def test_ml405_silent_when_set(env):
    text = f'FROM python:3.11-slim\nARG UNBUFFERED\n{env}\nCMD ["uvicorn", "app:app"]\n'
    assert _lines(text, "ML405") == []


@pytest.mark.parametrize(
    "env", ["ENV PYTHONUNBUFFERED=0", "ENV PYTHONUNBUFFERED=", "ENV PYTHONUNBUFFERED=1\nENV PYTHONUNBUFFERED=0"]
)
def test_ml405_zero_or_empty_does_not_count(env):
    text = f'FROM python:3.11-slim\n{env}\nCMD ["uvicorn", "app:app"]\n'
    assert _lines(text, "ML405") == [1]


def test_ml405_python_u_or_inline_assignment_counts():
    assert _lines('FROM python:3.11-slim\nEXPOSE 80\nCMD ["python", "-u", "serve.py"]\n', "ML405") == []
    assert _lines("FROM python:3.11-slim\nEXPOSE 80\nCMD PYTHONUNBUFFERED=1 exec python serve.py\n", "ML405") == []
    assert _lines('FROM python:3.11-slim\nEXPOSE 80\nCMD ["python", "serve.py"]\n', "ML405") == [1]


def test_ml405_lineage_env():
    inherited = """
        FROM python:3.11-slim AS base
        ENV PYTHONUNBUFFERED=1
        FROM base
        CMD ["uvicorn", "app:app"]
    """
    assert _lines(inherited, "ML405") == []
    builder_only = """
        FROM python:3.11 AS build
        ENV PYTHONUNBUFFERED=1
        FROM python:3.11-slim
        CMD ["uvicorn", "app:app"]
    """
    assert _lines(builder_only, "ML405") == [3]


def test_ml405_python_decided_by_command_or_base():
    vllm_on_cuda = """
        FROM nvidia/cuda:12.1.0-runtime-ubuntu22.04
        ENTRYPOINT ["python3", "-m", "vllm.entrypoints.openai.api_server"]
    """
    assert _lines(vllm_on_cuda, "ML405") == [1]
    expose_on_python = 'FROM python:3.11-slim\nEXPOSE 8000\nCMD ["./start.sh"]\n'
    assert _lines(expose_on_python, "ML405") == [1]
    triton = """
        FROM nvcr.io/nvidia/tritonserver:24.05-py3
        CMD ["tritonserver", "--model-repository=/models"]
    """
    assert _lines(triton, "ML405") == []
    nginx = 'FROM nginx:1.27\nEXPOSE 80\nCMD ["nginx", "-g", "daemon off;"]\n'
    assert _lines(nginx, "ML405") == []
    batch = 'FROM python:3.11-slim\nCMD ["python", "train.py"]\n'
    assert _lines(batch, "ML405") == []


def test_ml405_fix_python_unbuffered_added_after_the_final_from():
    text = """
        FROM python:3.11-slim AS build
        RUN pip wheel --no-cache-dir -w /w numpy==1.26.4
        FROM python:3.11-slim
        EXPOSE 8000
        CMD ["uvicorn", "main:app"]
    """
    out = fixed(text, ["ML405"], unsafe=True)
    assert out.splitlines()[2:4] == ["FROM python:3.11-slim", "ENV PYTHONUNBUFFERED=1"]
    assert "ML405" not in {f.rule for f in linter(["ML405"]).lint_bytes(out.encode(), "Dockerfile").findings}
