"""ML0xx: Dockerfile correctness rules (ML002-ML006)."""

from __future__ import annotations

from .conftest import lint, rule_lines


def lines(text: str, rule: str) -> list[int]:
    return rule_lines(lint(text, [rule]), rule)


def messages(text: str, rule: str) -> list[str]:
    return [f.message for f in lint(text, [rule]) if f.rule == rule]


# --- ML001 syntax-error -----------------------------------------------------------------------------------


def test_ml001_shell_test_command_is_not_broken_exec_form():
    text = """
        FROM ubuntu:24.04
        ARG FALLBACK_URL
        RUN --mount=type=secret,id=url,env=URL,required=false \\
            [ -n "${URL}" ] || URL="${FALLBACK_URL}"; \\
            curl -fsSL -o /tmp/x.tgz "${URL}"
        RUN [[ -f /etc/os-release ]] && cat /etc/os-release
        CMD [ -f /app/ready ] && exec /app/serve
        """
    assert lines(text, "ML001") == []


def test_ml001_single_quoted_exec_form_still_reported():
    text = """
        FROM ubuntu:24.04
        CMD [ 'python', 'app.py' ]
        ENTRYPOINT ['python']
        """
    assert lines(text, "ML001") == [2, 3]


# --- ML002 unknown-stage-reference ------------------------------------------------------------------------


def test_ml002_copy_from_stage_defined_later():
    text = """
        FROM python:3.11-slim AS app
        COPY --from=builder /wheels /wheels
        FROM python:3.11 AS builder
        RUN pip wheel -w /wheels numpy==1.26.4
        """
    assert lines(text, "ML002") == [2]
    assert "defined later (line 3)" in messages(text, "ML002")[0]


def test_ml002_points_at_the_flag_value():
    findings = lint(
        """
        FROM python:3.11 AS builder
        FROM python:3.11-slim
        COPY --from=bulder /wheels /wheels
        """,
        ["ML002"],
    )
    assert [(f.span.line, f.span.column, f.span.end_column) for f in findings] == [(3, 13, 19)]
    assert "did you mean `builder`" in findings[0].message


def test_ml002_images_and_earlier_stages_are_fine():
    text = """
        ARG UV=0.4.18
        FROM python:3.11 AS Builder
        RUN pip wheel -w /wheels numpy==1.26.4
        FROM python:3.11-slim
        COPY --from=builder /wheels /wheels
        COPY --from=BUILDER /wheels /w2
        COPY --from=0 /wheels /w3
        COPY --from=python:3.11 /usr/local/bin/python3 /opt/py
        COPY --from=ghcr.io/astral-sh/uv:${UV} /uv /bin/uv
        COPY --from=busybox /bin/busybox /bin/busybox
        copy --from=nvidia/cuda:12.1.1-runtime-ubuntu22.04 /usr/local/cuda /usr/local/cuda
        RUN --mount=type=bind,from=builder,source=/wheels,target=/w \\
            pip install --no-cache-dir /w/*.whl
        """
    assert lines(text, "ML002") == []


def test_ml002_numeric_index_must_be_an_earlier_stage():
    text = """
        FROM python:3.11 AS builder
        RUN echo
        FROM python:3.11-slim
        COPY --from=0 /a /a
        COPY --from=1 /b /b
        COPY --from=5 /c /c
        """
    assert lines(text, "ML002") == [5, 6]


def test_ml002_run_mount_from():
    text = """
        FROM python:3.11-slim
        # comment line
        RUN --mount=type=cache,target=/root/.cache/pip \\
            --mount=type=bind,from=deps,source=/wheels,target=/wheels \\
            pip install /wheels/*.whl
        FROM python:3.11 AS deps
        RUN pip wheel -w /wheels numpy==1.26.4
        """
    findings = lint(text, ["ML002"])
    assert [(f.span.line, f.span.column) for f in findings] == [(4, 28)]


def test_ml002_from_names_a_stage_defined_later():
    text = """
        FROM base
        RUN echo
        FROM ubuntu:22.04 AS base
        """
    assert lines(text, "ML002") == [1]


