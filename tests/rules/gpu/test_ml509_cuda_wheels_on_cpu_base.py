"""ML509 cuda-wheels-on-cpu-base: detection cases and near-misses."""

from __future__ import annotations

import pytest

from ...conftest import lint, rule_lines
from .helpers import lint_in

CMD = 'CMD ["python", "app.py"]\n'


def _lines(text: str, path: str = "Dockerfile") -> list[int]:
    return rule_lines(lint(text + CMD, ["ML509"], path=path), "ML509")


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.3.0 transformers==4.41.0\n",
        "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y python3-pip && pip install torch torchvision\n",
        "FROM debian:bookworm-slim\nRUN python3 -m pip install --break-system-packages torch==2.4.1\n",
        'FROM python:3.11-slim\nRUN pip install "tensorflow[and-cuda]==2.16.1"\n',
        'FROM python:3.11-slim\nRUN pip install "jax[cuda12]==0.4.30"\n',
        "FROM --platform=linux/amd64 python:3.11-slim\nRUN pip install torch==2.3.0\n",
    ],
)
def test_ml509_fires(text):
    assert _lines(text) == [2]


def test_ml509_message():
    (finding,) = lint("FROM python:3.11-slim\nRUN pip install torch==2.3.0 torchvision==0.18.0\n" + CMD, ["ML509"])
    assert (finding.span.line, finding.span.column) == (2, 17)
    assert "CUDA 12.1 build" in finding.message and "~3 GB" in finding.message
    assert "`--index-url https://download.pytorch.org/whl/cpu`" in finding.message
    assert "`python:3.11-slim`" in finding.message
    (finding,) = lint('FROM python:3.11-slim\nRUN pip install "tensorflow[and-cuda]==2.16.1"\n' + CMD, ["ML509"])
    assert "install `tensorflow` without the `[and-cuda]` extra" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        # the CPU build chosen
        "FROM python:3.11-slim\nRUN pip install torch==2.3.0 --index-url https://download.pytorch.org/whl/cpu\n",
        "FROM python:3.11-slim\nRUN pip install torch==2.3.0 --extra-index-url https://download.pytorch.org/whl/cpu\n",
        "FROM python:3.11-slim\nRUN pip install torch==2.3.0+cpu -f https://download.pytorch.org/whl/torch_stable.html\n",
        "FROM python:3.11-slim\nENV PIP_INDEX_URL=https://download.pytorch.org/whl/cpu\nRUN pip install torch==2.3.0\n",
        "FROM python:3.11-slim\nENV PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu\nRUN pip install torch\n",
        "FROM python:3.11-slim\nRUN uv pip install --system --torch-backend=cpu torch==2.5.0\n",
        'FROM python:3.11-slim\nRUN pip install tensorflow==2.16.1 "jax[cpu]==0.4.30"\n',
        # unknown base, CUDA base (ML506's job), alpine (ML203's), arm64 (PyPI's aarch64 torch is CPU-only)
        "FROM myorg/base:1.0\nRUN pip install torch==2.3.0\n",
        "FROM nvidia/cuda:12.1.0-runtime-ubuntu22.04\nRUN pip install torch==2.3.0\n",
        "FROM python:3.11-alpine\nRUN pip install torch==2.3.0\n",
        "FROM --platform=linux/arm64 python:3.11-slim\nRUN pip install torch==2.3.0\n",
        "FROM --platform=$TARGETPLATFORM python:3.11-slim\nRUN pip install torch==2.3.0\n",
        # another GPU hint: the image is meant for GPUs
        "FROM python:3.11-slim\nENV NVIDIA_VISIBLE_DEVICES=all\nRUN pip install torch==2.3.0\n",
        "ARG CUDA_VERSION=12.1\nFROM python:3.11-slim\nRUN pip install torch==2.3.0\n",
        "FROM python:3.11-slim\nRUN pip install torch==2.3.0 cupy-cuda12x==13.0.0\n",
        "FROM python:3.11-slim AS gpu\nRUN pip install torch==2.3.0\n",
        # a builder stage that does not ship
        "FROM python:3.11-slim AS build\nRUN pip install torch==2.3.0\nFROM python:3.11-slim\n",
    ],
)
def test_ml509_near_misses(text):
    assert _lines(text) == []


def test_ml509_gpu_file_name_is_a_hint():
    text = "FROM python:3.11-slim\nRUN pip install torch==2.3.0\n"
    assert _lines(text, "docker/Dockerfile.gpu") == []
    assert _lines(text, "docker/Dockerfile.cpu") == [2]


def test_ml509_requirements_file_from_the_context(tmp_path):
    (tmp_path / "requirements.txt").write_text("torch==2.3.0\nnumpy==1.26.4\n")
    text = "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n" + CMD
    findings = [f for f in lint_in(tmp_path, text, ["ML509"]) if f.rule == "ML509"]
    assert len(findings) == 1 and "requirements.txt" in findings[0].message
    assert [f for f in lint_in(tmp_path, text, ["ML509"], context=False) if f.rule == "ML509"] == []
    (tmp_path / "requirements.txt").write_text(
        "--index-url https://download.pytorch.org/whl/cpu\ntorch==2.3.0\nnumpy==1.26.4\n"
    )
    assert [f for f in lint_in(tmp_path, text, ["ML509"]) if f.rule == "ML509"] == []


def test_ml509_silent_when_the_base_is_passed_in():
    """`FROM ${BASE_IMAGE}` with a CPU default: the file expects another base (often CUDA) from `--build-arg`."""
    text = "ARG BASE_IMAGE=ubuntu:22.04\nFROM ${BASE_IMAGE}\nRUN pip install --no-cache-dir torch==2.4.0\n"
    assert rule_lines(lint(text, ["ML509"]), "ML509") == []


def test_ml509_directories_say_nothing_only_the_file_name_does():
    """`docker/cuda-wheels-on-cpu-base/Dockerfile` (a folder named after the rule) is not a GPU hint;
    `Dockerfile.gpu` is."""
    text = "FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.4.0\n"
    assert _lines(text, path="cases/ML509-cuda-wheels-on-cpu-base/Dockerfile") == [2]
    assert _lines(text, path="docker/Dockerfile.gpu") == []
