"""ML2xx image-size rules: real-world shapes and the near-misses that must stay silent."""

from __future__ import annotations

import textwrap

import pytest

from .conftest import lint, rule_lines

#: appended to files that must be a deployed service (image role `serving`/`batch`) for role-scoped rules
SERVICE_CMD = 'CMD ["python3", "-m", "app.server"]\n'


def lines(text: str, rule: str, *, service: bool = False, **settings: object) -> list[int]:
    if service:
        text = textwrap.dedent(text).rstrip("\n") + "\n" + SERVICE_CMD
    return rule_lines(lint(text, [rule], **settings), rule)


# ---------------------------------------------------------------------------------------------------------
# ML201 fat-base-image


@pytest.mark.parametrize(
    "image",
    ["python", "python:3.11", "python:3.11.9", "python:3", "python:latest", "python:3.11-bookworm", "python:bullseye",
     "docker.io/library/python:3.12", "python:3.13.0rc1-bookworm", "continuumio/anaconda3:2024.02-1",
     "continuumio/anaconda3"],
)  # fmt: skip
def test_ml201_fat_images(image):
    assert lines(f"FROM {image}\nRUN echo hi\n", "ML201") == [1]


@pytest.mark.parametrize(
    "image",
    ["python:3.11-slim", "python:3.11-slim-bookworm", "python:slim", "python:3.12-alpine3.20", "python:alpine",
     "python:3.11-windowsservercore-ltsc2022", "nvidia/cuda:12.1.0-devel-ubuntu22.04",
     "pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime", "tensorflow/tensorflow:2.16.1-gpu",
     "continuumio/miniconda3:24.4.0-0", "ubuntu:22.04", "python@sha256:" + "a" * 64, "mypython:3.11",
     "ghcr.io/acme/python:3.11", "scratch"],
)  # fmt: skip
def test_ml201_lean_or_other_images_are_silent(image):
    assert lines(f"FROM {image}\nRUN echo hi\n", "ML201") == []


def test_ml201_message_suggests_the_slim_tag():
    findings = lint("FROM python:3.11-bookworm\n", ["ML201"])
    assert "`python:3.11-slim-bookworm`" in findings[0].message
    assert findings[0].span.column == 6  # points at the image word
    assert "`python:slim`" in lint("FROM python\n", ["ML201"])[0].message


def test_ml201_arg_substituted_image():
    text = """
        ARG PYTHON_VERSION=3.11
        FROM python:${PYTHON_VERSION}
        RUN pip install --no-cache-dir numpy==1.26.4
        """
    assert lines(text, "ML201") == [2]
    findings = lint(text, ["ML201"])
    assert "`python:3.11-slim`" in findings[0].message


def test_ml201_arg_without_default_is_unknown():
    assert lines("ARG BASE\nFROM python:${BASE}\n", "ML201") == []
    assert lines("ARG TAG=3.11-slim\nFROM python:${TAG}\n", "ML201") == []


def test_ml201_only_the_final_stage():
    text = """
        FROM python:3.11 AS builder
        RUN pip wheel --no-cache-dir -w /wheels psycopg2==2.9.9

        from python:3.11-slim
        COPY --from=builder /wheels /wheels
        """
    assert lines(text, "ML201") == []
    # --target picks the builder: it is what ships then
    assert lines(text, "ML201", target="builder") == [1]


def test_ml201_follows_stage_lineage():
    text = """
        FROM python:3.11-bookworm AS base
        ENV PYTHONUNBUFFERED=1

        FROM base AS app
        COPY . /app
        """
    assert lines(text, "ML201") == [1]


