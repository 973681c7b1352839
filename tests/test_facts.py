"""Inference (facts.py), the knowledge loader, the build context, and `mllint --facts` / `--context`."""

from __future__ import annotations

import json
import os

import pytest

from dockerlint_ml import knowledge as kb
from dockerlint_ml.cli import main
from dockerlint_ml.context import BuildContext
from dockerlint_ml.facts import dockerfile_facts, parse_requirement

from .conftest import parse


def facts_of(text: str, shipped=frozenset(), context=None):
    dockerfile = parse(text)
    return dockerfile_facts(dockerfile, context, shipped or frozenset({len(dockerfile.stages) - 1}))


def installs(facts, index=-1):
    return {(i.package, i.build, i.cuda.short if i.cuda else None) for i in facts[index].all_installs}


# ---------------------------------------------------------------------------------------------------------
# knowledge


def test_knowledge_accessors():
    assert kb.torch_release("2.1.0+cu118").cuda_variants == ("11.8", "12.1")
    assert kb.torch_release("2.10.1").pypi_linux_default_cuda == "12.8"  # "2.10" is not "2.1"
    assert kb.torch_release("1.12.1") is None
    assert kb.tensorflow_release("2.15.1").cuda == "12.2"
    assert kb.onnxruntime_cuda("1.18.1").cuda_major == 11
    assert kb.onnxruntime_cuda("1.24.0") is None  # past the verified rows
    assert kb.jax_extra("cuda") is None and kb.jax_extra("cuda", "0.4.20").cuda_major == 11
    assert kb.jax_extra("cuda12_local").needs_system_cuda
    assert kb.cupy_cuda("cupy-cuda117") == (11, 7) and kb.cupy_cuda("cupy_cuda12x") == (12, None)
    assert kb.nvidia_cuda_tag("12.4.1-cudnn-devel-ubuntu22.04").cudnn == "cudnn"
    assert kb.cudnn_major_of_tag("12.4.1", "cudnn") == 9
    assert kb.ngc_release("24.05-py3").cuda == "12.4.1" and kb.ngc_release("19.10-py3") is None
    assert kb.eol("debian", "bookworm").end == "2028-06-30"  # LTS, not regular support
    assert kb.eol("ubuntu", "focal").version == "20.04"
    assert kb.base_image("python", "3.11-slim").has_tool("curl") is False
    assert kb.cuda_eol_major_max() == 10
    assert kb.version_tuple("3.10") > kb.version_tuple("3.9")


# ---------------------------------------------------------------------------------------------------------
# base images


@pytest.mark.parametrize(
    ("image", "kind", "cuda", "cudnn", "python", "os"),
    [
        ("nvidia/cuda:12.1.0-cudnn8-runtime-ubuntu22.04", "nvidia-cuda", "12.1.0", "8", None, ("ubuntu", "22.04")),
        ("nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04", "nvidia-cuda", "12.4.1", "9", None, ("ubuntu", "22.04")),
        ("nvidia/cuda:11.8.0-base-ubi8", "nvidia-cuda", "11.8.0", "no", None, ("rhel", "8")),
        (
            "docker.io/nvidia/cuda:10.2-cudnn7-runtime-ubuntu18.04",
            "nvidia-cuda",
            "10.2",
            "7",
            None,
            ("ubuntu", "18.04"),
        ),
        ("pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime", "pytorch", "12.1", "8", None, None),
        ("nvcr.io/nvidia/pytorch:24.05-py3", "ngc", "12.4.1", "yes", None, None),
        ("nvcr.io/nvidia/pytorch:19.10-py3", "ngc", None, None, None, None),
        ("tensorflow/tensorflow:2.15.0-gpu", "tensorflow", "12.2", "yes", None, None),
        ("tensorflow/tensorflow:2.15.0", "cpu", None, None, None, None),
        ("python:3.11-slim-bookworm", "cpu", None, "no", "3.11", ("debian", "bookworm")),
        ("python:3.10.14-alpine3.19", "cpu", None, "no", "3.10", ("alpine", "3.19")),
        ("myorg/base:1.0", None, None, None, None, None),
    ],
)
def test_base_facts(image, kind, cuda, cudnn, python, os):
    base = facts_of(f"FROM {image}\n")[0].base
    assert (base.kind, base.cuda.version if base.cuda else None, base.cudnn, base.python, base.os) == (
        kind,
        cuda,
        cudnn,
        python,
        os,
    )


