"""ML005 relative-workdir: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint
from .helpers import lines


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


def test_ml005_names_the_path_it_resolves_to_from_the_base_workdir():
    findings = lint("FROM golang:1.25\nRUN git clone https://x/y.git\nWORKDIR y\n", ["ML005"], dedent=False)
    assert "`/go/y`" in findings[0].message  # golang's WORKDIR is /go: `/y` would break the build
    findings = lint("FROM python:3.12-slim\nWORKDIR ./srv\nWORKDIR app\n", ["ML005"], dedent=False)
    assert "`/srv/app`" in findings[1].message
    findings = lint("FROM example.com/unknown:1\nWORKDIR app\n", ["ML005"], dedent=False)
    assert "base image's WORKDIR joined with it" in findings[0].message


def test_ml005_is_silent_after_an_absolute_workdir_of_the_build():
    """The stated risk is a base image moving the directory: once this Dockerfile (this stage or one it is
    built FROM) chose an absolute WORKDIR, a relative one resolves against it whatever the base does."""
    text = """
        FROM ubuntu:22.04 AS base
        WORKDIR /app
        COPY pyproject.toml build/pkg/
        WORKDIR build/pkg/
        FROM base
        WORKDIR sub
        FROM ubuntu:22.04
        ARG ROOT=/srv
        WORKDIR ${ROOT}
        WORKDIR models
        FROM ubuntu:22.04
        WORKDIR models
        WORKDIR /models
        """
    assert lines(text, "ML005") == [12]
