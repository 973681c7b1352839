"""ML201 fat-base-image: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import lint
from .helpers import lines


@pytest.mark.parametrize(
    "image",
    ["python", "python:3.11", "python:3.11.9", "python:3", "python:latest", "python:3.11-bookworm", "python:bullseye",
     "docker.io/library/python:3.12", "python:3.13.0rc1-bookworm", "continuumio/anaconda3:2024.02-1",
     "continuumio/anaconda3"],
)  # fmt: skip
def test_ml201_fat_images(image):
    assert lines(f"FROM {image}\nRUN echo hi\n", "ML201") == [1]


@pytest.mark.parametrize(
    "image",
    ["python:3.11-slim", "python:3.11-slim-bookworm", "python:slim", "python:3.12-alpine3.20", "python:alpine",
     "python:3.11-windowsservercore-ltsc2022", "nvidia/cuda:12.1.0-devel-ubuntu22.04",
     "pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime", "tensorflow/tensorflow:2.16.1-gpu",
     "continuumio/miniconda3:24.4.0-0", "ubuntu:22.04", "python@sha256:" + "a" * 64, "mypython:3.11",
     "ghcr.io/acme/python:3.11", "scratch"],
)  # fmt: skip
def test_ml201_lean_or_other_images_are_silent(image):
    assert lines(f"FROM {image}\nRUN echo hi\n", "ML201") == []


def test_ml201_message_suggests_the_slim_tag():
    findings = lint("FROM python:3.11-bookworm\n", ["ML201"])
    assert "`python:3.11-slim-bookworm`" in findings[0].message
    assert findings[0].span.column == 6  # points at the image word
    assert "`python:slim`" in lint("FROM python\n", ["ML201"])[0].message


def test_ml201_arg_substituted_image():
    text = """
        ARG PYTHON_VERSION=3.11
        FROM python:${PYTHON_VERSION}
        RUN pip install --no-cache-dir numpy==1.26.4
        """
    assert lines(text, "ML201") == [2]
    findings = lint(text, ["ML201"])
    assert "`python:3.11-slim`" in findings[0].message


def test_ml201_arg_without_default_is_unknown():
    assert lines("ARG BASE\nFROM python:${BASE}\n", "ML201") == []
    assert lines("ARG TAG=3.11-slim\nFROM python:${TAG}\n", "ML201") == []


def test_ml201_only_the_final_stage():
    text = """
        FROM python:3.11 AS builder
        RUN pip wheel --no-cache-dir -w /wheels psycopg2==2.9.9

        from python:3.11-slim
        COPY --from=builder /wheels /wheels
        """
    assert lines(text, "ML201") == []
    # --target picks the builder: it is what ships then
    assert lines(text, "ML201", target="builder") == [1]


def test_ml201_follows_stage_lineage():
    text = """
        FROM python:3.11-bookworm AS base
        ENV PYTHONUNBUFFERED=1

        FROM base AS app
        COPY . /app
        """
    assert lines(text, "ML201") == [1]


def test_ml201_allowed_images_option():
    options = {"ML201": {"allowed-images": ["python:3.11"]}}
    assert lines("FROM python:3.11-bookworm\n", "ML201", rule_options=options) == []
    assert lines("FROM python:3.11\n", "ML201", rule_options=options) == []
    # a prefix stops at a tag boundary: 3.1 does not cover 3.11
    assert lines("FROM python:3.11\n", "ML201", rule_options={"ML201": {"allowed-images": ["python:3.1"]}}) == [1]
    assert lines("FROM python:3.12\n", "ML201", rule_options=options) == [1]
    assert lines("FROM python:3.12\n", "ML201", rule_options={"ML201": {"allowed-images": ["python"]}}) == []
    assert lines("FROM python:3.12\n", "ML201", rule_options={"ML201": {"allowed-images": ["python:3.*"]}}) == []
    anaconda = {"ML201": {"allowed-images": ["continuumio/anaconda3"]}}
    assert lines("FROM continuumio/anaconda3:2024.02-1\n", "ML201", rule_options=anaconda) == []
