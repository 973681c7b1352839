"""ML7xx reproducibility: ML701, ML702, ML703, ML704, ML706."""

from __future__ import annotations

from dockerlint_ml.rules.reproducibility import requirement_pinned

from .conftest import lint, rule_lines

SHA = "0123456789abcdef0123456789abcdef01234567"


def _findings(text: str, rule: str, **settings):
    return [f for f in lint(text, [rule], **settings) if f.rule == rule]


def _lines(text: str, rule: str, **settings) -> list[int]:
    return rule_lines(_findings(text, rule, **settings), rule)


# ---------------------------------------------------------------------------------------------------------
# ML701 / ML702


def test_ml701_no_tag_and_latest():
    text = """
        FROM ubuntu AS base
        FROM python:latest AS build
        FROM docker.io/library/python:3.11-slim@sha256:2ec5a4a5c3e919570f57675471f081d6299668d909feabd8d4803c6c61af666c
        from nvcr.io/nvidia/pytorch:latest
        FROM base
        FROM scratch
        FROM localhost:5000/team/model
        COPY --from=build / /build
        COPY --from=3 / /3
        COPY --from=4 / /4
        """
    findings = _findings(text, "ML701")
    assert rule_lines(findings, "ML701") == [1, 2, 4, 7]
    assert findings[0].span.column == 6 and "no tag" in findings[0].message
    assert "`:latest`" in findings[1].message


def test_ml701_args():
    text = """
        ARG PY=3.11
        ARG BASE=ubuntu
        ARG UNKNOWN
        ARG IMAGE=python:latest
        FROM python:${PY}-slim
        FROM ${BASE}
        FROM python:${UNKNOWN}
        FROM ${IMAGE}
        FROM ${UNKNOWN}
        COPY --from=0 / /0
        COPY --from=1 / /1
        COPY --from=2 / /2
        COPY --from=3 / /3
        """
    # a base that comes from an ARG default is reported at the ARG line, the place to edit
    assert _lines(text, "ML701") == [2, 4]


def test_ml701_moving_tags():
    text = """
        FROM ubuntu:rolling AS a
        FROM pytorch/torchserve:latest-gpu AS b
        FROM tensorflow/serving:2.1-nightly AS c
        FROM alpine:edge AS d
        FROM org/app:main AS e
        FROM org/app:master AS f
        FROM org/app:nightly AS g
        FROM org/app:mainline-1.2 AS h
        FROM nginx:1.27-alpine AS i
        FROM org/app:edge-2024.05
        COPY --from=a / /a
        COPY --from=b / /b
        COPY --from=c / /c
        COPY --from=d / /d
        COPY --from=e / /e
        COPY --from=f / /f
        COPY --from=g / /g
        COPY --from=h / /h
        COPY --from=i / /i
        """
    findings = _findings(text, "ML701")
    assert rule_lines(findings, "ML701") == [1, 2, 3, 4, 5, 6, 7]
    assert "uses `:rolling`, which moves" in findings[0].message


def test_ml701_arg_default_is_reported_once_at_the_arg():
    text = """
        ARG BASE_IMAGE=quay.io/jupyter/base-notebook
        ARG TAG=3.11
        FROM ${BASE_IMAGE} AS build
        RUN echo build
        FROM $BASE_IMAGE
        COPY --from=build /x /x
        """
    findings = _findings(text, "ML701")
    assert [(f.span.line, f.span.column) for f in findings] == [(1, 5)]
    message = findings[0].message
    assert "the default of `ARG BASE_IMAGE` on line 1" in message
    assert "`--build-arg BASE_IMAGE=...` overrides" in message
    assert message.startswith("`FROM ${BASE_IMAGE}` (`quay.io/jupyter/base-notebook`")


def test_ml701_literal_tag_after_an_arg_is_reported_at_the_from():
    text = """
        ARG REGISTRY=docker.io
        ARG TAG=latest
        FROM ${REGISTRY}/library/python:latest AS a
        FROM python:${TAG}
        COPY --from=a /x /x
        """
    assert _lines(text, "ML701") == [2, 3]
    findings = _findings(text, "ML701")
    assert "ARG" not in findings[1].message and "`ARG TAG`" in findings[0].message


def test_ml701_silent_for_stages_the_build_does_not_need():
    text = """
        FROM alpine AS unused
        RUN mkdir /x
        FROM python:3.11-slim
        """
    assert _lines(text, "ML701") == []


def test_ml701_stage_reference_is_case_insensitive():
    text = """
        FROM python:3.11-slim AS Builder
        FROM builder
        """
    assert _lines(text, "ML701") == []