def test_ml002_from_image_named_like_its_own_stage_is_fine():
    text = """
        FROM node AS node
        RUN echo
        FROM python AS python
        FROM python
        COPY --from=node /usr/local/bin/node /usr/local/bin/node
        """
    assert lines(text, "ML002") == []


def test_ml002_copy_from_current_stage():
    text = """
        FROM python:3.11 AS build
        COPY --from=build /a /b
        """
    assert lines(text, "ML002") == [2]


def test_ml002_arg_in_from_flag_is_expanded_and_unknown_is_silent():
    text = """
        FROM python:3.11 AS builder
        FROM python:3.11-slim
        ARG SRC=bilder
        ARG OTHER
        COPY --from=${SRC} /a /a
        COPY --from=$OTHER /b /b
        """
    assert lines(text, "ML002") == [5]


# --- ML003 duplicate-stage-name ---------------------------------------------------------------------------


def test_ml003_duplicate_names_case_insensitive():
    text = """
        FROM python:3.11 AS build
        RUN echo
        FROM python:3.11 as Build
        FROM python:3.11-slim AS final
        """
    findings = lint(text, ["ML003"])
    assert [(f.span.line, f.span.column) for f in findings] == [(3, 21)]
    assert "line 1" in findings[0].message


def test_ml003_distinct_names_and_unnamed_stages():
    text = """
        FROM python:3.11 AS build
        FROM python:3.11 AS build-gpu
        FROM python:3.11
        FROM python:3.11
        """
    assert lines(text, "ML003") == []


# --- ML004 overridden-instruction -------------------------------------------------------------------------


def test_ml004_earlier_cmd_entrypoint_healthcheck_reported():
    text = """
        FROM python:3.11-slim
        CMD ["python", "serve.py"]
        HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1
        ENTRYPOINT ["tini", "--"]
        cmd ["uvicorn", "app:app"]
        HEALTHCHECK NONE
        ENTRYPOINT ["/entrypoint.sh"]
        """
    assert lines(text, "ML004") == [2, 3, 4]


def test_ml004_one_per_stage_is_fine():
    text = """
        FROM python:3.11 AS builder
        CMD ["python", "build.py"]
        ENTRYPOINT ["sh"]
        FROM builder
        CMD ["python", "serve.py"]
        ENTRYPOINT ["tini", "--"]
        ONBUILD CMD ["x"]
        """
    assert lines(text, "ML004") == []


# --- ML005 relative-workdir -------------------------------------------------------------------------------


def test_ml005_relative_paths():
    text = """
        FROM python:3.11-slim
        WORKDIR app
        WORKDIR ./src
        workdir ~/models
        """
    findings = lint(text, ["ML005"])
    assert [f.span.line for f in findings] == [2, 3, 4]
    assert "`/app`" in findings[0].message
    assert "`~` is not expanded" in findings[2].message


def test_ml005_absolute_variable_and_windows_paths_are_fine():
    text = """
        ARG HOME_DIR=/srv
        FROM python:3.11-slim
        WORKDIR /app
        WORKDIR "/opt/ml model"
        ARG HOME_DIR
        WORKDIR $HOME_DIR/app
        WORKDIR ${HOME_DIR}
        WORKDIR C:\\app
        WORKDIR c:/models
        """
    assert lines(text, "ML005") == []


# --- ML006 undefined-variable -----------------------------------------------------------------------------


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


def test_ml005_names_the_path_it_resolves_to_from_the_base_workdir():
    findings = lint("FROM golang:1.25\nRUN git clone https://x/y.git\nWORKDIR y\n", ["ML005"], dedent=False)
    assert "`/go/y`" in findings[0].message  # golang's WORKDIR is /go: `/y` would break the build
    findings = lint("FROM python:3.12-slim\nWORKDIR /srv\nWORKDIR app\n", ["ML005"], dedent=False)
    assert "`/srv/app`" in findings[0].message
    findings = lint("FROM example.com/unknown:1\nWORKDIR app\n", ["ML005"], dedent=False)
    assert "base image's WORKDIR joined with it" in findings[0].message