def test_ml201_allowed_images_option():
    options = {"ML201": {"allowed-images": ["python:3.11"]}}
    assert lines("FROM python:3.11-bookworm\n", "ML201", rule_options=options) == []
    assert lines("FROM python:3.11\n", "ML201", rule_options=options) == []
    # a prefix stops at a tag boundary: 3.1 does not cover 3.11
    assert lines("FROM python:3.11\n", "ML201", rule_options={"ML201": {"allowed-images": ["python:3.1"]}}) == [1]
    assert lines("FROM python:3.12\n", "ML201", rule_options=options) == [1]
    assert lines("FROM python:3.12\n", "ML201", rule_options={"ML201": {"allowed-images": ["python"]}}) == []
    assert lines("FROM python:3.12\n", "ML201", rule_options={"ML201": {"allowed-images": ["python:3.*"]}}) == []
    anaconda = {"ML201": {"allowed-images": ["continuumio/anaconda3"]}}
    assert lines("FROM continuumio/anaconda3:2024.02-1\n", "ML201", rule_options=anaconda) == []


# ---------------------------------------------------------------------------------------------------------
# ML202 devel-image-in-final-stage


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


# ---------------------------------------------------------------------------------------------------------
# ML203 alpine-with-ml-wheels


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


# ---------------------------------------------------------------------------------------------------------
# ML204 apt-lists-not-removed


def test_ml204_missing_rm():
    text = """
        FROM ubuntu:22.04
        RUN apt-get update \\
            && apt-get install -y --no-install-recommends \\
                # runtime libs
                libgomp1 \\
            && apt-get clean
        """
    assert lines(text, "ML204") == [3]
    assert lint(text, ["ML204"])[0].span.column == 8  # the install command, not the RUN


@pytest.mark.parametrize("path", ["/var/lib/apt/lists/*", "/var/lib/apt/lists", "/var/lib/apt/lists/", "/var/lib/apt"])
def test_ml204_rm_forms(path):
    text = f"FROM ubuntu:22.04\nRUN apt-get update && apt install -y curl && rm -rf {path}\n"
    assert lines(text, "ML204") == []


def test_ml204_order_matters():
    text = """
        FROM debian:bookworm-slim
        RUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl
        """
    assert lines(text, "ML204") == [2]


def test_ml204_reports_once_per_run():
    text = """
        FROM debian:bookworm-slim
        RUN apt-get update && apt-get install -y curl && apt-get install -y git
        """
    assert lines(text, "ML204") == [2]


def test_ml204_heredoc_and_lowercase():
    text = """
        FROM debian:bookworm-slim
        run <<EOF
        set -eux
        apt-get update
        apt-get install -y --no-install-recommends curl
        rm -rf /var/lib/apt/lists/*
        EOF
        RUN <<EOF
        apt-get update
        apt-get install -y --no-install-recommends git
        EOF
        """
    assert lines(text, "ML204") == [10]


@pytest.mark.parametrize("target", ["/var/lib/apt", "/var/lib/apt/lists", "/var/lib/apt/lists/"])
def test_ml204_cache_mount_is_clean(target):
    text = f"""
        # syntax=docker/dockerfile:1
        FROM ubuntu:22.04
        RUN --mount=type=cache,target={target},sharing=locked \\
            apt-get update && apt-get install -y --no-install-recommends curl
        """
    assert lines(text, "ML204") == []


def test_ml204_cache_mount_on_the_archives_keeps_the_lists():
    # /var/cache/apt holds the .deb archives; the lists live in /var/lib/apt/lists and stay in the layer
    text = """
        # syntax=docker/dockerfile:1
        FROM ubuntu:22.04
        RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
            apt-get update && apt-get install -y --no-install-recommends curl
        """
    assert lines(text, "ML204") == [4]


def test_ml204_only_the_run_that_fetched_the_lists():
    # line 3 installs from the lists line 2 fetched: removing them on line 3 would save nothing
    text = """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        RUN apt-get install -y --no-install-recommends git
        RUN apt-get install -y --no-install-recommends vim && apt-get update
        """
    assert lines(text, "ML204") == [2]
    message = lint(text, ["ML204"])[0].message
    assert "line 3 installs from these lists without its own `apt-get update`" in message