def test_ml702_off_by_default_and_digest():
    text = """
        FROM python:3.11-slim AS build
        FROM python:3.11-slim@sha256:2ec5a4a5c3e919570f57675471f081d6299668d909feabd8d4803c6c61af666c
        FROM build
        FROM scratch
        """
    assert _lines(text, "ML702") == [1]
    assert rule_lines(lint(text, ["ML7"]), "ML702") == []


# ---------------------------------------------------------------------------------------------------------
# ML703


def test_requirement_pinned_table():
    cases = {
        "torch": False,
        "torch==2.3.1": True,
        "pkg===1.0": True,
        "numpy~=1.26": True,
        "transformers>=4.41,<5": True,
        "numpy<2": True,
        "pandas>=2": False,
        "x!=1": False,
        "jax[cuda12]==0.4.30": True,
        "jax[cuda12]": False,
        "./wheels/torch-2.3.1-cp311-none-linux_x86_64.whl": True,
        "/tmp/pkg.tar.gz": True,
        ".": True,
        "https://example.com/pkg-1.0.tar.gz": True,
        "pkg @ https://example.com/pkg-1.0.zip": True,
        "git+https://github.com/org/repo.git@v1.2#egg=repo": True,
        "git+https://github.com/org/repo.git": False,
        "git+ssh://git@github.com/org/repo.git": False,
        'torch==2.3.1; python_version >= "3.9"': True,
    }
    assert {text: requirement_pinned(text) for text in cases} == cases


def test_ml703_one_finding_per_install_command():
    text = """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir --upgrade pip setuptools wheel && \\
            # the serving stack
            pip install --no-cache-dir torch transformers==4.41.2 "fastapi>=0.110" \\
                --index-url https://download.pytorch.org/whl/cpu && \\
            python3 -m pip install -U 'numpy<2' scikit-learn
        RUN uv pip install --system polars
        """
    findings = _findings(text, "ML703")
    assert [(f.span.line, f.span.column) for f in findings] == [(4, 32), (6, 41), (7, 29)]
    assert "2 packages" in findings[0].message
    assert "`torch`, `fastapi>=0.110` (no upper bound)" in findings[0].message
    assert "`scikit-learn` is installed without a version" in findings[1].message


def test_ml703_unquoted_specifier_is_a_redirect():
    findings = _findings("FROM python:3.11-slim\nRUN pip install numpy>=1.2 scipy==1.13.1\n", "ML703")
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 17)]
    assert "shell redirect" in findings[0].message


def test_ml703_not_checked():
    text = """
        FROM python:3.11-slim AS build
        ARG TORCH_VERSION=2.3.1
        ARG EXTRA
        RUN pip install -r requirements.txt torch
        RUN pip install -c constraints.txt torch transformers
        RUN pip install --no-cache-dir -e . && pip install .[serve]
        RUN pip install torch==${TORCH_VERSION} $EXTRA $(cat extra.txt)
        RUN --mount=type=cache,target=/root/.cache/pip pip wheel --wheel-dir /wheels torch
        FROM python:3.11-slim
        ENV PIP_CONSTRAINT=/constraints.txt
        COPY --from=build /wheels /wheels
        RUN pip install --no-index --find-links /wheels torch
        """
    assert _lines(text, "ML703") == []


def test_ml703_resolved_arg_and_heredoc():
    text = """
        FROM python:3.11-slim
        ARG PKG=torch
        RUN pip install $PKG
        RUN <<EOF
        set -e
        pip install --no-cache-dir onnxruntime
        EOF
        """
    assert _lines(text, "ML703") == [3, 6]


def test_ml703_torch_companions_follow_a_pinned_torch():
    # every torchvision/torchaudio release requires one exact torch, so a pinned torch pins them too
    text = """
        FROM python:3.11-slim
        ARG TORCH_VERSION=2.5.1
        RUN pip install --no-cache-dir "torch==${TORCH_VERSION}" torchvision torchaudio \\
                --index-url https://download.pytorch.org/whl/cu124
        RUN uv pip install --system torch==${TORCH_VERSION}+cpu torchvision
        RUN pip install --no-cache-dir torch torchvision
        RUN pip install --no-cache-dir torch>=2.4 torchaudio
        """
    findings = _findings(text, "ML703")
    assert rule_lines(findings, "ML703") == [6, 7]
    # unpinned together, they are one matched set: one piece of advice, from one release
    assert "pin the set together, from one release (`torch==X.Y.Z torchvision==A.B.C`)" in findings[0].message
    assert "`torch`" in findings[1].message and "`torchaudio`" in findings[1].message


