"""ML008 invalid-default-arg-in-from: detection and near-misses."""

from __future__ import annotations

from ...conftest import lint, rule_lines


def _lines(text: str) -> list[int]:
    return rule_lines(lint(text, ["ML008"], dedent=False), "ML008")


def test_ml008_fires_when_the_empty_value_breaks_the_reference():
    cuda = "ARG CUDA_VERSION\nFROM nvidia/cuda:${CUDA_VERSION}-runtime-ubuntu22.04\n"
    findings = lint(cuda, ["ML008"], dedent=False)
    assert rule_lines(findings, "ML008") == [2] and findings[0].span.column == 6
    message = findings[0].message
    assert "needs `ARG CUDA_VERSION` (line 1), which has no default" in message
    assert "`nvidia/cuda:-runtime-ubuntu22.04`" in message and "`ARG CUDA_VERSION=<value>`" in message
    base = "ARG BASE_IMAGE\nFROM $BASE_IMAGE AS build\nRUN make\nFROM ${BASE_IMAGE}\n"
    assert _lines(base) == [2, 4]
    assert "an empty image name" in lint(base, ["ML008"], dedent=False)[0].message
    assert _lines("ARG TAG\nFROM python:${TAG}\n") == [2]
    assert _lines("ARG REGISTRY\nFROM ${REGISTRY}/org/app:1.0\n") == [2]
    # the stage the author meant (`dev-image`) is not what an empty BUILD_TYPE names
    assert _lines("ARG BUILD_TYPE\nFROM python:3.11 AS dev-image\nFROM ${BUILD_TYPE}-image\n") == [3]
    # an empty default is no better
    empty = lint('ARG REG=""\nFROM ${REG}/python:3.11\n', ["ML008"], dedent=False)
    assert rule_lines(empty, "ML008") == [2] and "has an empty default" in empty[0].message


def test_ml008_redeclared_arg_with_a_default_somewhere_stays_silent():
    assert _lines("ARG V\nARG V=3.11\nFROM python:${V}\n") == []
    assert _lines("ARG V=3.11\nARG V\nFROM python:${V}\n") == []
    findings = lint("ARG V\nARG W=1\nARG V\nFROM python:${V}\n", ["ML008"], dedent=False)
    assert "(line 3)" in findings[0].message


def test_ml008_silent_when_a_value_can_be_assumed():
    near_misses = [
        "ARG SUFFIX\nFROM python:3.11${SUFFIX}\n",  # `python:3.11` is valid
        "ARG V\nFROM python:${V:-3.11}-slim\n",  # the FROM gives its own default
        "ARG V\nFROM python:3.11${V:+-slim}\n",
        "ARG V=3.11\nFROM python:${V}\n",
        'ARG CUDNN_VERSION=""\nFROM nvidia/cuda:12.6.3-cudnn$CUDNN_VERSION-devel-ubuntu22.04\n',
        "ARG TARGETARCH\nFROM org/img-${TARGETARCH}:1.0\n",  # BuildKit sets it
        "FROM python:${PY}\n",  # undeclared: ML006's business
        "ARG T\nFROM python:3.11 AS image\nFROM image${T}\n",  # still names the stage
        "FROM python:3.11\nARG X\nRUN echo $X\n",  # a stage ARG, not in FROM
        "ARG A\nARG B=python:${A:-3.11}\nFROM $B\n",
        # the file documents the build command that passes it
        "# docker build --build-arg CUDA_VERSION=12.4.1 .\nARG CUDA_VERSION\n"
        "FROM nvidia/cuda:${CUDA_VERSION}-runtime-ubuntu22.04\n",
        # broken whatever the ARG holds: not this rule's finding
        "ARG V\nFROM Python:${V}\n",
    ]
    for text in near_misses:
        assert _lines(text) == [], text