def test_ml204_says_apt_when_the_command_is_apt():
    text = "FROM ubuntu:22.04\nRUN apt update && apt install -y --no-install-recommends curl\n"
    message = lint(text, ["ML204"])[0].message
    assert message.startswith("apt install leaves") and "apt-get" not in message
    assert "end the same RUN with `&& rm -rf /var/lib/apt/lists/*`" in message


def test_ml204_builder_stage_is_not_shipped():
    text = """
        FROM ubuntu:22.04 AS build
        RUN apt-get update && apt-get install -y build-essential

        FROM ubuntu:22.04
        COPY --from=build /out /out
        """
    assert lines(text, "ML204") == []


def test_ml204_sh_c_and_sudo():
    text = """
        FROM ubuntu:22.04
        RUN sudo apt-get update && sudo apt-get install -y curl
        RUN sh -c "apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*"
        """
    assert lines(text, "ML204") == [2]


# ---------------------------------------------------------------------------------------------------------
# ML205 apt-recommends


def test_ml205_fires_and_accepts_the_flag_forms():
    text = """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y python3-pip \\
            && rm -rf /var/lib/apt/lists/*
        RUN apt-get update && apt-get install -y --no-install-recommends git \\
            && apt-get install -y -o APT::Install-Recommends=false curl \\
            && apt-get install -y -o APT::Install-Recommends=0 wget \\
            && apt-get install -y --option=APT::Install-Recommends=false jq \\
            && apt-get install -y -o APT::Install-Recommends=true less \\
            && rm -rf /var/lib/apt/lists/*
        """
    assert lines(text, "ML205") == [2, 8]


def test_ml205_apt_conf_setting_is_respected():
    text = """
        FROM ubuntu:22.04 AS base
        RUN echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/99-no-recommends
        FROM base
        RUN apt-get update && apt-get install -y curl
        """
    assert lines(text, "ML205") == []
    copied = """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y git
        COPY 99norecommends /etc/apt/apt.conf.d/
        RUN apt-get update && apt-get install -y curl
        """
    assert lines(copied, "ML205") == [2]


def test_ml205_no_packages_and_builder_stage():
    text = """
        FROM ubuntu:22.04 AS build
        RUN apt-get install -y build-essential
        FROM ubuntu:22.04
        RUN apt-get install -f -y
        """
    assert lines(text, "ML205") == []


# ---------------------------------------------------------------------------------------------------------
# ML206 pip-cache-kept


def test_ml206_basic_forms():
    text = """
        FROM python:3.11-slim
        RUN pip install torch==2.3.1
        RUN pip3 install numpy==1.26.4
        RUN python -m pip install pandas==2.2.2
        RUN python3.11 -m pip install pandas==2.2.2
        RUN pip install --no-cache-dir scipy==1.13.1
        RUN pip3 --no-cache-dir install polars==1.0.0
        """
    assert lines(text, "ML206") == [2, 3, 4, 5]


@pytest.mark.parametrize(
    "run",
    ["pip install --upgrade pip", "python3 -m pip install -U pip setuptools wheel", "pip3 install 'pip>=24' packaging",
     "pip install --upgrade pip && pip install --no-cache-dir torch==2.3.1"],
)  # fmt: skip
def test_ml206_build_tooling_upgrade_is_not_a_cache_worth_a_warning(run):
    assert lines(f"FROM python:3.11-slim\nRUN {run}\n", "ML206") == []


def test_ml206_once_per_run_at_the_first_real_install():
    text = """
        FROM python:3.11-slim
        RUN pip install --upgrade pip && pip install feast==0.40.1 && pip install boto3==1.35.0
        RUN pip install -U pip -r requirements.txt
        """
    findings = lint(text, ["ML206"])
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 34), (3, 5)]


