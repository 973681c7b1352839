"""ML701 base-image-unpinned: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint, rule_lines
from .helpers import _findings, _lines


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


def test_ml701_nightly_repository_floats_by_design():
    assert _lines("FROM pytorch/torchserve-nightly:latest-gpu\n", "ML701") == []
    assert _lines("FROM pytorch/torchserve:latest-gpu\n", "ML701") == [1]


def test_ml701_moving_tag_from_an_arg_points_at_the_arg():
    text = """
        ARG BASE_IMAGE=pytorch/torchserve:latest-gpu
        ARG CHANNEL=2.1-nightly
        FROM $BASE_IMAGE AS server
        FROM tensorflow/serving:${CHANNEL}
        COPY --from=server /x /x
        """
    findings = _findings(text, "ML701")
    assert [(f.span.line, f.span.column) for f in findings] == [(1, 5), (2, 5)]
    assert "uses `:latest-gpu`" in findings[0].message
    assert "`--build-arg BASE_IMAGE=...` overrides" in findings[0].message
    assert "uses `:2.1-nightly`" in findings[1].message and "`--build-arg CHANNEL=...` overrides" in findings[1].message
    # components only: `latest`/`nightly` inside a word (`latestfix`, `nightlyish`) is a version tag
    assert _lines("FROM org/app:1.0-latestfix\n", "ML701") == []


def test_ml701_severity_follows_how_much_moves():
    """A written `:latest` warns; an ARG default (a pipeline may pass `--build-arg`) and a tag whose version
    parts are pinned (`latest-rust-1.92-bookworm`) are info."""
    from dockerlint_ml.model import Severity

    written = lint('FROM python:latest\nCMD ["python"]\n', ["ML701"])
    from_arg = lint('ARG BASE=python:latest\nFROM ${BASE}\nCMD ["python"]\n', ["ML701"])
    partly = lint("FROM lukemathwalker/cargo-chef:latest-rust-1.92-bookworm AS chef\nFROM chef\n", ["ML701"])
    assert [f.severity for f in written] == [Severity.WARNING]
    assert [f.severity for f in from_arg] == [Severity.INFO] and from_arg[0].span.line == 1
    assert [f.severity for f in partly] == [Severity.INFO] and "version parts are pinned" in partly[0].message
