"""ML501 cuda-version-mismatch: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from dockerlint_ml.model import Severity

from ...conftest import lint, rule_lines
from .helpers import BASES, INSTALLS, lint_in


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
