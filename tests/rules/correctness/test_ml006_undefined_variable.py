"""ML006 undefined-variable: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint
from .helpers import lines


def test_ml006_from_uses_undeclared_variable():
    text = """
        ARG CUDA=12.1.1
        FROM nvidia/cuda:${CUDA}-runtime-ubuntu${UBUNTU}
        """
    findings = lint(text, ["ML006"])
    assert [(f.span.line, f.span.column, f.span.end_column) for f in findings] == [(2, 40, 49)]
    assert "ARG UBUNTU=<default>" in findings[0].message


def test_ml006_from_sees_only_global_args():
    text = """
        FROM python:3.11 AS build
        ARG PY=3.11
        FROM python:${PY}-slim
        """
    findings = lint(text, ["ML006"])
    assert [f.span.line for f in findings] == [3]
    assert "inside a stage" in findings[0].message


def test_ml006_defaults_builtins_and_global_args_in_from_are_fine():
    text = """
        ARG PY=3.11
        ARG BASE
        FROM --platform=$BUILDPLATFORM python:${PY}-slim AS build
        ARG TARGETARCH
        COPY --chown=app . /src/${TARGETARCH}
        FROM ${BASE:-python:3.11-slim}
        ARG PY
        LABEL python=$PY arch=$TARGETPLATFORM
        WORKDIR /opt/${APP_DIR:-app}
        """
    assert lines(text, "ML006") == []


def test_ml006_global_arg_not_redeclared_in_stage():
    text = """
        ARG MODEL_DIR=/models
        FROM python:3.11-slim
        ENV HF_HOME=$MODEL_DIR/hf
        COPY model.safetensors ${MODEL_DIR}/
        """
    findings = lint(text, ["ML006"])
    assert [f.span.line for f in findings] == [3, 4]
    assert "add `ARG MODEL_DIR` inside this stage" in findings[0].message


def test_ml006_used_before_defined_later_in_stage():
    text = """
        FROM python:3.11-slim
        WORKDIR $APP_HOME
        ENV APP_HOME=/srv/app
        USER ${APP_USER}
        ARG APP_USER=app
        """
    assert lines(text, "ML006") == [2, 4]


def test_ml006_same_env_instruction_uses_old_value():
    text = """
        FROM python:3.11-slim
        ENV MODEL_ROOT=/models \\
            HF_HOME=$MODEL_ROOT/hf
        """
    findings = lint(text, ["ML006"])
    assert [f.span.line for f in findings] == [3]
    assert "same ENV" in findings[0].message


def test_ml006_path_extensions_are_fine():
    # PATH and friends come from the base image: extending them is not undefined.
    text = """
        FROM python:3.11-slim
        ENV PATH=/opt/venv/bin:$PATH
        ENV LD_LIBRARY_PATH=/usr/local/cuda/lib64:${LD_LIBRARY_PATH}
        ENV PATH=/root/.local/bin:$PATH
        USER $NB_USER
        WORKDIR $HOME
        """
    assert lines(text, "ML006") == []


def test_ml006_later_arg_extending_the_same_variable_is_not_a_definition():
    # The later ARG extends a PATH the base image sets; the ENV before it is not using an undefined variable.
    text = """
        FROM ubuntu:24.04
        ENV PATH="/opt/env/bin:${PATH}"
        ARG PATH="/opt/env/bin:${PATH}"
        """
    assert lines(text, "ML006") == []


def test_ml006_arg_from_other_stage():
    text = """
        FROM python:3.11 AS builder
        ARG WHEEL_DIR=/wheels
        RUN pip wheel -w $WHEEL_DIR numpy==1.26.4
        FROM builder AS test
        RUN echo
        FROM python:3.11-slim
        COPY --from=builder $WHEEL_DIR /wheels
        """
    findings = lint(text, ["ML006"])
    assert [f.span.line for f in findings] == [7]
    assert "in a stage this one is not built FROM" in findings[0].message
    assert "do not cross stages" not in findings[0].message


def test_ml006_arg_inherited_from_the_parent_stage():
    # BuildKit: "arguments and variables are inherited from parent stages" (LocalAI's builder-base)
    text = """
        FROM ubuntu:24.04 AS parent
        ARG CUDA_MAJOR_VERSION=12
        FROM parent AS child
        ENV NVIDIA_REQUIRE_CUDA="cuda>=${CUDA_MAJOR_VERSION}.0"
        FROM child AS grandchild
        LABEL cuda=${CUDA_MAJOR_VERSION}
        USER 1000
        """
    assert lint(text, ["ML006"]) == []


def test_ml006_nested_global_arg_defaults():
    text = """
        ARG REGISTRY=quay.io
        ARG OWNER=jupyter
        ARG BASE_IMAGE=$REGISTRY/$OWNER/base-notebook
        ARG BROKEN=$NOWHERE/image
        FROM $BASE_IMAGE
        """
    findings = lint(text, ["ML006"])
    assert [(f.span.line, "NOWHERE" in f.message) for f in findings] == [(4, True)]


def test_ml006_scratch_stage_has_no_image_env():
    text = """
        FROM golang:1.22 AS build
        ENV BIN=/out/server
        FROM scratch
        COPY --from=build ${BIN} /server
        EXPOSE $PORT
        """
    assert lines(text, "ML006") == [4, 5]


def test_ml006_run_cmd_entrypoint_healthcheck_and_quotes_are_skipped():
    # a scratch stage: anything undefined in an expanded instruction would be reported
    text = """
        FROM scratch
        RUN echo $UNDEFINED_A && pip install --no-cache-dir "numpy==${NUMPY}"
        RUN <<EOF
        echo $UNDEFINED_B
        EOF
        CMD echo $PORT
        ENTRYPOINT ["sh", "-c", "exec uvicorn app:app --port $PORT"]
        HEALTHCHECK CMD curl -f http://localhost:$PORT/ || exit 1
        ENV GREETING='costs $5 and $NOT_A_VAR' ESCAPED=\\$ALSO_NOT
        """
    assert lines(text, "ML006") == []


def test_ml006_lowercase_and_quotes_in_scratch_stage():
    text = """
        from scratch
        label version="${VERSION}" note='$LITERAL'
        """
    assert lines(text, "ML006") == [2]


def test_ml006_global_arg_default_referencing_undeclared_arg():
    text = """
        ARG BASE_TAG=${CUDA}-runtime
        FROM nvidia/cuda:${BASE_TAG}
        """
    assert lines(text, "ML006") == [1]


def test_ml006_scratch_quoted_label_key_and_path():
    text = """
        FROM scratch
        LABEL "org.opencontainers.image.version"="${VERSION}"
        ENV PATH=/bin:$PATH
        """
    assert lines(text, "ML006") == [2]