def test_ml206_chain_with_comments_and_continuations():
    text = """
        FROM python:3.11-slim
        RUN apt-get update \\
            # build deps
            && pip install --no-cache-dir -r requirements.txt \\
            && pip install \\
                # the model server
                vllm==0.5.0
        """
    assert lines(text, "ML206") == [5]


def test_ml206_heredoc():
    text = """
        FROM python:3.11-slim
        RUN <<EOF
        set -e
        pip install --no-cache-dir numpy==1.26.4
        pip install transformers==4.41.2
        EOF
        """
    assert lines(text, "ML206") == [5]


@pytest.mark.parametrize("value", ["1", "true", "on", "yes"])
def test_ml206_env_pip_no_cache_dir(value):
    text = f"""
        FROM python:3.11-slim
        ENV PIP_NO_CACHE_DIR={value}
        RUN pip install torch==2.3.1
        """
    assert lines(text, "ML206") == []


def test_ml206_env_set_after_the_install_or_off_does_not_count():
    text = """
        FROM python:3.11-slim
        RUN pip install torch==2.3.1
        ENV PIP_NO_CACHE_DIR=1
        """
    assert lines(text, "ML206") == [2]
    assert lines("FROM python:3.11-slim\nENV PIP_NO_CACHE_DIR=0\nRUN pip install x==1\n", "ML206") == [3]


def test_ml206_env_inherited_from_base_stage():
    text = """
        FROM python:3.11-slim AS base
        ENV PIP_NO_CACHE_DIR=1
        FROM base
        RUN pip install torch==2.3.1
        """
    assert lines(text, "ML206") == []


def test_ml206_cache_mount():
    text = """
        # syntax=docker/dockerfile:1
        FROM python:3.11-slim
        RUN --mount=type=cache,target=/root/.cache/pip pip install torch==2.3.1
        RUN --mount=type=cache,target=/var/cache/apt pip install numpy==1.26.4
        """
    assert lines(text, "ML206") == [4]


def test_ml206_no_cache_abbreviation_counts():
    # pip's option parser accepts the unambiguous prefix `--no-cache` for `--no-cache-dir`
    text = """
        FROM python:3.11-slim
        RUN pip install --no-cache --no-deps /tmp/app-1.0-py3-none-any.whl && rm /tmp/app-1.0-py3-none-any.whl
        RUN python3 -m pip install --no-cache -I numpy==2.1.0
        """
    assert lines(text, "ML206") == []


def test_ml206_cache_removed_later_in_the_same_run():
    text = """
        FROM python:3.11-slim
        RUN pip install --upgrade pip==24.0 && \\
            for wheel in ./dist/*.whl; do pip install "$wheel" --constraint ./dist/constraints.txt; done && \\
            rm -rf /root/.cache/pip
        RUN pip install numpy==2.1.0 && pip cache purge
        RUN pip install pandas==2.2.3 && rm -rf ~/.cache
        RUN pip install scipy==1.14.1 && rm -rf /tmp/build
        RUN rm -rf /root/.cache/pip && pip install click==8.1.7
        """
    assert lines(text, "ML206") == [7, 8]


def test_ml206_builder_stage_not_shipped_and_target():
    text = """
        ARG PY=3.11
        FROM python:${PY}-slim AS builder
        RUN pip install --prefix=/install torch==2.3.1

        FROM python:${PY}-slim AS runtime
        COPY --from=builder /install /usr/local
        RUN pip install --no-cache-dir gunicorn==22.0.0
        """
    assert lines(text, "ML206") == []
    assert lines(text, "ML206", target="builder") == [3]


# ---------------------------------------------------------------------------------------------------------
# ML207 conda-cache-kept


@pytest.mark.parametrize(
    "clean",
    ["conda clean -a -y", "conda clean -afy", "conda clean --all --yes", "conda clean -tipsy",
     "rm -rf /opt/conda/pkgs/*", "conda clean -ya"],
)  # fmt: skip
def test_ml207_clean_forms(clean):
    text = f"FROM continuumio/miniconda3:24.4.0-0\nRUN conda install -y numpy=1.26 && {clean}\n"
    assert lines(text, "ML207") == []


