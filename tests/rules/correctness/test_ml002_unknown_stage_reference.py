"""ML002 unknown-stage-reference: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint
from .helpers import lines, messages


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