def test_base_through_stage_chain_and_arg_defaults():
    facts = facts_of(
        """
        ARG CUDA=12.1.1
        ARG FLAVOR
        FROM nvidia/cuda:${CUDA}-cudnn8-devel-ubuntu22.04 AS base
        FROM base AS deps
        FROM deps
        FROM nvidia/cuda:${CUDA}-${FLAVOR}-ubuntu22.04 AS unknown
        """,
        shipped=frozenset({2}),
    )
    assert [f.base.cuda.version if f.base.cuda else None for f in facts] == ["12.1.1", "12.1.1", "12.1.1", None]
    assert facts[2].base.root_stage == 0 and facts[2].shipped and not facts[0].shipped


# ---------------------------------------------------------------------------------------------------------
# installs


def test_pip_shapes():
    facts = facts_of(
        """
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        ARG TORCH=2.1.0
        RUN pip install --no-cache-dir torch==${TORCH}+cu118 -f https://download.pytorch.org/whl/torch_stable.html \\
            # a comment line inside the chain
            && python3 -m pip install torchvision==0.16.0 --index-url https://download.pytorch.org/whl/cu121 \\
            && pip3 install "jax[cuda12_local]==0.4.30" 'tensorflow[and-cuda]==2.16.1' onnxruntime==1.19.2
        """
    )
    assert installs(facts) == {
        ("torch", "cuda", "11.8"),
        ("torchvision", "cuda", "12.1"),
        ("jax", "cuda", "12.x"),
        ("tensorflow", "cuda", "12.3"),
        ("onnxruntime", "cpu", None),
    }
    by_name = {i.package: i for i in facts[0].installs}
    assert by_name["torch"].local == "cu118" and by_name["torch"].version == "2.1.0"
    assert by_name["torch"].find_links == ("https://download.pytorch.org/whl/torch_stable.html",)
    assert by_name["jax"].extras == ("cuda12-local",) and by_name["jax"].system_cuda
    assert by_name["tensorflow"].pip_cuda_libs and not by_name["tensorflow"].system_cudnn


def test_index_urls_from_env_and_uv():
    facts = facts_of(
        """
        FROM python:3.11-slim
        ENV PIP_INDEX_URL=https://download.pytorch.org/whl/cpu
        RUN pip install torch==2.3.1
        RUN uv pip install --system torch==2.7.0 --torch-backend=cu128
        RUN UV_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cu126 uv pip install --system torch==2.7.0
        """
    )
    assert [(i.build, i.cuda.short if i.cuda else None) for i in facts[0].installs] == [
        ("cpu", None),
        ("cuda", "12.8"),
        ("cuda", "12.6"),
    ]
    assert facts[0].installs[0].index_urls == ("https://download.pytorch.org/whl/cpu",)


def test_conda_installs_and_python():
    facts = facts_of(
        """
        FROM continuumio/miniconda3:24.1.2-0
        RUN conda create -y -n app python=3.10 && \\
            conda install -y -n app pytorch=2.1 pytorch-cuda=12.1 -c pytorch -c nvidia && \\
            mamba install -y cudatoolkit=11.8 cudnn=8.9 && \\
            conda install -y pytorch::pytorch cpuonly
        """
    )
    assert {("pytorch-cuda", "cuda", "12.1"), ("cudatoolkit", "cuda", "11.8"), ("torch", "cpu", None)} <= installs(
        facts
    )
    assert [p.version for p in facts[0].pythons] == ["3.10"]
    assert facts[0].cudnn_sources


def test_apt_cuda_cudnn_and_python():
    facts = facts_of(
        """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y --no-install-recommends \\
              cuda-runtime-12-1 libcudnn8=8.9.2.26-1+cuda12.1 python3.11 python3.11-venv \\
            && rm -rf /var/lib/apt/lists/*
        """
    )
    stage = facts[0]
    assert stage.system_cuda.short == "12.1" and stage.has_cudnn is True
    assert {p.version for p in stage.pythons} == {"3.11"}