def test_ml207_fires_for_each_tool_and_subcommand():
    text = """
        FROM mambaorg/micromamba:1.5.8
        RUN micromamba install -y -n base -f /tmp/env.yaml
        RUN micromamba install -y -n base python=3.11 && micromamba clean -a -y
        RUN mamba env create -f environment.yml
        RUN mamba create -n app python=3.11 && mamba clean -a -y
        RUN conda update -n base -y conda \\
            # not a cleanup of the pkgs cache
            && conda clean --index-cache
        """
    assert lines(text, "ML207") == [2, 4, 6]


def test_ml207_clean_must_come_after_the_install():
    text = "FROM continuumio/miniconda3:24.4.0-0\nRUN conda clean -afy && conda install -y numpy=1.26\n"
    assert lines(text, "ML207") == [2]


@pytest.mark.parametrize("target", ["/opt/conda/pkgs", "/root/.cache/mamba", "/home/mambauser/.cache/mamba"])
def test_ml207_cache_mount_counts_as_clean(target):
    text = f"FROM mambaorg/micromamba:1.5.8\nRUN --mount=type=cache,target={target} micromamba install -y numpy\n"
    assert lines(text, "ML207") == []


def test_ml207_builder_stage_and_heredoc():
    text = """
        FROM continuumio/miniconda3:24.4.0-0 AS build
        RUN conda create -p /env -y python=3.11
        FROM debian:bookworm-slim
        COPY --from=build /env /env
        """
    assert lines(text, "ML207") == []
    heredoc = """
        FROM continuumio/miniconda3:24.4.0-0
        RUN <<EOF
        conda install -y numpy=1.26
        conda clean -afy
        EOF
        """
    assert lines(heredoc, "ML207") == []


# ---------------------------------------------------------------------------------------------------------
# ML208 os-package-cache-kept


def test_ml208_apk():
    text = """
        FROM alpine:3.20
        RUN apk add python3
        RUN apk --no-cache add py3-pip
        RUN apk add --no-cache curl
        RUN apk update && apk add git && rm -rf /var/cache/apk/*
        RUN apk add -U bash
        """
    assert lines(text, "ML208") == [2, 6]


def test_ml208_apk_cache_mount():
    text = "FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add python3\n"
    assert lines(text, "ML208") == []


def test_ml208_rpm_family():
    text = """
        FROM rockylinux:9
        RUN yum install -y python3 && yum clean all
        RUN dnf install -y git && dnf clean all
        RUN dnf install -y gcc
        RUN microdnf install -y python3.11 && microdnf clean all
        RUN microdnf install -y tar
        RUN yum -y install which \\
            && rm -rf /var/cache/yum
        RUN dnf install -y make && dnf clean metadata
        RUN dnf clean all && dnf install -y zip
        """
    assert lines(text, "ML208") == [4, 6, 9, 10]


def test_ml208_zypper():
    text = """
        FROM opensuse/leap:15.5
        RUN zypper --non-interactive install python311 && zypper clean -a
        RUN zypper in -y git && zypper clean --all
        RUN zypper install -y curl && zypper clean
        RUN zypper install -y tar && zypper cc -a
        """
    assert lines(text, "ML208") == [4]


def test_ml208_builder_stage_is_fine():
    text = """
        FROM alpine:3.20 AS build
        RUN apk add build-base
        FROM alpine:3.20
        COPY --from=build /out /out
        """
    assert lines(text, "ML208") == []


# ---------------------------------------------------------------------------------------------------------
# ML209 cleanup-in-later-layer


