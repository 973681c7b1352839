"""ML901 base-image-not-allowed."""

from __future__ import annotations

from .helpers import lines, policy_lint

REGISTRIES = '[policy]\nallowed-registries = ["nvcr.io", "registry.corp"]\n'


def test_fires_on_a_registry_outside_the_policy_with_arg_defaults_resolved(tmp_path):
    findings = policy_lint(
        tmp_path,
        REGISTRIES,
        """
        ARG BASE=python:3.11
        FROM ${BASE} AS build
        FROM nvcr.io/nvidia/pytorch:24.01-py3
        """,
    )
    assert lines(findings, "ML901") == [2]
    message = findings[0].message
    assert "`FROM python:3.11` (registry docker.io) is not in `allowed-registries`" in message
    assert str(tmp_path / ".mllint.toml") in message
    assert findings[0].policy == (str(tmp_path / ".mllint.toml"), "allowed-registries")


def test_passes_allowed_registry_stage_reference_scratch_and_unknown_arg(tmp_path):
    findings = policy_lint(
        tmp_path,
        REGISTRIES,
        """
        ARG TAG
        FROM registry.corp/ml/python:3.11 AS build
        FROM build AS test
        FROM ${UNKNOWN_IMAGE}
        FROM scratch
        COPY --from=build /app /app
        """,
    )
    assert lines(findings, "ML901") == []


def test_allowed_images_globs_segment_and_across(tmp_path):
    policy = '[policy]\nallowed-images = ["nvcr.io/nvidia/*", "registry.corp/ml/**", "python:3.11-slim"]\n'
    ok = """
    FROM nvcr.io/nvidia/pytorch:24.01-py3
    FROM registry.corp/ml/team/base:1
    FROM docker.io/library/python:3.11-slim
    """
    assert lines(policy_lint(tmp_path, policy, ok), "ML901") == []
    bad = """
    FROM nvcr.io/nvidia/team/pytorch:1
    FROM python:3.11
    """
    assert lines(policy_lint(tmp_path, policy, bad), "ML901") == [1, 2]


def test_denied_images_win_over_allowed_registries(tmp_path):
    policy = REGISTRIES + 'denied-images = ["nvcr.io/nvidia/tensorflow"]\n'
    findings = policy_lint(tmp_path, policy, "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n")
    assert lines(findings, "ML901") == [1] and "`denied-images`" in findings[0].message
    assert lines(policy_lint(tmp_path, policy, "FROM nvcr.io/nvidia/pytorch:24.01-py3\n"), "ML901") == []


def test_docker_hub_registry_spellings(tmp_path):
    policy = '[policy]\nallowed-registries = ["index.docker.io"]\n'
    assert lines(policy_lint(tmp_path, policy, "FROM python:3.11-slim\n"), "ML901") == []
    assert lines(policy_lint(tmp_path, policy, "FROM ghcr.io/org/img:1\n"), "ML901") == [1]