def test_copied_environment_carries_installs():
    facts = facts_of(
        """
        FROM python:3.11 AS build
        RUN pip install --prefix=/install onnxruntime-gpu==1.19.2
        FROM python:3.11-slim AS copy-code
        COPY --from=build /app /app
        FROM python:3.11-slim
        COPY --from=build /install /usr/local
        """
    )
    assert facts[1].copied == [] and [i.package for i in facts[2].copied] == ["onnxruntime-gpu"]
    assert facts[2].copied[0].copied_from == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("torch==2.1.0+cu118", ("torch", (), "2.1.0", "cu118")),
        ("jax[cuda12,tpu]>=0.4", ("jax", ("cuda12", "tpu"), None, None)),
        ("Torch_Vision==0.16.*", ("torch-vision", (), "0.16.*", None)),
        ("torch~=2.1.0", ("torch", (), "2.1.*", None)),
        ("onnxruntime-gpu==1.19.2 ; sys_platform == 'linux'", ("onnxruntime-gpu", (), "1.19.2", None)),
        ("./wheels/torch.whl", None),
        ("git+https://github.com/x/y", None),
        ("torch @ https://x/torch.whl", None),  # a direct reference: which build is unknown
    ],
)
def test_parse_requirement(text, expected):
    assert parse_requirement(text) == expected


# ---------------------------------------------------------------------------------------------------------
# build context


def test_build_context_never_reads_outside(tmp_path):
    context = tmp_path / "ctx"
    context.mkdir()
    (tmp_path / "secret.txt").write_text("outside")
    (context / "ok.txt").write_text("inside")
    (context / "big.txt").write_text("x" * 100)
    os.symlink(tmp_path / "secret.txt", context / "link.txt")
    os.mkdir(context / "dir")
    build = BuildContext(context, max_bytes=50)
    assert build.read_text("ok.txt") == "inside"
    assert build.read_text("/ok.txt") == "inside"  # COPY sources are relative to the context root
    assert build.read_text("../secret.txt") is None
    assert build.read_text("link.txt") is None  # resolves outside
    assert build.read_text("dir/../../secret.txt") is None
    assert build.read_text("big.txt") is None  # over the size cap
    assert build.read_text("dir") is None and build.read_text("missing.txt") is None


def test_requirements_from_copy_with_workdir(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "requirements-gpu.txt").write_text("-i https://download.pytorch.org/whl/cu121\ntorch==2.3.1\n")
    facts = facts_of(
        """
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        WORKDIR /srv
        COPY app/requirements*.txt ./
        RUN pip install -r requirements-gpu.txt
        """,
        context=BuildContext(tmp_path),
    )
    (install,) = facts[0].installs
    assert (install.package, install.cuda.short, install.via) == ("torch", "12.1", "app/requirements-gpu.txt")
    assert facts[0].opaque == []


def test_requirements_whole_context_copy(tmp_path):
    (tmp_path / "requirements.txt").write_text("tensorflow-cpu==2.16.1\n")
    facts = facts_of(
        """
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        COPY . /app
        RUN pip install -r /app/requirements.txt
        """,
        context=BuildContext(tmp_path),
    )
    assert installs(facts) == {("tensorflow-cpu", "cpu", None)}


# ---------------------------------------------------------------------------------------------------------
# CLI


def run(capsys, *args):
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return exited.value.code, out, err