def test_ml209_cleanup_only_runs():
    text = """
        FROM python:3.11-slim
        RUN apt-get update && apt-get install -y --no-install-recommends libgomp1
        RUN rm -rf /var/lib/apt/lists/*
        RUN pip install torch==2.3.1
        RUN pip cache purge
        RUN apt-get clean \\
            # and the lists
            && rm -rf /var/lib/apt/lists/* /tmp/* ~/.cache
        RUN <<EOF
        set -e
        rm -rf /root/.cache/pip
        EOF
        """
    assert lines(text, "ML209") == [3, 5, 6, 11]
    messages = [f.message for f in lint(text, ["ML209"])]
    assert "`/var/lib/apt/lists`, which line 2 created (apt-get update)" in messages[0]
    assert "line 4 created (pip install)" in messages[1]


@pytest.mark.parametrize(
    ("create", "run"),
    [("conda install -y numpy=1.26", "conda clean -afy"),
     ("micromamba install -y -n base numpy=1.26", "micromamba clean -a -y"),
     ("yum install -y git", "yum clean all"), ("dnf install -y git", "dnf clean all"),
     ("zypper install -y git", "zypper clean -a"), ("conda install -y numpy=1.26", "rm -rf /opt/conda/pkgs"),
     ("apk add git", "apk cache clean"), ("npm install -g yarn@1.22.22", "npm cache clean --force"),
     ("apt-get install -y curl", "rm -rf /var/cache/apt/archives/*.deb"),
     ("mkdir -p /tmp/build && curl -fsSL -o /tmp/build/src.tgz https://example.com/src.tgz", "sudo rm -rf /tmp/build"),
     ("wget -O /opt/x.jar https://example.com/x.jar", "rm /opt/x.jar"),
     ("cd /opt && curl -LO https://example.com/tool-1.2.tgz", "rm -f /opt/*.tgz"),
     ("wget -q -P /opt https://example.com/tool.jar", "rm /opt/tool.jar")],
)  # fmt: skip
def test_ml209_cleanup_of_what_an_earlier_run_created(create, run):
    assert lines(f"FROM python:3.11-slim\nRUN {create}\nRUN {run}\n", "ML209") == [3]


@pytest.mark.parametrize(
    "run",
    ["conda clean -afy", "yum clean all", "apk cache clean", "npm cache clean --force", "rm -rf /opt/conda/pkgs",
     "rm -rf /var/cache/apt/archives/*.deb", "sudo rm -rf /tmp/build", "rm -rf /var/lib/apt/lists/*",
     "pip cache purge", "rm -rf /root/.cache"],
)  # fmt: skip
def test_ml209_no_evidence_no_finding(run):
    # nothing in the file created what is deleted (the base image may have, or nothing at all)
    assert lines(f"FROM python:3.11-slim\nRUN {run}\n", "ML209") == []


def test_ml209_rosetta_workaround_is_silent():
    # docker-stacks deletes a root-owned dir only Rosetta builds create: nothing in the file creates it
    text = """
        FROM quay.io/jupyter/base-notebook:2024-05-27
        ARG NB_USER=jovyan
        USER root
        RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
        RUN rm -rf "/home/${NB_USER}/.cache/rosetta"
        USER ${NB_USER}
        RUN pip install --no-cache-dir jupyterlab-git==0.50.1
        RUN rm -rf "/home/${NB_USER}/.cache/rosetta"
        """
    assert lines(text, "ML209") == []


def test_ml209_variables_are_expanded_and_the_message_names_the_line():
    text = """
        FROM python:3.11-slim
        ENV STAGE_DIR=/tmp
        RUN git clone https://github.com/deepspeedai/DeepSpeed.git ${STAGE_DIR}/DeepSpeed
        RUN cd ${STAGE_DIR}/DeepSpeed && ./install.sh
        RUN rm -rf ${STAGE_DIR}/DeepSpeed
        """
    findings = lint(text, ["ML209"])
    assert rule_lines(findings, "ML209") == [5]
    assert "`/tmp/DeepSpeed`, which line 3 created (git clone)" in findings[0].message
    assert "delete it at the end of the RUN on line 3" in findings[0].message


