"""ML705 eol-base-image: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import lint, rule_lines
from .helpers import EOL, _findings, _lines


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


def test_ml705_a_builder_on_the_shipped_base_is_one_finding_on_the_shipped_stage():
    text = """
        FROM python:3.8-slim AS build
        RUN python -m venv /opt/venv
        FROM python:3.8-slim
        COPY --from=build /opt/venv /opt/venv
        CMD ["/opt/venv/bin/python"]
        """
    assert [f.span.line for f in lint(text, ["ML705"], rule_options={"ML705": {"as-of": "2026-11-25"}})] == [3]
    other = text.replace("FROM python:3.8-slim AS build", "FROM python:3.7-slim AS build")
    assert [f.span.line for f in lint(other, ["ML705"], rule_options={"ML705": {"as-of": "2026-11-25"}})] == [1, 3]


def test_ml705_a_cuda_release_with_no_image_on_a_supported_ubuntu_is_info():
    """nvidia/cuda 11.4 exists only up to Ubuntu 20.04: "move to a supported release" cannot be followed without
    changing CUDA (Qwen's cu114 image exists to provide 11.4)."""
    options = {"ML705": {"as-of": "2026-11-25"}}

    def only(image: str):
        [finding] = lint(f"FROM {image}\n", ["ML705"], dedent=False, rule_options=options)
        return finding

    finding = only("nvidia/cuda:11.4.3-cudnn8-runtime-ubuntu20.04")
    assert finding.severity.value == "info" and "CUDA 11.7 or later" in finding.message
    assert only("nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu20.04").severity.value == "warning"