def test_ml703_ignore_packages_option():
    text = "FROM python:3.11-slim\nRUN pip install -U pip torch==2.3.1\n"
    assert _lines(text, "ML703") == []
    assert _lines(text, "ML703", rule_options={"ML703": {"ignore-packages": []}}) == [2]


def test_ml703_build_tooling_is_exempt():
    text = "FROM python:3.11-slim\nRUN pip install -U pip setuptools wheel packaging Setuptools_SCM==8.1.0\n"
    assert _lines(text, "ML703") == []


def test_ml703_option_values_are_not_packages():
    text = """
        FROM python:3.11-slim
        RUN uv pip install --system --index-strategy unsafe-best-match --resolution lowest --prerelease allow \\
                --link-mode copy --torch-backend cu124 -P numpy requests==2.32.3
        RUN pip install --progress-bar off --upgrade-strategy eager --root-user-action ignore --timeout 60 \\
                --exists-action w --retries 5 --report report.json numpy==2.1.3
        """
    assert _lines(text, "ML703") == []


def test_ml703_keeps_extras_in_the_advice():
    findings = _findings('FROM python:3.11-slim\nRUN pip install "jax[cuda12]" "tensorflow[and-cuda]"\n', "ML703")
    assert len(findings) == 1
    message = findings[0].message
    assert "`jax[cuda12]==X.Y.Z`" in message and "`tensorflow[and-cuda]==X.Y.Z`" in message
    single = _findings('FROM python:3.11-slim\nRUN pip install "jax[cuda12]"\n', "ML703")[0].message
    assert "pin it (`jax[cuda12]==X.Y.Z`)" in single


def test_ml703_nightlies_float_by_design():
    text = """
        FROM python:3.11-slim
        RUN pip install --pre torch torchvision --index-url https://download.pytorch.org/whl/nightly/cu124
        RUN pip install torchserve-nightly tf-nightly-gpu
        RUN pip install torch --index-url https://download.pytorch.org/whl/nightly/cu124
        RUN uv pip install --system --prerelease allow torch --index-url https://download.pytorch.org/whl/nightly/cpu
        RUN uv pip install --system --prerelease disallow torch --index-url https://download.pytorch.org/whl/nightly/cpu
        """
    assert _lines(text, "ML703") == [4, 6]


def test_ml703_floor_settled_by_a_project_install_in_the_same_run():
    text = """
        FROM python:3.11-slim
        COPY . /app
        RUN pip install "huggingface_hub>=1.5" && uv pip install --system -e /app
        RUN pip install "huggingface_hub>=1.5" kernels && pip install /app
        RUN pip install "huggingface_hub>=1.5"
        RUN pip install /app
        """
    findings = _findings(text, "ML703")
    assert rule_lines(findings, "ML703") == [4, 5]
    assert "`kernels` is installed without a version" in findings[0].message


def test_ml703_only_stages_the_shipped_image_needs():
    text = """
        FROM python:3.11-slim AS docs
        RUN pip install sphinx
        FROM python:3.11-slim AS build
        RUN pip install --target /deps requests
        FROM python:3.11-slim
        COPY --from=build /deps /deps
        """
    assert _lines(text, "ML703") == [4]


def test_ml703_variable_in_the_name():
    text = """
        FROM python:3.11-slim
        ARG SPEC
        RUN if [ "$(uname -m)" = "x86_64" ]; then TF_POSTFIX="-cpu"; else TF_POSTFIX=""; fi && \\
            pip install "tensorflow${TF_POSTFIX}"
        RUN PIN="==2.5.1" && pip install "torch${PIN}"
        RUN pip install "torch${SPEC}"
        """
    findings = _findings(text, "ML703")
    assert rule_lines(findings, "ML703") == [4]  # the word's line (the RUN starts on line 3)
    assert "`tensorflow${TF_POSTFIX}`" in findings[0].message


def test_ml703_pip_spelled_with_variables():
    text = """
        FROM python:3.11-slim
        ARG PYTHON_VERSION=3.11
        RUN python$PYTHON_VERSION -m pip install torchserve
        RUN "$VENV/bin/pip" install requests && "${CONDA_DIR}/envs/${env_name}/bin/pip" install httpx
        RUN ${PYTHON} -m pip install fastapi
        """
    assert _lines(text, "ML703") == [3, 4, 4, 5]


# ---------------------------------------------------------------------------------------------------------
# ML704