def test_ml209_what_the_creating_run_already_removed_is_no_evidence():
    text = """
        FROM python:3.11-slim
        RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
        RUN pip install --no-cache-dir numpy==2.1.0
        RUN wget -O /tmp/x.tgz https://example.com/x.tgz && tar -xzf /tmp/x.tgz -C /opt && rm /tmp/x.tgz
        RUN rm -rf /var/lib/apt/lists/* /root/.cache/pip
        RUN rm -rf /tmp/x.tgz
        RUN rm -rf /tmp/DeepSpeed
        """
    assert lines(text, "ML209") == []


def test_ml209_copy_and_inherited_stage():
    text = """
        FROM python:3.11-slim AS base
        WORKDIR /app
        COPY model.tar.gz ./
        COPY data/ /data/
        FROM base
        RUN rm model.tar.gz
        RUN rm -rf /data/raw
        """
    findings = lint(text, ["ML209"])
    assert rule_lines(findings, "ML209") == [6]
    assert "`/app/model.tar.gz`, which line 3 created (COPY)" in findings[0].message


@pytest.mark.parametrize(
    "run",
    ["apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",  # cleanup in the same RUN
     "rm -rf /app/tests",  # not a cache: may be intentional
     "rm /etc/nginx/conf.d/default.conf",
     "rm -rf $BUILD_DIR",  # unknown
     "bash cleanup.sh && rm -rf /tmp/*",
     "pip install --no-cache-dir numpy==1.26.4 && pip cache purge",
     "--mount=type=cache,target=/root/.cache/pip pip cache purge",
     "echo done"],
)  # fmt: skip
def test_ml209_silent(run):
    assert lines(f"FROM python:3.11-slim\nRUN {run}\n", "ML209") == []


def test_ml209_builder_stage_is_not_shipped():
    text = """
        FROM python:3.11-slim AS build
        RUN pip wheel -w /wheels numpy==1.26.4
        RUN rm -rf /root/.cache
        FROM python:3.11-slim
        COPY --from=build /wheels /wheels
        """
    assert lines(text, "ML209") == []


# ---------------------------------------------------------------------------------------------------------
# ML210 build-tools-in-final-stage


def test_ml210_single_stage_toolchain():
    text = """
        FROM python:3.11-slim
        RUN apt-get update \\
            && apt-get install -y --no-install-recommends \\
                # to build psycopg2
                build-essential=12.9 libpq-dev \\
                libgomp1 \\
            && rm -rf /var/lib/apt/lists/*
        """
    assert lines(text, "ML210", service=True) == [3]  # the install command, not the RUN
    message = lint(textwrap.dedent(text) + SERVICE_CMD, ["ML210"])[0].message
    assert "`build-essential=12.9`, `libpq-dev`" in message and "libgomp1" not in message


@pytest.mark.parametrize(
    "install",
    ["apt-get install -y g++-12", "apt-get install -y cmake", "apt-get install -y cuda-toolkit-12-1",
     "apt-get install -y cuda-nvcc-12-1", "apk add --no-cache gcc musl-dev", "dnf install -y gcc-c++",
     "yum install -y python3-devel", "zypper install -y clang", "conda install -y compilers",
     "yum groupinstall -y 'Development Tools'", "apk add --no-cache --virtual .build-deps build-base"],
)  # fmt: skip
def test_ml210_toolchain_forms(install):
    assert lines(f"FROM ubuntu:22.04\nRUN {install}\n", "ML210", service=True) == [2]


@pytest.mark.parametrize(
    "install",
    ["apt-get install -y libpq5 libgomp1", "apt-get install -y devscripts", "apk add --no-cache git make",
     "apt-get install -y $BUILD_DEPS",
     "apk add --no-cache --virtual .build-deps gcc musl-dev && pip install psutil && apk del .build-deps",
     "apt-get install -y gcc && pip install x && apt-get purge -y --auto-remove gcc"],
)  # fmt: skip
def test_ml210_silent_installs(install):
    assert lines(f"FROM ubuntu:22.04\nRUN {install}\n", "ML210", service=True) == []


