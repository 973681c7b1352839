"""Tests of several serving rules, or of the helpers they share."""

from __future__ import annotations

import pytest

from dockerlint_ml.rules.serving import base_http_tools, find_server

from .helpers import _serving


@pytest.mark.parametrize(
    ("argv", "server"),
    [
        ("uvicorn app:app --host 0.0.0.0", "uvicorn"),
        ("/opt/venv/bin/gunicorn -k uvicorn.workers.UvicornWorker app:app", "gunicorn"),
        ("hypercorn app:app", "hypercorn"),
        ("python -m uvicorn app:app", "python -m uvicorn"),
        ("python3.11 -u -m gunicorn app", "python -m gunicorn"),
        ("python -um hypercorn app:app", "python -m hypercorn"),
        ("flask --app app run --host 0.0.0.0", "flask"),
        ("python -m flask run", "python -m flask"),
        ("fastapi run app/main.py", "fastapi"),
        ("streamlit run app.py", "streamlit"),
        ("gradio app.py", "gradio"),
        ("vllm serve meta-llama/Llama-3.1-8B", "vllm"),
        ("python3 -m vllm.entrypoints.openai.api_server --model x", "python -m vllm.entrypoints.openai.api_server"),
        ("bentoml serve service:Svc", "bentoml"),
        ("mlflow models serve -m models:/m/1 -h 0.0.0.0", "mlflow"),
        ("serve run config.yaml", "serve"),
        ("torchserve --start --model-store /models", "torchserve"),
        ("tritonserver --model-repository=/models", "tritonserver"),
        ("text-generation-launcher --model-id x", "text-generation-launcher"),
        ("tensorflow_model_server --port=8500", "tensorflow_model_server"),
        ("python -m http.server 8000", "python -m http.server"),
        ("tini -- uvicorn app:app", "uvicorn"),
        ("/usr/bin/dumb-init -- gosu app gunicorn app", "gunicorn"),
        ("conda run -n serve --no-capture-output python -m uvicorn app:app", "python -m uvicorn"),
        ("opentelemetry-instrument --traces_exporter console uvicorn app:app", "uvicorn"),
        ("uv run --frozen fastapi run", "fastapi"),
    ],
)
def test_find_server(argv, server):
    found = find_server(argv.split())
    assert found is not None and found[0] == server


@pytest.mark.parametrize(
    "argv",
    [
        "python app.py",
        "python -c import_uvicorn",
        "python -m pip install x",
        "python train.py --epochs 3",
        "flask db upgrade",
        "streamlit hello",
        "gradio deploy",
        "gradio cc build",
        "mlflow run .",
        "vllm bench latency",
        "bentoml build",
        "serve deploy config.yaml",
        "torchserve --stop",
        "celery -A app worker",
        "/entrypoint.sh",
        "conda run -n vllm python train.py",
    ],
)
def test_not_a_server(argv):
    assert find_server(argv.split()) is None


def test_is_serving_image_by_expose_or_command_through_lineage():
    assert _serving("FROM python:3.11-slim\nEXPOSE 8000\n")
    assert _serving('FROM python:3.11-slim AS base\nCMD ["uvicorn", "app:app"]\nFROM base\nRUN true\n')
    assert not _serving('FROM python:3.11-slim\nCMD ["python", "train.py"]\n')
    # an EXPOSE in a discarded builder stage does not make the image serve
    assert not _serving('FROM python:3.11 AS build\nEXPOSE 8000\nFROM python:3.11-slim\nCMD ["python", "job.py"]\n')
    # an ENTRYPOINT in the final stage resets the CMD inherited from the parent stage
    assert not _serving('FROM python:3.11 AS base\nCMD ["uvicorn", "a:a"]\nFROM base\nENTRYPOINT ["python", "b.py"]\n')
    # ... but not a CMD set in the same stage
    assert _serving('FROM python:3.11\nCMD ["uvicorn", "a:a"]\nENTRYPOINT ["/entrypoint.sh"]\n')
    # exec ENTRYPOINT + exec CMD form one argv
    assert _serving('FROM python:3.11\nENTRYPOINT ["python", "-m"]\nCMD ["uvicorn", "a:a"]\n')
    # --target picks another final stage
    text = 'FROM python:3.11 AS train\nCMD ["python", "train.py"]\nFROM python:3.11 AS api\nCMD ["uvicorn", "a:a"]\n'
    assert _serving(text) and not _serving(text, target="train")


@pytest.mark.parametrize(
    ("image", "tools"),
    [
        ("python:3.11-slim", set()),
        ("python:3.11-slim-bookworm", set()),
        ("python:3.12-alpine3.19", {"wget"}),
        ("python:3.11", {"curl", "wget"}),
        ("python:3.11-bookworm", {"curl", "wget"}),
        ("python", {"curl", "wget"}),
        ("docker.io/library/python:3.11-slim", set()),
        ("alpine:3.19", {"wget"}),
        ("debian:bookworm-slim", set()),
        ("ubuntu:22.04", set()),
        ("buildpack-deps:bookworm", {"curl", "wget"}),
        ("nvidia/cuda:12.1.0-runtime-ubuntu22.04", set()),
        ("gcr.io/distroless/python3-debian12", set()),
        ("gcr.io/distroless/python3-debian12:debug", {"wget"}),
        ("nvidia/cuda:12.1.0-runtime-ubi8", None),
        ("pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime", set()),  # curl is in its dev-base stage only
        ("busybox:1.36", {"wget"}),
        ("scratch", set()),
        ("registry.example.com/ml/base:1", None),
        ("python:3.11-windowsservercore-ltsc2022", None),
    ],
)
def test_base_http_tools(image, tools):
    from dockerlint_ml.images import parse_image_ref

    found = base_http_tools(parse_image_ref(image))
    assert (set(found) if found is not None else None) == tools
