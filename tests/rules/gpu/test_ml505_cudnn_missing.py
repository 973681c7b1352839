"""ML505 cudnn-missing: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import lint, rule_lines


def test_ml505_onnxruntime_on_cuda_without_cudnn():
    text = """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        RUN pip install --no-cache-dir onnxruntime-gpu==1.19.2
    """
    findings = lint(text, ["ML505"])
    assert rule_lines(findings, "ML505") == [2]
    assert "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04" in findings[0].message
    assert "cuDNN 9" in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04\nRUN pip install onnxruntime-gpu==1.19.2\n",
        "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
        "RUN apt-get update && apt-get install -y libcudnn9-cuda-12 && pip install onnxruntime-gpu==1.19.2\n",
        "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install nvidia-cudnn-cu12 onnxruntime-gpu==1.19.2\n",
        "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install 'tensorflow[and-cuda]==2.16.1'\n",
        "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install torch==2.3.1\n",  # torch brings cuDNN
        "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install -r requirements.txt onnxruntime-gpu\n",
        "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN conda install -y cudnn=8.9 && pip install tensorflow\n",
    ],
)
def test_ml505_near_misses(text):
    assert rule_lines(lint(text, ["ML505"]), "ML505") == []


def test_ml505_tensorflow_without_and_cuda():
    text = "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\nRUN pip install tensorflow==2.13.1\n"
    assert rule_lines(lint(text, ["ML505"]), "ML505") == [2]
