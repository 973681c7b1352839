"""ML504 cuda-base-cpu-framework: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import lint, rule_lines


def test_ml504_cpu_torch_on_cuda_base():
    text = """
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        RUN apt-get update && apt-get install -y --no-install-recommends python3-pip \\
            && rm -rf /var/lib/apt/lists/*
        RUN pip install --no-cache-dir torch==2.3.1 --index-url https://download.pytorch.org/whl/cpu \\
            && pip install --no-cache-dir fastapi==0.111.0
    """
    assert rule_lines(lint(text, ["ML504"]), "ML504") == [4]


@pytest.mark.parametrize(
    "install",
    [
        "pip install onnxruntime==1.19.2 onnxruntime-gpu==1.19.2",
        "pip install torch==2.3.1 --index-url https://download.pytorch.org/whl/cpu && pip install vllm==0.5.0",
        "pip install torch==2.3.1+cpu -f https://download.pytorch.org/whl/torch_stable.html -r requirements.txt",
        "pip install jax==0.4.30 jax-cuda12-plugin==0.4.30",
        "pip install fastapi==0.111.0",  # no framework at all
    ],
)
def test_ml504_near_misses(install):
    text = f"FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN {install}\n"
    assert rule_lines(lint(text, ["ML504"]), "ML504") == []


def test_ml504_pytorch_base_ships_gpu_torch():
    text = "FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime\nRUN pip install onnxruntime==1.19.2\n"
    assert rule_lines(lint(text, ["ML504"]), "ML504") == []