def test_ml704_unpinned_apt_packages():
    text = """
        FROM ubuntu:22.04
        ARG CURL_VERSION=7.81.0-1ubuntu1.16
        RUN apt-get update && \\
            apt-get install -y --no-install-recommends git=1:2.34.1-1ubuntu1.11 curl=${CURL_VERSION} \\
                ca-certificates ./local.deb && \\
            apt install -y $(cat packages.txt) && \\
            rm -rf /var/lib/apt/lists/*
        """
    findings = _findings(text, "ML704")
    assert [(f.span.line, f.span.column) for f in findings] == [(5, 9)]
    assert "`ca-certificates`" in findings[0].message
    assert rule_lines(lint(text, ["ML7"]), "ML704") == []


# ---------------------------------------------------------------------------------------------------------
# ML705 (the end-of-life tables are tested in test_rules_gpu.py)

EOL = {"rule_options": {"ML705": {"as-of": "2026-06-01"}}}


def test_ml705_arg_default_is_reported_once_at_the_arg():
    text = """
        ARG BASE_IMAGE=ubuntu:18.04
        ARG CUDA=11.8.0
        FROM ${BASE_IMAGE} AS compile-image
        RUN echo build
        FROM nvidia/cuda:${CUDA}-runtime-ubuntu20.04 AS cuda
        FROM ${BASE_IMAGE}
        COPY --from=compile-image /x /x
        COPY --from=cuda /y /y
        """
    findings = _findings(text, "ML705", **EOL)
    # the Ubuntu release of the CUDA stage is written in its FROM, not in `ARG CUDA`
    assert rule_lines(findings, "ML705") == [1, 5]
    assert "the default of `ARG BASE_IMAGE` on line 1" in findings[0].message
    assert "`--build-arg BASE_IMAGE=...` overrides" in findings[0].message
    assert "ARG" not in findings[1].message


def test_ml705_silent_for_stages_the_build_does_not_need():
    text = """
        FROM python:3.8-slim AS old
        RUN echo unused
        FROM python:3.12-slim
        """
    assert _lines(text, "ML705", **EOL) == []


# ---------------------------------------------------------------------------------------------------------
# ML706


def test_ml706_git_clone():
    text = f"""
        FROM python:3.11-slim
        RUN git clone https://github.com/facebookresearch/detectron2.git /opt/d2
        RUN git clone --depth 1 -b main https://github.com/org/a.git
        RUN git clone --depth 1 --branch v0.6 https://github.com/org/b.git
        RUN git clone https://github.com/org/c.git /c && \\
            cd /c && \\
            git checkout {SHA}
        RUN git clone https://github.com/org/d.git /d && git -C /d checkout main
        RUN git clone https://huggingface.co/org/model /m
        """
    findings = _findings(text, "ML706")
    assert rule_lines(findings, "ML706") == [2, 3, 8]
    assert findings[0].span.column == 5 and "detectron2" in findings[0].message


def test_ml706_ref_in_variables():
    text = """
        FROM python:3.11-slim
        ARG REF
        ARG BRANCH=develop
        RUN git clone -b "$REF" https://github.com/org/a.git
        RUN git clone --branch ${BRANCH} https://github.com/org/b.git
        """
    assert _lines(text, "ML706") == [5]


def test_ml706_ref_from_arg_with_unknown_part():
    text = """
        FROM python:3.11-slim
        ARG REPO=https://github.com/org/a.git
        ARG VERSION
        ARG REF=v${VERSION}
        RUN git clone --depth 50 --branch ${REF} ${REPO} /src \\
            || (git clone ${REPO} /src && cd /src && git fetch origin ${REF} && git checkout ${REF})
        """
    assert _lines(text, "ML706") == []


def test_ml706_debian_archive_component_main_is_not_a_branch():
    text = """
        FROM ubuntu:22.04
        RUN wget http://archive.ubuntu.com/ubuntu/pool/main/o/openssl/libssl1.1_1.1.1f-1ubuntu2_amd64.deb && \\
            curl -fsSLO http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Release && \\
            wget https://raw.githubusercontent.com/org/pool/main/setup.sh
        """
    assert _lines(text, "ML706") == [4]


def test_ml706_moving_urls():
    text = """
        FROM python:3.11-slim
        RUN curl -fsSL -o /usr/local/bin/yq https://github.com/mikefarah/yq/releases/latest/download/yq_linux_amd64
        RUN wget -q https://raw.githubusercontent.com/org/repo/main/install.sh && \\
            wget -q https://github.com/org/repo/archive/master.zip && \\
            curl -fsSLO https://github.com/org/repo/archive/refs/tags/v1.2.zip && \\
            curl -fsSL https://example.com/maintenance/mainframe.tar.gz -o /tmp/x.tgz
        RUN wget https://huggingface.co/org/m/resolve/main/model.safetensors
        """
    findings = _findings(text, "ML706")
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 37), (3, 13), (4, 13)]
    assert "`latest`" in findings[0].message and "`master`" in findings[2].message


