"""ML202 devel-image-in-final-stage: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import lint
from .helpers import SERVICE_CMD, lines


@pytest.mark.parametrize(
    "image",
    ["nvidia/cuda:12.1.0-devel-ubuntu22.04", "nvidia/cuda:12.1.0-cudnn8-devel-ubuntu22.04",
     "nvidia/cuda:11.8.0-cudnn8-devel-ubi8", "pytorch/pytorch:2.3.1-cuda12.1-cudnn8-devel",
     "nvcr.io/nvidia/cuda:12.4.1-devel-ubuntu22.04", "nvcr.io/nvidia/cuda-dl-base:24.05-cuda12.4-devel-ubuntu22.04",
     "tensorflow/tensorflow:devel-gpu", "docker.io/nvidia/cuda:12.2.0-devel-rockylinux8"],
)  # fmt: skip
def test_ml202_devel_images(image):
    assert lines(f'FROM {image}\nCMD ["python3"]\n', "ML202", service=True) == [1]


@pytest.mark.parametrize(
    "image",
    ["nvidia/cuda:12.1.0-runtime-ubuntu22.04", "nvidia/cuda:12.1.0-cudnn8-runtime-ubuntu22.04",
     "nvidia/cuda:12.1.0-base-ubuntu22.04", "pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime",
     "nvcr.io/nvidia/pytorch:24.01-py3", "nvcr.io/nvidia/tritonserver:24.01-py3", "python:3.11-slim",
     "acme/cuda:12.1.0-devel-ubuntu22.04", "nvidia/cuda:12.1.0-develop", "ubuntu:22.04"],
)  # fmt: skip
def test_ml202_runtime_and_other_images_are_silent(image):
    assert lines(f"FROM {image}\n", "ML202", service=True) == []


def test_ml202_message_names_the_runtime_tag():
    message = lint("FROM nvidia/cuda:12.1.0-cudnn8-devel-ubuntu22.04\n" + SERVICE_CMD, ["ML202"])[0].message
    assert "`nvidia/cuda:12.1.0-cudnn8-runtime-ubuntu22.04`" in message
    message = lint("FROM pytorch/pytorch:2.3.1-cuda12.1-cudnn8-devel\n" + SERVICE_CMD, ["ML202"])[0].message
    assert "`pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime`" in message


def test_ml202_devel_builder_stage_is_fine():
    text = """
        ARG CUDA=12.1.0
        FROM nvidia/cuda:${CUDA}-cudnn8-devel-ubuntu22.04 AS build
        RUN nvcc --version

        FROM nvidia/cuda:${CUDA}-cudnn8-runtime-ubuntu22.04
        COPY --from=build /usr/local/bin/app /usr/local/bin/app
        """
    assert lines(text, "ML202", service=True) == []


def test_ml202_arg_substituted_devel_and_lineage():
    text = """
        ARG CUDA=12.1.0
        FROM nvidia/cuda:${CUDA}-cudnn8-devel-ubuntu22.04 AS base
        RUN apt-get update

        FROM base
        COPY . /app
        """
    assert lines(text, "ML202", service=True) == [2]
    assert lines("ARG FLAVOR\nFROM nvidia/cuda:12.1.0-${FLAVOR}-ubuntu22.04\n", "ML202", service=True) == []


def test_ml202_framework_devel_images_beyond_nvidia():
    # the real-world case: kserve's paddleserving sample serves from Paddle Serving's devel image
    assert lines("FROM registry.baidubce.com/paddlepaddle/serving:0.5.0-devel\n", "ML202", service=True) == [1]
    assert lines("FROM paddlepaddle/paddle:2.6.1-gpu-cuda12.0-cudnn8.9-trt8.6-dev\n", "ML202", service=True) == [1]
    assert lines("FROM paddlepaddle/paddle:latest-dev\n", "ML202", service=True) == [1]
    assert lines("FROM tensorflow/tensorflow:2.15.0-devel-gpu\n", "ML202", service=True) == [1]
    assert lines("FROM intel/oneapi-basekit:2024.0.1-devel-ubuntu22.04\n", "ML202", service=True) == [1]
    message = lint("FROM tensorflow/tensorflow:2.15.0-devel-gpu\n" + SERVICE_CMD, ["ML202"])[0].message
    assert "`tensorflow/tensorflow:2.15.0-gpu`" in message
    message = lint("FROM tensorflow/tensorflow:devel-gpu\n" + SERVICE_CMD, ["ML202"])[0].message
    assert "`tensorflow/tensorflow:latest-gpu`" in message
    message = lint("FROM intel/oneapi-basekit:2024.0.1-devel-ubuntu22.04\n" + SERVICE_CMD, ["ML202"])[0].message
    assert "`intel/oneapi-runtime`" in message
    message = lint("FROM paddlepaddle/paddle:latest-dev\n" + SERVICE_CMD, ["ML202"])[0].message
    assert "the matching runtime (non-devel) image" in message


def test_ml202_framework_release_images_stay_silent():
    for image in (
        "paddlepaddle/paddle:2.6.1-gpu-cuda12.0-cudnn8.9-trt8.6",
        "paddlepaddle/serving:0.9.0-cuda11.2-cudnn8-runtime",
        "tensorflow/tensorflow:2.15.0-gpu",
        "intel/oneapi-runtime:2024.0.1-ubuntu22.04",
        "myorg/devel:1.0",  # `devel` in the name of an unknown image says nothing
        "someone/paddle:2.6-dev",
    ):
        assert lines(f"FROM {image}\n", "ML202", service=True) == [], image


def test_ml202_is_info_when_no_runtime_image_is_known():
    """Without a runtime image to name (Paddle, NGC), the advice may not be followable: info, not warning."""
    from dockerlint_ml.model import Severity

    paddle = lint("FROM registry.baidubce.com/paddlepaddle/serving:0.5.0-devel\n" + SERVICE_CMD, ["ML202"])
    cuda = lint("FROM nvidia/cuda:12.1.0-devel-ubuntu22.04\n" + SERVICE_CMD, ["ML202"])
    assert [f.severity for f in paddle] == [Severity.INFO]
    assert [f.severity for f in cuda] == [Severity.WARNING] and "12.1.0-runtime-ubuntu22.04" in cuda[0].message


def test_ml202_an_image_that_installs_deepspeed_needs_nvcc():
    """DeepSpeed JIT-compiles its fused ops with nvcc when it runs: a runtime base would break it (Qwen's
    images, judged noise)."""
    text = """
        FROM nvidia/cuda:12.1.0-cudnn8-devel-ubuntu22.04
        RUN pip3 install --no-cache-dir "deepspeed==0.12.6"
        EXPOSE 80
        USER 1000
        CMD ["python3", "web_demo.py"]
        """
    assert lint(text, ["ML202"]) == []
    assert len(lint(text.replace('"deepspeed==0.12.6"', '"flask==3.0.0"'), ["ML202"])) == 1


def test_ml202_a_comment_above_the_from_that_explains_the_devel_image():
    text = """
        # devel needed for bitsandbytes requirement of libcudart.so, otherwise runtime sufficient
        FROM nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04
        EXPOSE 7860
        USER 1000
        CMD ["python3", "app.py"]
        """
    assert lint(text, ["ML202"]) == []
    assert len(lint(text.replace("# devel needed for", "# needed for"), ["ML202"])) == 1
