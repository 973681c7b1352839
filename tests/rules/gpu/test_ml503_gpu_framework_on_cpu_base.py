"""ML503 gpu-framework-on-cpu-base: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import lint, rule_lines


def test_ml503_onnxruntime_gpu_on_slim_python():
    text = """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir fastapi==0.111.0 onnxruntime-gpu==1.19.2
    """
    findings = lint(text, ["ML503"])
    assert rule_lines(findings, "ML503") == [2]
    assert "python:3.11-slim" in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.11-slim\nRUN pip install onnxruntime==1.19.2\n",
        "FROM python:3.11-slim\nRUN pip install torch==2.4.1 onnxruntime-gpu==1.19.2\n",  # torch brings CUDA libs
        "FROM python:3.11-slim\nRUN pip install 'onnxruntime-gpu[cuda,cudnn]==1.20.1'\n",
        "FROM python:3.11-slim\nRUN pip install nvidia-cudnn-cu12 nvidia-cuda-runtime-cu12 onnxruntime-gpu\n",
        "FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04\nRUN pip install onnxruntime-gpu==1.19.2\n",
        "FROM myorg/base:1\nRUN pip install onnxruntime-gpu==1.19.2\n",  # unknown base
        "FROM python:3.11-slim\nRUN pip install -r requirements.txt onnxruntime-gpu\n",  # unseen requirements
        "FROM python:3.11-slim AS build\nRUN pip install cupy-cuda12x\n"
        "FROM python:3.11-slim\nCOPY --from=build /app /app\n",  # not shipped, not an environment copy
    ],
)
def test_ml503_near_misses(text):
    assert rule_lines(lint(text, ["ML503"]), "ML503") == []
