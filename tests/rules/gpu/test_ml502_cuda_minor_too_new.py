"""ML502 cuda-minor-too-new: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import lint, rule_lines


def test_ml502_tensorflow_needs_newer_minor():
    text = """
        FROM nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04
        RUN pip install --no-cache-dir tensorflow==2.16.1
    """
    findings = lint(text, ["ML502"])
    assert rule_lines(findings, "ML502") == [2]
    assert "12.3" in findings[0].message and "12.1.1" in findings[0].message


@pytest.mark.parametrize(
    "line",
    [
        "FROM nvidia/cuda:12.3.2-cudnn9-runtime-ubuntu22.04\nRUN pip install tensorflow==2.16.1",  # exact
        "FROM nvidia/cuda:12.5.1-cudnn-runtime-ubuntu22.04\nRUN pip install tensorflow==2.16.1",  # newer base
        "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install 'tensorflow[and-cuda]==2.16.1'",  # pip CUDA
        "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install onnxruntime-gpu==1.19.2",  # any 12.x minor
        "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install torch==2.4.1 --index-url "
        "https://download.pytorch.org/whl/cu124",  # brings its own CUDA, compiles nothing
    ],
)
def test_ml502_near_misses(line):
    assert rule_lines(lint(line + "\n", ["ML502"]), "ML502") == []


def test_ml502_cupy_per_minor_and_extension_build():
    text = """
        FROM nvidia/cuda:12.1.1-devel-ubuntu22.04
        ENV TORCH_CUDA_ARCH_LIST="8.0;9.0"
        RUN pip install torch==2.4.1 --index-url https://download.pytorch.org/whl/cu124 \\
            && pip install --no-build-isolation flash-attn==2.6.3
        FROM nvidia/cuda:11.2.2-runtime-ubuntu20.04
        RUN pip install cupy-cuda117==10.6.0
    """
    assert rule_lines(lint(text, ["ML502"]), "ML502") == [6]
    assert rule_lines(lint(text, ["ML502"], target="0"), "ML502") == [3]