GPU_FILE = """\
ARG CUDA=11.8.0
FROM nvidia/cuda:${CUDA}-cudnn8-devel-ubuntu22.04 AS build
COPY requirements.txt .
RUN pip install --prefix=/install -r requirements.txt
FROM nvidia/cuda:${CUDA}-cudnn8-runtime-ubuntu22.04
COPY --from=build /install /usr/local
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(GPU_FILE)
    (tmp_path / "requirements.txt").write_text("torch==2.1.0+cu121\n")
    return tmp_path


def test_cli_facts_text(capsys, project):
    code, out, _ = run(capsys, "--isolated", "--facts", "Dockerfile")
    assert code == 0
    assert "stage 1 (line 5, shipped)" in out
    assert "cuda:    11.8.0 (nvidia/cuda image tag)" in out
    assert "torch==2.1.0+cu121 (pip, line 4, requirements.txt, copied from stage build) -> CUDA 12.1 build" in out


def test_cli_facts_json_explains_the_ml501_finding(capsys, project):
    code, out, _ = run(capsys, "--isolated", "--facts", "--format", "json", "Dockerfile")
    assert code == 0
    final = json.loads(out)[0]["stages"][1]
    assert final["cuda"] == "11.8.0" and final["shipped"]
    (install,) = final["installs"]
    assert (install["package"], install["cuda"], install["copied_from"]) == ("torch", "12.1", "build")
    code, out, _ = run(capsys, "--isolated", "--select", "ML501", "Dockerfile")
    assert code == 1 and "Dockerfile:4:" in out and "ML501" in out


def test_cli_context_option(capsys, project, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "requirements.txt").write_text("torch==2.1.0+cu118\n")
    code, _, _ = run(capsys, "--isolated", "--select", "ML501", "--context", str(other), "Dockerfile")
    assert code == 0  # cu118 on an 11.8 base agrees
    code, _, _ = run(capsys, "--isolated", "--select", "ML501", "Dockerfile")
    assert code == 1  # default context: the Dockerfile's directory (cu121)


# ---------------------------------------------------------------------------------------------------------
# provenance, inheritance, shell conditionals


def test_copy_from_follows_the_install_location_not_the_path_name():
    head = """
        FROM python:3.11 AS build
        RUN pip install --prefix=/workspace/install onnxruntime-gpu==1.19.2
        RUN pip install cupy-cuda12x==13.3.0
        FROM python:3.11-slim
    """
    assert [i.package for i in facts_of(head + "COPY --from=build /workspace/install /usr/local\n")[1].copied] == [
        "onnxruntime-gpu"
    ]
    # a build dir named like nothing in particular carries nothing; site-packages carries the system pip's installs
    assert facts_of(head + "COPY --from=build /workspace/client/ client/\n")[1].copied == []
    site = "COPY --from=build /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages\n"
    assert [i.package for i in facts_of(head + site)[1].copied] == ["cupy-cuda12x"]


def test_copy_of_one_package_inside_site_packages_does_not_carry_the_environment():
    facts = facts_of(
        """
        FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build
        RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install torch==2.5.1
        FROM nvidia/cuda:12.4.1-base-ubuntu22.04
        COPY --from=build /opt/venv/lib/python3.10/site-packages/flashinfer/ /srv/flashinfer/
        """
    )
    assert facts[1].copied == []


def test_stage_built_from_a_stage_inherits_its_copies_once():
    facts = facts_of(
        """
        FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS torch-install
        RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install torch==2.5.1
        FROM torch-install AS kernels
        RUN echo kernels
        FROM nvidia/cuda:12.4.1-base-ubuntu22.04 AS base
        COPY --from=torch-install /opt/venv /opt/venv
        COPY --from=kernels /opt/venv /opt/venv
        FROM base
        """
    )
    assert [(i.package, i.location) for i in facts[3].copied] == [("torch", "/opt/venv")]
    assert installs(facts) == {("torch", "cuda", "12.4")}


def test_venv_moved_by_a_copy_is_followed_to_its_new_place():
    facts = facts_of(
        """
        FROM python:3.11 AS build
        RUN python -m venv /opt/venv && /opt/venv/bin/pip install cupy-cuda12x==13.3.0
        FROM python:3.11-slim AS app
        COPY --from=build /opt/venv /srv/env
        FROM python:3.11-slim
        COPY --from=app /srv/env /srv/env
        """
    )
    assert [(i.package, i.location) for i in facts[2].copied] == [("cupy-cuda12x", "/srv/env")]


def test_if_else_branches_are_either():
    facts = facts_of(
        """
        FROM nvidia/cuda:12.6.3-devel-ubuntu22.04
        ARG TORCH_BACKEND="cu126"
        ARG TORCH_INDEX_URL=""
        RUN if [ -n "$TORCH_INDEX_URL" ]; then \\
                uv pip install --system --index-url "$TORCH_INDEX_URL" torch==2.6.0; \\
            else \\
                UV_TORCH_BACKEND=$TORCH_BACKEND uv pip install --system torch==2.6.0; \\
            fi
        """
    )
    first, second = facts[0].installs
    assert (first.build, first.cuda, first.plain_pypi) == (None, None, False)  # not "plain PyPI" with URL ""
    assert (second.build, second.cuda) == (None, None) and not first.maybe and not second.maybe
    assert "index `$TORCH_INDEX_URL` not known here" in first.reason
    assert "uv --torch-backend `cu126`" in first.reason  # the else branch, $TORCH_BACKEND expanded


def test_branch_only_install_is_maybe_and_its_variable_is_shown_as_written():
    facts = facts_of(
        """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        ARG TORCH_BACKEND
        RUN if [ "$(uname -m)" = "x86_64" ]; then \\
                UV_TORCH_BACKEND=$TORCH_BACKEND uv pip install --system torch==2.6.0; \\
            fi
        """
    )
    (install,) = facts[0].installs
    assert install.maybe and install.reason == "uv --torch-backend `$TORCH_BACKEND`"


def test_cudnn_from_apt_inside_a_conditional_is_maybe(capsys, tmp_path, monkeypatch):
    text = """\
FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
ARG CUDA_MAJOR_VERSION=12
ARG BUILD_TYPE
RUN if [ "${BUILD_TYPE}" = "cublas" ]; then \\
        apt-get install -y libcudnn9-cuda-${CUDA_MAJOR_VERSION}; \\
    fi
"""
    facts = facts_of(text)
    assert facts[0].has_cudnn is None and facts[0].cudnn_sources == []
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(text)
    _, out, _ = run(capsys, "--isolated", "--facts", "Dockerfile")
    assert "cudnn:   maybe (`libcudnn9-cuda-${CUDA_MAJOR_VERSION}` (line 5" in out
    unconditional = facts_of(text.replace("if [", "[").replace("]; then", "] ||").replace("; \\\n    fi", ""))
    assert unconditional[0].has_cudnn is None  # `[ ... ] || apt-get ...` runs it only when the test fails


def test_install_in_a_conditional_inside_sh_c_is_maybe():
    # the conditional is seen through `sh -c` (shell.py parses the script once; facts reads its conditions)
    facts = facts_of(
        """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cu124
        RUN sh -c 'if [ "$(uname -m)" = "x86_64" ]; then pip install torch==2.4.0; fi' \\
         && bash -c 'pip install numpy || pip install "numpy<2"'
        """
    )
    installs = {(i.package, i.spec): i for i in facts[0].installs}
    assert installs["torch", "torch==2.4.0"].maybe
    assert not installs["numpy", "numpy"].maybe and installs["numpy", "numpy<2"].maybe


def test_variables_a_test_reads_are_unknown_inside_its_branch():
    # `[ -n "$TORCH_INDEX_URL" ] && pip install --index-url $TORCH_INDEX_URL`: the ARG default ("") is not
    # what the index is when the command runs
    (install,) = facts_of(
        """
        FROM nvidia/cuda:12.6.3-devel-ubuntu22.04
        ARG TORCH_INDEX_URL=""
        RUN [ -n "$TORCH_INDEX_URL" ] && pip install --index-url "$TORCH_INDEX_URL" torch==2.6.0
        """
    )[0].installs
    assert install.maybe and "index `$TORCH_INDEX_URL` not known here" in install.reason


def test_system_pip_in_a_python_builder_installs_under_usr_local():
    text = (
        "FROM python:3.12 AS build\nRUN pip install tomli && python licenses.py > /licenses.txt\n"
        "FROM python:3.12-slim\nCOPY --from=build /licenses.txt /licenses.txt\n"
    )
    facts = dockerfile_facts(parse(text), None, frozenset({1}))
    assert [i.location for i in facts[0].installs] == ["/usr/local"]
    assert facts[1].copied == []  # only the license file crosses over


def test_facts_module_is_a_facade():
    """``dockerlint_ml.facts`` re-exports what moved to analysis/gpu and analysis/packages; rendering moved to
    report/facts.py (the analysis layer may not import a reporter)."""
    from dockerlint_ml import facts
    from dockerlint_ml.analysis import packages
    from dockerlint_ml.analysis.gpu import assemble, base, records
    from dockerlint_ml.report import facts as report_facts

    assert facts.dockerfile_facts is assemble.dockerfile_facts and facts.needed_stages is assemble.needed_stages
    assert facts.base_facts is base.base_facts and facts.Install is records.Install
    assert facts.parse_requirement is packages.parse_requirement
    assert not hasattr(facts, "render_text") and callable(report_facts.render_text)
