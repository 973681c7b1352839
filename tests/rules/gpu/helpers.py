"""Helpers of the tests in tests/rules/gpu/ (module-level in test_rules_gpu.py before)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from dockerlint_ml.context import BuildContext
from dockerlint_ml.lint import Linter
from dockerlint_ml.registry import builtin_rules
from dockerlint_ml.settings import Settings

BASES = {
    "nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04": 11,
    "nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04": 12,
    "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04": 12,
    "nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04": 13,
    "nvcr.io/nvidia/cuda:12.2.2-runtime-ubuntu22.04": 12,
    "pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime": 12,
    "pytorch/pytorch:2.1.0-cuda11.8-cudnn8-devel": 11,
}


INSTALLS = {
    "pip install torch==2.1.0+cu118 -f https://download.pytorch.org/whl/torch_stable.html": 11,
    "pip install torch==2.1.0 --index-url https://download.pytorch.org/whl/cu121": 12,
    "pip3 install torch==2.1.0 --extra-index-url https://download.pytorch.org/whl/cu118": 11,
    "python -m pip install torch==2.9.0 --index-url https://download.pytorch.org/whl/cu130": 13,
    "pip install torch==2.1.0 torchvision==0.16.0": 12,  # the PyPI wheel of torch 2.1 is the CUDA 12.1 build
    "pip install torch==2.0.1": 11,  # ... and of 2.0 the CUDA 11.7 build
    "pip install 'jax[cuda12]==0.4.30'": 12,
    "pip install 'jax[cuda11_pip]==0.4.20'": 11,
    "pip install cupy-cuda11x==13.0.0": 11,
    "pip install cupy-cuda12x==13.0.0": 12,
    "pip install onnxruntime-gpu==1.17.1": 11,
    "pip install onnxruntime-gpu==1.19.2": 12,
    "pip install tensorflow==2.13.1": 11,
    "pip install tensorflow==2.16.1": 12,
    "pip install tensorrt-cu12==10.0.1": 12,
    "conda install -y pytorch=2.1 pytorch-cuda=11.8 -c pytorch -c nvidia": 11,
    "mamba install -y pytorch=2.1 pytorch-cuda=12.1 -c pytorch -c nvidia": 12,
    "uv pip install --system torch==2.7.0 --torch-backend cu126": 12,
}


def lint_in(directory: Path, text: str, select: list[str], context: bool = True):
    linter = Linter(Settings(select=tuple(select), extend_select=tuple(select)), builtin_rules())
    source = textwrap.dedent(text).lstrip("\n").encode()
    result = linter.lint_bytes(source, str(directory / "Dockerfile"), BuildContext(directory) if context else None)
    assert result.error is None, result.error
    return result.findings
