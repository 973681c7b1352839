"""ML203 alpine-with-ml-wheels: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import lint
from .helpers import lines


def test_ml203_alpine_installs_torch_and_opencv():
    text = """
        FROM python:3.12-alpine3.20
        RUN pip install --no-cache-dir numpy==2.0.1
        RUN pip install --no-cache-dir \\
            # the model
            "torch==2.4.0" numpy==2.0.1 \\
            opencv-python-headless>=4.10
        """
    assert lines(text, "ML203") == [3]
    message = lint(text, ["ML203"])[0].message
    assert "`torch`, `opencv-python-headless` publish no musllinux wheels" in message and "numpy" not in message


@pytest.mark.parametrize(
    "install",
    ["pip install jax[cpu]==0.4.30", "python3 -m pip install onnxruntime", "pip3 install jaxlib",
     "uv pip install --system tensorflow==2.16.1",
     "pip install --index-url https://download.pytorch.org/whl/cpu torch"],
)  # fmt: skip
def test_ml203_install_forms(install):
    assert lines(f"FROM alpine:3.20\nRUN {install}\n", "ML203") == [2]


def test_ml203_silent_cases():
    # glibc base
    assert lines("FROM python:3.12-slim\nRUN pip install torch\n", "ML203") == []
    # packages with musllinux wheels
    assert lines("FROM python:3.12-alpine\nRUN pip install numpy pandas scikit-learn\n", "ML203") == []
    # own wheels: --find-links, --no-index, a private index
    assert lines("FROM python:3.12-alpine\nRUN pip install -f /wheels torch\n", "ML203") == []
    assert lines("FROM python:3.12-alpine\nRUN pip install --no-index torch\n", "ML203") == []
    assert lines("FROM python:3.12-alpine\nRUN pip install -i https://pkgs.acme.io/simple torch\n", "ML203") == []
    # a local wheel or apk package
    assert lines("FROM python:3.12-alpine\nRUN pip install /wheels/torch-2.4.0.whl\n", "ML203") == []
    assert lines("FROM alpine:3.20\nRUN apk add --no-cache py3-onnxruntime\n", "ML203") == []
    # torchmetrics is not torch
    assert lines("FROM python:3.12-alpine\nRUN pip install torchmetrics\n", "ML203") == []


def test_ml203_only_shipped_stages_and_lineage():
    text = """
        FROM python:3.12-alpine AS scratchpad
        RUN pip install torch

        FROM python:3.12-alpine AS base
        FROM base
        RUN pip install onnxruntime==1.18.1
        """
    assert lines(text, "ML203") == [6]