def test_ml210_an_earlier_stage_does_not_excuse_the_final_one():
    text = """
        FROM python:3.11-slim AS builder
        RUN apt-get update && apt-get install -y build-essential
        RUN pip wheel -w /wheels psycopg2==2.9.9

        FROM python:3.11-slim
        RUN apt-get update && apt-get install -y gcc
        COPY --from=builder /wheels /wheels
        """
    assert lines(text, "ML210", service=True) == [6]  # the builder's toolchain is discarded; the final stage's ships
    throwaway = "FROM ubuntu:22.04 AS b\nRUN echo hi\nFROM ubuntu:22.04\nRUN apt-get install -y build-essential\n"
    assert lines(throwaway, "ML210", service=True) == [4]


def test_ml210_dev_package_for_its_so_symlink_is_needed():
    text = """
        FROM python:3.11-slim
        RUN apt-get update && apt-get install -y libjemalloc-dev \\
            && ln -s /usr/lib/x86_64-linux-gnu/libjemalloc.so /usr/lib/libjemalloc.so
        RUN apt-get install -y libssl-dev && ln -s /usr/lib/libssl.so.3 /opt/libssl.so.3
        """
    assert lines(text, "ML210", service=True) == [4]  # a versioned .so comes from the runtime package, not the -dev one


def test_ml210_compiling_at_run_time_is_needed():
    text = """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y build-essential
        COPY . /src
        CMD ["make", "-C", "/src", "run"]
        """
    assert lines(text, "ML210", service=True) == []


def test_ml210_message_headers_only_and_same_run_build():
    headers = lint("FROM ubuntu:22.04\nRUN apt-get install -y unixodbc-dev\n" + SERVICE_CMD, ["ML210"])[0].message
    assert "development headers" in headers and "compilers" not in headers
    assert "purge them" not in headers
    compilers = lint(
        "FROM python:3.11-slim\nRUN apt-get install -y gcc libpq-dev && pip install --no-cache-dir psycopg2==2.9.9\n"
        + SERVICE_CMD,
        ["ML210"],
    )[0].message
    assert "ships compilers" in compilers and "purge them at the end of this RUN" in compilers


def test_ml210_shipped_base_stage_is_still_single_stage():
    text = """
        FROM python:3.11-slim AS base
        RUN apt-get update && apt-get install -y build-essential
        CMD ["python3", "-m", "app.server"]
        FROM base AS app
        COPY . /app
        """
    assert lines(text, "ML210") == [2]
    # with --target the earlier stages are not a build stage of the target either
    assert lines(text, "ML210", target="base") == [2]


def test_ml204_brace_expansion_is_explained():
    # dash (/bin/sh on Debian/Ubuntu) does not expand braces: the lists stay, and the message says why
    findings = lint(
        """
        FROM python:3.11-slim
        RUN apt-get update && apt-get install -y --no-install-recommends curl \\
            && rm -rf /var/lib/{apt,dpkg}/lists
        """,
        ["ML204"],
    )
    assert rule_lines(findings, "ML204") == [2]
    assert "does not expand `{a,b}` braces" in findings[0].message


def test_ml202_ml210_silent_on_training_base_and_dev_images():
    devel = (
        "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
        "RUN apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*\n"
    )
    assert lines(devel, "ML202") == [] and lines(devel, "ML210") == []  # a base image (no CMD)
    assert lines(devel + 'CMD ["sleep", "infinity"]\n', "ML202") == []
    assert lines(devel + 'CMD ["torchrun", "train.py"]\n', "ML202") == []  # JIT-compiled ops need nvcc
    assert lines(devel + 'CMD ["torchrun", "train.py"]\n', "ML210") == [2]
    assert lines(devel, "ML202", service=True) == [1]
