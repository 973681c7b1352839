"""ML5xx (GPU/CUDA) and ML705: real-world shapes, the CUDA base × framework matrix, and near-misses."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dockerlint_ml.context import BuildContext
from dockerlint_ml.lint import Linter
from dockerlint_ml.model import Severity
from dockerlint_ml.registry import builtin_rules
from dockerlint_ml.settings import Settings

from .conftest import lint, rule_lines

# ---------------------------------------------------------------------------------------------------------
# ML501: the matrix

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


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("install", INSTALLS)
def test_ml501_fires_exactly_on_major_disagreement(base, install):
    findings = lint(f"FROM {base}\nRUN {install}\n", ["ML501"])
    expected = [2] if BASES[base] != INSTALLS[install] else []
    assert rule_lines(findings, "ML501") == expected


def test_ml501_message_names_both_sides():
    findings = lint(
        "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\n"
        "RUN pip install --no-cache-dir torch==2.1.0+cu121 -f https://download.pytorch.org/whl/torch_stable.html\n",
        ["ML501"],
    )
    (finding,) = findings
    assert finding.severity is Severity.ERROR
    assert "nvidia/cuda:11.8.0-runtime-ubuntu22.04" in finding.message and "CUDA 11.8.0" in finding.message
    assert "torch==2.1.0+cu121" in finding.message and "CUDA 12.1" in finding.message
    assert "cu118" in finding.message  # the build that fits the base


def test_ml501_points_at_the_requirement_word():
    findings = lint(
        "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install numpy torch==2.1.0+cu118\n", ["ML501"]
    )
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 23)]


def test_ml501_arg_substituted_cuda_tag():
    text = """
        ARG CUDA_VERSION=11.8.0
        ARG UBUNTU=22.04
        FROM nvidia/cuda:${CUDA_VERSION}-cudnn8-runtime-ubuntu${UBUNTU}
        ARG TORCH=2.1.0
        RUN pip install --no-cache-dir torch==${TORCH} --index-url https://download.pytorch.org/whl/cu121
    """
    assert rule_lines(lint(text, ["ML501"]), "ML501") == [5]


def test_ml501_arg_without_default_is_silent():
    text = """
        ARG CUDA_VERSION
        FROM nvidia/cuda:${CUDA_VERSION}-cudnn8-runtime-ubuntu22.04
        RUN pip install --no-cache-dir torch==2.1.0+cu121 -f https://download.pytorch.org/whl/torch_stable.html
        ARG TORCH
        RUN pip install torch==${TORCH} --index-url https://download.pytorch.org/whl/cu118
    """
    assert rule_lines(lint(text, ["ML501"]), "ML501") == []


def test_ml501_devel_build_stage_copied_into_runtime_final_stage():
    text = """
        FROM nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04 AS build
        RUN python3 -m venv /opt/venv \\
            # torch for CUDA 11.8, built against a 12.1 toolchain
            && /opt/venv/bin/pip install --no-cache-dir torch==2.1.0 \\
                --index-url https://download.pytorch.org/whl/cu118
        FROM nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04
        COPY --from=build /opt/venv /opt/venv
    """
    findings = lint(text, ["ML501"])
    assert rule_lines(findings, "ML501") == [4]
    assert "installed in stage `build` and copied here" in findings[0].message


def test_ml501_devel_build_runtime_final_agreeing_is_silent():
    text = """
        ARG CUDA=12.1.1
        FROM nvidia/cuda:${CUDA}-cudnn8-devel-ubuntu22.04 AS build
        RUN --mount=type=cache,target=/root/.cache/pip \\
            pip install --prefix=/install torch==2.1.0 --index-url https://download.pytorch.org/whl/cu121
        FROM nvidia/cuda:${CUDA}-cudnn8-runtime-ubuntu22.04
        COPY --from=build /install /usr/local
    """
    assert rule_lines(lint(text, ["ML501"]), "ML501") == []


def test_ml501_discarded_builder_not_copied_as_environment_is_silent():
    text = """
        FROM nvidia/cuda:12.1.1-devel-ubuntu22.04 AS export
        RUN pip install torch==2.1.0+cu118 -f https://download.pytorch.org/whl/torch_stable.html \\
            && python3 export.py --out /model.onnx
        FROM nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04
        COPY --from=export /model.onnx /srv/model.onnx
    """
    assert rule_lines(lint(text, ["ML501"]), "ML501") == []


def test_ml501_final_stage_built_from_a_stage_follows_the_chain():
    text = """
        FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04 AS base
        RUN apt-get update && apt-get install -y --no-install-recommends python3-pip
        FROM base
        RUN pip install "jax[cuda12]==0.4.30"
    """
    findings = lint(text, ["ML501"])
    assert rule_lines(findings, "ML501") == [4]
    assert "through stage `base`" in findings[0].message


def test_ml501_lowercase_heredoc_and_uv():
    text = """
        # syntax=docker/dockerfile:1
        from nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
        run <<EOF
        set -e
        uv pip install --system torch==2.4.1 --index-url https://download.pytorch.org/whl/cu118
        EOF
    """
    assert rule_lines(lint(text, ["ML501"]), "ML501") == [5]


def test_ml501_pip_env_index_url():
    text = """
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        ENV PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cu118
        RUN pip install torch==2.1.0
    """
    assert rule_lines(lint(text, ["ML501"]), "ML501") == [3]


def test_ml501_extra_index_without_that_build_falls_back_to_pypi():
    # the cu124 index has no torch 2.1: pip takes PyPI's 2.1 wheel, which is CUDA 12.1 -> agrees with 12.1
    text = """
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        RUN pip install torch==2.1.0 --extra-index-url https://download.pytorch.org/whl/cu124
    """
    assert rule_lines(lint(text, ["ML501"]), "ML501") == []
    # on a CUDA 11 base that PyPI fallback (CUDA 12.1) is a mismatch, although cu124 was never going to fit
    text_11 = text.replace("12.1.1-runtime", "11.8.0-runtime")
    assert rule_lines(lint(text_11, ["ML501"]), "ML501") == [2]
    assert "PyPI wheel" in lint(text_11, ["ML501"])[0].message


def test_ml501_index_url_vs_extra_index_url():
    # --extra-index-url cu118 with a release that has a cu118 build: pip takes the +cu118 wheel
    extra = "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install torch==2.3.1 --extra-index-url {}\n"
    assert rule_lines(lint(extra.format("https://download.pytorch.org/whl/cu118"), ["ML501"]), "ML501") == [2]
    # torch 2.8 has no cu118 build: --extra-index-url falls back to PyPI (CUDA 12.8), --index-url does not
    later = "FROM nvidia/cuda:12.8.1-runtime-ubuntu22.04\nRUN pip install torch==2.8.0 {} https://download.pytorch.org/whl/cu118\n"
    assert rule_lines(lint(later.format("--extra-index-url"), ["ML501"]), "ML501") == []
    assert rule_lines(lint(later.format("--index-url"), ["ML501"]), "ML501") == [2]


def test_ml501_torch_family_of_one_command_is_one_finding():
    text = """
        FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04
        RUN pip install torch==2.1.0 torchvision==0.16.0 torchaudio==2.1.0 --index-url https://download.pytorch.org/whl/cu121
    """
    assert rule_lines(lint(text, ["ML501"]), "ML501") == [2]
    assert len(lint(text, ["ML501"])) == 1


def test_ml501_ngc_base_unverified_container_is_a_warning():
    text = """
        FROM nvcr.io/nvidia/pytorch:24.05-py3
        RUN pip install torch==2.1.0+cu118 -f https://download.pytorch.org/whl/torch_stable.html
    """
    findings = lint(text, ["ML501"])
    assert rule_lines(findings, "ML501") == [2]
    assert findings[0].severity is Severity.WARNING


def test_ml501_ngc_release_not_in_table_is_silent():
    text = """
        FROM nvcr.io/nvidia/pytorch:19.10-py3
        RUN pip install torch==2.1.0+cu118 -f https://download.pytorch.org/whl/torch_stable.html
    """
    assert rule_lines(lint(text, ["ML501"]), "ML501") == []


def test_ml501_tensorflow_gpu_base_is_a_warning():
    text = """
        FROM tensorflow/tensorflow:2.15.0-gpu
        RUN pip install torch==2.1.0 --index-url https://download.pytorch.org/whl/cu118
    """
    findings = lint(text, ["ML501"])
    assert rule_lines(findings, "ML501") == [2]
    assert findings[0].severity is Severity.WARNING


@pytest.mark.parametrize(
    "install",
    [
        "pip install torch",  # unpinned: unknown CUDA
        "pip install torch==2.1.0 --index-url https://mirror.example.com/simple",  # private index
        "pip install onnxruntime-gpu==1.25.0",  # past the verified rows
        "pip install 'jax[cuda]'",  # the bare extra changed meaning: needs a version
        "pip install nvidia-cudnn-cu11",  # a library, not a framework build
        "pip install -r requirements.txt",  # no build context
    ],
)
def test_ml501_unknown_is_silent(install):
    assert rule_lines(lint(f"FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN {install}\n", ["ML501"]), "ML501") == []


def test_ml501_unknown_base_is_silent():
    text = "FROM myorg/gpu-base:1.0\nRUN pip install torch==2.1.0+cu118 -f https://x/torch_stable.html\n"
    assert rule_lines(lint(text, ["ML501"]), "ML501") == []


def test_ml501_apt_cuda_on_plain_base():
    text = """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y --no-install-recommends cuda-toolkit-12-1 \\
            && rm -rf /var/lib/apt/lists/*
        RUN pip install torch==2.1.0+cu118 -f https://download.pytorch.org/whl/torch_stable.html
    """
    findings = lint(text, ["ML501"])
    assert rule_lines(findings, "ML501") == [4]
    assert "cuda-toolkit-12-1" in findings[0].message


# ---------------------------------------------------------------------------------------------------------
# Requirements files from the build context


def lint_in(directory: Path, text: str, select: list[str], context: bool = True):
    linter = Linter(Settings(select=tuple(select), extend_select=tuple(select)), builtin_rules())
    source = textwrap.dedent(text).lstrip("\n").encode()
    result = linter.lint_bytes(source, str(directory / "Dockerfile"), BuildContext(directory) if context else None)
    assert result.error is None, result.error
    return result.findings


def test_ml501_requirements_file_in_context(tmp_path):
    (tmp_path / "requirements.txt").write_text(
        "# pinned\n--extra-index-url https://download.pytorch.org/whl/cu118\ntorch==2.1.0\nnumpy==1.26.4\n"
    )
    text = """
        FROM nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04
        WORKDIR /app
        COPY requirements.txt .
        RUN pip install --no-cache-dir -r requirements.txt
    """
    findings = lint_in(tmp_path, text, ["ML501"])
    assert rule_lines(findings, "ML501") == [4]
    assert "from requirements.txt" in findings[0].message
    assert rule_lines(lint_in(tmp_path, text, ["ML501"], context=False), "ML501") == []


def test_requirements_file_not_copied_is_not_read(tmp_path):
    (tmp_path / "requirements.txt").write_text("torch==2.1.0+cu118\n")
    text = """
        FROM nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04
        RUN pip install -r requirements.txt
    """
    assert rule_lines(lint_in(tmp_path, text, ["ML501"]), "ML501") == []


def test_requirements_nested_file_and_bind_mount(tmp_path):
    (tmp_path / "reqs").mkdir()
    (tmp_path / "reqs" / "base.txt").write_text("-r gpu.txt\n")
    (tmp_path / "reqs" / "gpu.txt").write_text("onnxruntime-gpu==1.17.1  # CUDA 11.8 build\n")
    text = """
        FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
        RUN --mount=type=bind,source=reqs,target=/tmp/reqs pip install -r /tmp/reqs/base.txt
    """
    assert rule_lines(lint_in(tmp_path, text, ["ML501"]), "ML501") == [2]


# ---------------------------------------------------------------------------------------------------------
# ML502


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


# ---------------------------------------------------------------------------------------------------------
# ML503


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


# ---------------------------------------------------------------------------------------------------------
# ML504


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


# ---------------------------------------------------------------------------------------------------------
# ML505


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


# ---------------------------------------------------------------------------------------------------------
# ML506


def test_ml506_plain_pypi_torch_on_cuda_base():
    text = """
        FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04
        RUN pip install --no-cache-dir torch==2.6.0
    """
    findings = lint(text, ["ML506"])
    assert rule_lines(findings, "ML506") == [2]
    assert "CUDA 12.4 build" in findings[0].message and "/whl/cu126" in findings[0].message
    assert "3 GB" not in findings[0].message  # not true of every base, and naming the index does not avoid it


def test_ml506_does_not_repeat_ml501_on_the_same_install():
    text = """
        FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04
        RUN pip install --no-cache-dir torch==2.3.1
    """
    findings = lint(text, ["ML501", "ML506"])
    assert [(f.rule, f.span.line) for f in findings] == [("ML501", 2)]


def test_ml506_advice_is_not_circular_when_the_pypi_wheel_is_the_variant():
    # torch 2.7's PyPI wheel is the cu126 build, the variant suggested for a 12.4 base
    findings = lint("FROM nvidia/cuda:12.4.1-base-ubuntu22.04\nRUN pip install torch==2.7.1\n", ["ML506"])
    (message,) = [f.message for f in findings]
    assert "suits base" in message and "cannot silently switch" in message and "pip picks" not in message


@pytest.mark.parametrize(
    "install",
    [
        "pip install torch==2.3.1 --index-url https://download.pytorch.org/whl/cu121",
        "pip install torch==2.3.1 --extra-index-url https://download.pytorch.org/whl/cu121",
        "pip install torch==2.1.0+cu121 -f https://download.pytorch.org/whl/torch_stable.html",
        "uv pip install --system torch==2.3.1 --torch-backend cu121",
        "PIP_INDEX_URL=https://download.pytorch.org/whl/cu121 pip install torch==2.3.1",
        "conda install -y pytorch=2.1 pytorch-cuda=12.1 -c pytorch -c nvidia",
        "pip install torchvision==0.18.1",
        'CUDA_SHORT=$(echo 12.1 | tr -d .) && pip install "torch==2.3.1" --index-url https://download.pytorch.org/whl/cu${CUDA_SHORT}',
        "pip install torch==2.3.1 --extra-index-url ${TORCH_INDEX}",
    ],
)
def test_ml506_variant_named_is_silent(install):
    text = f"FROM nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04\nRUN {install}\n"
    assert rule_lines(lint(text, ["ML506"]), "ML506") == []


def test_ml506_one_finding_per_install_copied_through_several_stages():
    text = """
        FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS torch-install
        RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir torch==2.5.1
        FROM torch-install AS kernels-a
        RUN echo build a
        FROM torch-install AS kernels-b
        RUN echo build b
        FROM nvidia/cuda:12.6.3-base-ubuntu22.04
        COPY --from=kernels-a /opt/venv /opt/venv
        COPY --from=kernels-b /opt/venv /opt/venv
        COPY --from=torch-install /opt/venv /opt/venv
    """
    findings = lint(text, ["ML506"])
    assert rule_lines(findings, "ML506") == [2]
    assert "installed in stage `torch-install`" in findings[0].message


def test_ml506_cpu_base_is_silent():
    assert rule_lines(lint("FROM python:3.11-slim\nRUN pip install torch==2.3.1\n", ["ML506"]), "ML506") == []


# ---------------------------------------------------------------------------------------------------------
# ML507


def test_ml507_cuda_10_in_needed_stages_only():
    text = """
        ARG CUDA=10.2
        FROM nvidia/cuda:${CUDA}-cudnn7-devel-ubuntu18.04 AS build
        FROM nvidia/cuda:9.0-base AS unused
        FROM nvidia/cuda:11.0.3-runtime-ubuntu20.04
        COPY --from=build /opt/app /opt/app
    """
    assert rule_lines(lint(text, ["ML507"]), "ML507") == [2]


def test_ml507_near_misses():
    text = """
        ARG CUDA
        FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04 AS a
        FROM pytorch/pytorch:1.4-cuda10.1-cudnn7-runtime
        COPY --from=a /x /x
    """
    assert rule_lines(lint(text, ["ML507"]), "ML507") == []


# ---------------------------------------------------------------------------------------------------------
# ML508


def test_ml508_python_312_with_old_torch():
    text = """
        ARG PY=3.12
        FROM python:${PY}-slim
        RUN pip install --no-cache-dir torch==2.0.1
    """
    findings = lint(text, ["ML508"])
    assert rule_lines(findings, "ML508") == [3]
    assert "3.8–3.11" in findings[0].message and "3.12" in findings[0].message and "2.2" in findings[0].message


def test_ml508_interpreter_of_the_command_wins():
    text = """
        FROM nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04
        RUN apt-get update && apt-get install -y python3.12 python3.12-venv \\
            && python3.12 -m pip install tensorflow==2.15.1
    """
    assert rule_lines(lint(text, ["ML508"]), "ML508") == [3]


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.11-slim\nRUN pip install torch==2.0.1\n",
        "FROM python:3.12-slim\nRUN pip install 'torch>=2.0'\n",  # not pinned
        "FROM python:3.12-slim\nRUN pip install torch==2.13.0\n",  # unverified row
        "FROM python:3.13-slim\nRUN pip install torch==2.5.1\n",
        "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install torch==1.13.1\n",  # Python unknown
        "FROM python:3.12-slim\nRUN apt-get install -y python3.10 && pip install torch==2.0.1\n",  # which pip?
    ],
)
def test_ml508_near_misses(text):
    assert rule_lines(lint(text, ["ML508"]), "ML508") == []


# ---------------------------------------------------------------------------------------------------------
# ML705


@pytest.mark.parametrize(
    ("image", "fires"),
    [
        ("python:3.8-slim", True),
        ("python:3.12-slim-buster", True),
        ("python:3.12-slim-bookworm", False),  # bookworm: regular support ended, LTS has not
        ("python:3.12-bookworm", False),
        ("python:3.11-alpine3.18", True),
        ("debian:bullseye-slim", False),  # LTS until 2026-08-31 (as-of below)
        ("ubuntu:20.04", True),
        ("ubuntu:focal-20240123", True),
        ("ubuntu:22.04", False),
        ("nvidia/cuda:12.4.1-cudnn-runtime-ubuntu20.04", True),
        ("nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04", False),
        ("nvidia/cuda:11.8.0-runtime-ubi7", True),
        ("centos:7", True),
        ("redhat/ubi8", False),
        ("pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime", False),  # OS and Python unknown
        ("python:3", False),
    ],
)
def test_ml705_eol_base_images(image, fires):
    findings = lint(f"FROM {image}\n", ["ML705"], rule_options={"ML705": {"as-of": "2026-06-01"}})
    assert rule_lines(findings, "ML705") == ([1] if fires else [])


def test_ml705_as_of_moves_the_line():
    text = "FROM python:3.10-slim\n"
    assert rule_lines(lint(text, ["ML705"], rule_options={"ML705": {"as-of": "2026-06-01"}}), "ML705") == []
    assert rule_lines(lint(text, ["ML705"], rule_options={"ML705": {"as-of": "2026-11-01"}}), "ML705") == [1]


def test_ml705_builder_stage_needed_and_unused_stage():
    text = """
        FROM python:3.8 AS build
        FROM python:3.7 AS unused
        FROM python:3.12-slim-bookworm
        COPY --from=build /venv /venv
    """
    findings = lint(text, ["ML705"])
    assert rule_lines(findings, "ML705") == [1]
    assert "Python 3.8" in findings[0].message and "2024-10-07" in findings[0].message


def test_knowledge_is_loaded_lazily():
    import subprocess
    import sys

    code = (
        "import sys; from dockerlint_ml.rules import gpu, reproducibility; from dockerlint_ml import knowledge; "
        "assert knowledge.load.cache_info().currsize == 0; assert 'tomllib' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_plain_python_image_loads_no_gpu_tables():
    import subprocess
    import sys

    code = (
        "from tests.conftest import lint; from dockerlint_ml import knowledge; "
        "lint('FROM python:3.11-slim\\nRUN pip install --no-cache-dir fastapi==0.111.0 numpy==1.26.4\\n', ['ML5']); "
        # only the base-image table (the image role reads it) is loaded: a lookup of it is a cache hit
        "info = knowledge.load.cache_info(); assert info.currsize <= 1, info; "
        "knowledge.load('base_images'); assert knowledge.load.cache_info().currsize == 1, knowledge.load.cache_info()"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_ml506_never_suggests_an_index_that_does_not_exist():
    # torch 1.13 was published for CUDA 11 only: ML501 reports it on a CUDA 12 base; ML506 adds no cu12x index
    findings = lint(
        """
        FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04
        RUN pip install --no-cache-dir torch==1.13.1
        """,
        ["ML501", "ML506"],
    )
    assert [f.rule for f in findings] == ["ML501"] and "whl/cu12" not in findings[0].message


def test_ml506_suggests_the_closest_published_variant_of_the_base_major():
    # torch 2.7 has cu118, cu126, cu128; on CUDA 12.4 none is <= 12.4, so the closest newer one, cu126
    findings = lint(
        """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        RUN pip install --no-cache-dir torch==2.7.1
        """,
        ["ML506"],
    )
    assert [f.rule for f in findings] == ["ML506"] and "whl/cu126" in findings[0].message


# ---------------------------------------------------------------------------------------------------------
# Provenance: a COPY --from carries an install only when it copies where the install went


def test_ml501_copy_of_a_build_dir_does_not_bring_the_builders_torch():
    # repro gpu-t3: `/workspace/install/` holds build output, not the system site-packages pip installed into
    text = """
        FROM nvidia/cuda:11.8.0-devel-ubuntu22.04 AS build
        RUN pip install --no-cache-dir torch==2.0.1+cu118 --index-url https://download.pytorch.org/whl/cu118
        RUN mkdir -p /workspace/install && echo hi > /workspace/install/tool
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        COPY --from=build /workspace/install/ install/
    """
    assert rule_lines(lint(text, ["ML501"]), "ML501") == []


@pytest.mark.parametrize(
    ("install", "copy"),
    [
        ("python3 -m venv /opt/venv && /opt/venv/bin/pip install", "/opt/venv /opt/venv"),
        ("pip install", "/usr/local/lib/python3.10/dist-packages /usr/local/lib/python3.10/dist-packages"),
        ("pip install --target /deps", "/deps /app/deps"),
        ("pip install --user", "/root/.local /root/.local"),
        ("pip install", "/ /"),
    ],
)
def test_ml501_copy_of_the_environment_brings_the_builders_torch(install, copy):
    text = f"""
        FROM nvidia/cuda:11.8.0-devel-ubuntu22.04 AS build
        RUN {install} torch==2.0.1+cu118 --index-url https://download.pytorch.org/whl/cu118
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        COPY --from=build {copy}
    """
    assert rule_lines(lint(text, ["ML501"]), "ML501") == [2]


def test_ml501_venv_on_path_decides_where_pip_installs():
    # pip is the venv's (ENV PATH): copying /usr/local does not bring torch, copying the venv does
    head = """
        FROM nvidia/cuda:11.8.0-devel-ubuntu22.04 AS build
        RUN python3 -m venv /srv/env
        ENV PATH=/srv/env/bin:$PATH
        RUN pip install torch==2.0.1+cu118 --index-url https://download.pytorch.org/whl/cu118
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
    """
    assert rule_lines(lint(head + "COPY --from=build /usr/local /usr/local\n", ["ML501"]), "ML501") == []
    assert rule_lines(lint(head + "COPY --from=build /srv/env /srv/env\n", ["ML501"]), "ML501") == [4]


def test_ml501_stage_built_from_a_stage_inherits_what_it_copied():
    text = """
        FROM nvidia/cuda:11.8.0-devel-ubuntu22.04 AS build
        RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install torch==2.0.1+cu118 \\
            --index-url https://download.pytorch.org/whl/cu118
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS base
        COPY --from=build /opt/venv /opt/venv
        FROM base
        CMD ["python"]
    """
    assert rule_lines(lint(text, ["ML501"]), "ML501") == [2]


# ---------------------------------------------------------------------------------------------------------
# Shell conditionals


def test_ml506_if_branch_on_a_set_index_url_is_not_plain_pypi():
    # axolotl Dockerfile-uv-base: the `then` branch only runs when TORCH_INDEX_URL is set
    text = """
        FROM nvidia/cuda:12.6.3-cudnn-devel-ubuntu22.04
        ARG TORCH_BACKEND="cu126"
        ARG TORCH_INDEX_URL=""
        RUN if [ -n "$TORCH_INDEX_URL" ]; then \\
                uv pip install --system --index-url "$TORCH_INDEX_URL" torch==2.6.0; \\
            else \\
                UV_TORCH_BACKEND=$TORCH_BACKEND uv pip install --system torch==2.6.0; \\
            fi
    """
    assert rule_lines(lint(text, ["ML5"]), "ML506") == []


def test_ml501_branches_that_disagree_leave_the_build_unknown():
    text = """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        ARG CUDA_MAJOR=12
        RUN if [ "$CUDA_MAJOR" = "11" ]; then \\
                pip install torch==2.3.1 --index-url https://download.pytorch.org/whl/cu118; \\
            else \\
                pip install torch==2.3.1 --index-url https://download.pytorch.org/whl/cu121; \\
            fi
    """
    assert rule_lines(lint(text, ["ML501"]), "ML501") == []


def test_ml501_branches_that_agree_still_count():
    text = """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        RUN if [ "$(uname -m)" = "x86_64" ]; then \\
                pip install torch==2.3.1 --index-url https://download.pytorch.org/whl/cu118; \\
            else \\
                pip install torch==2.3.1+cu118 -f https://download.pytorch.org/whl/torch_stable.html; \\
            fi
    """
    assert rule_lines(lint(text, ["ML501"]), "ML501") == [3, 5]


def test_ml501_install_in_a_branch_that_may_not_run_is_silent():
    text = """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        ARG LEGACY=""
        RUN [ -n "$LEGACY" ] && pip install torch==2.3.1 --index-url https://download.pytorch.org/whl/cu118
    """
    assert rule_lines(lint(text, ["ML501"]), "ML501") == []