def test_ml706_fetch_of_a_sha_and_platform_flag():
    text = f"""
        FROM --platform=$BUILDPLATFORM python:3.11-slim
        RUN git clone --depth 1 https://github.com/org/a.git /a && cd /a && \\
            git fetch --depth 1 origin {SHA} && git checkout FETCH_HEAD
        RUN git clone https://github.com/org/b.git /b && cd /b && git fetch origin main && git checkout origin/main
        """
    assert _lines(text, "ML706") == [4]
    assert _lines(text, "ML701") == []


def test_messages_do_not_repeat_credentials():
    text = """
        FROM python:3.11-slim
        RUN git clone https://oauth2:glpat-x1y2z3FAKE@gitlab.com/org/repo.git && \\
            pip install "git+https://user:ghp_FAKE@github.com/org/lib.git" "uvicorn[standard]"
        """
    messages = [f.message for f in lint(text, ["ML703", "ML706"])]
    assert len(messages) == 2 and not any("FAKE" in m for m in messages)
    assert any("`git clone https://***@gitlab.com/org/repo.git`" in m for m in messages)
    assert any("`git+https://***@github.com/org/lib.git` (no commit or tag)" in m for m in messages)
    assert any("`uvicorn[standard]`" in m for m in messages)


def test_ml703_builder_install_that_does_not_reach_the_image_is_silent():
    # `uv venv` seeds no pip: the plain `pip` of the builder installs into the system Python, which the final
    # stage does not copy (only the venv); with `python -m venv` pip lives in the venv, so tomli ships
    template = """
        FROM python:3.12-slim AS builder
        ENV VIRTUAL_ENV=/prod_venv
        RUN {make_venv} /prod_venv
        ENV PATH="/prod_venv/bin:$PATH"
        RUN pip install --no-cache-dir tomli && python licenses.py > /third_party.txt

        FROM python:3.12-slim
        COPY --from=builder /prod_venv /prod_venv
        COPY --from=builder /third_party.txt /third_party.txt
        CMD ["python", "-m", "app"]
        """
    assert rule_lines(lint(template.format(make_venv="uv venv"), ["ML703"]), "ML703") == []
    assert rule_lines(lint(template.format(make_venv="python -m venv"), ["ML703"]), "ML703") == [5]
    assert rule_lines(lint(template.format(make_venv="uv venv --seed"), ["ML703"]), "ML703") == [5]


def test_ml701_silent_on_images_the_pipeline_builds():
    local = 'ARG BASE_IMAGE=tritonserver_cibase\nFROM ${BASE_IMAGE}\nCMD ["bash"]\n'
    assert rule_lines(lint(local, ["ML701"], dedent=False), "ML701") == []
    chain = (
        "ARG REGISTRY=quay.io\nARG OWNER=jupyter\nARG BASE_IMAGE=$REGISTRY/$OWNER/scipy-notebook\n"
        "FROM $BASE_IMAGE\nRUN echo hi\n"
    )
    assert rule_lines(lint(chain, ["ML701"], dedent=False), "ML701") == []
    # an official image and a literal registry path still fire
    assert rule_lines(lint("FROM ubuntu\n", ["ML701"], dedent=False), "ML701") == [1]
    recipe = "ARG BASE_IMAGE=quay.io/jupyter/base-notebook\nFROM $BASE_IMAGE\n"
    assert rule_lines(lint(recipe, ["ML701"], dedent=False), "ML701") == [1]


def test_ml703_tooling_is_not_reported_but_runtime_packages_are():
    text = """
        FROM python:3.12-slim
        RUN pip install --no-cache-dir pytest ipython sphinx
        RUN pip install --no-cache-dir pytest requests
        """
    findings = [f for f in lint(text, ["ML703"]) if f.rule == "ML703"]
    assert [f.span.line for f in findings] == [3]
    assert "`requests`" in findings[0].message and "pytest" not in findings[0].message


def test_ml703_same_packages_in_both_branches_is_one_finding():
    text = """
        FROM python:3.12-slim
        RUN if [ -n "$CI" ]; then pip install --no-cache-dir genai-perf; else pip install genai-perf; fi
        """
    assert _lines(text, "ML703") == [2]


def test_ml701_nightly_repository_floats_by_design():
    assert _lines("FROM pytorch/torchserve-nightly:latest-gpu\n", "ML701") == []
    assert _lines("FROM pytorch/torchserve:latest-gpu\n", "ML701") == [1]
