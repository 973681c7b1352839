"""ML402 healthcheck-tool-missing: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint
from .helpers import _lines


def test_ml402_curl_on_slim_points_at_curl():
    text = """
        FROM python:3.11-slim
        HEALTHCHECK --interval=30s CMD curl -fsS http://localhost:8000/health || exit 1
        CMD ["uvicorn", "app:app"]
    """
    findings = [f for f in lint(text, ["ML402"]) if f.rule == "ML402"]
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 32)]
    assert "curl" in findings[0].message


def test_ml402_exec_form_wget_on_cuda():
    text = """
        FROM nvidia/cuda:12.1.0-runtime-ubuntu22.04
        HEALTHCHECK CMD ["wget", "-q", "-O-", "http://localhost:8080/"]
        CMD ["python3", "-m", "http.server", "8080"]
    """
    findings = [f for f in lint(text, ["ML402"]) if f.rule == "ML402"]
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 18)]


def test_ml402_silent_when_the_base_has_the_tool():
    assert _lines("FROM python:3.11\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n", "ML402") == []
    assert _lines("FROM python:3.12-alpine\nHEALTHCHECK CMD wget -qO- http://localhost/ || exit 1\n", "ML402") == []
    assert _lines("FROM python:3.12-alpine\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n", "ML402") == [2]


def test_ml402_silent_when_installed_in_the_final_stage():
    text = """
        FROM python:3.11-slim
        RUN apt-get update \\
            # curl for the healthcheck
            && apt-get install -y --no-install-recommends \\
                ca-certificates \\
                curl=7.88.1-10+deb12u5 \\
            && rm -rf /var/lib/apt/lists/*
        HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1
        CMD ["uvicorn", "app:app"]
    """
    assert _lines(text, "ML402") == []


def test_ml402_installed_only_in_a_builder_stage_fires():
    text = """
        FROM python:3.11-slim AS build
        RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
        RUN curl -fsSL https://example.com/model.tar.gz -o /model.tar.gz
        FROM python:3.11-slim
        COPY --from=build /model.tar.gz /model.tar.gz
        HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1
    """
    assert _lines(text, "ML402") == [6]


def test_ml402_installed_in_the_parent_stage_or_by_heredoc_or_copy():
    parent = """
        FROM python:3.11-slim AS base
        RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl
        FROM base
        HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1
    """
    assert _lines(parent, "ML402") == []
    heredoc = """
        # syntax=docker/dockerfile:1
        FROM debian:bookworm-slim
        RUN <<EOF
        set -e
        apt-get update
        apt-get install -y --no-install-recommends wget
        rm -rf /var/lib/apt/lists/*
        EOF
        HEALTHCHECK CMD wget -qO- http://localhost:8000/ || exit 1
    """
    assert _lines(heredoc, "ML402") == []
    copied = """
        FROM gcr.io/distroless/python3-debian12
        COPY --from=curlimages/curl:8.7.1 /usr/bin/curl /usr/bin/curl
        HEALTHCHECK CMD ["/usr/bin/curl", "-f", "http://localhost:8000/"]
    """
    assert _lines(copied, "ML402") == []
    apk = "FROM alpine:3.19\nRUN apk add --no-cache curl\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n"
    assert _lines(apk, "ML402") == []


def test_ml402_tool_used_by_a_shipped_run_is_present():
    text = """
        FROM ubuntu:22.04
        RUN /opt/bootstrap/install-tools.sh \\
            && curl -fsSL https://example.com/app.tar.gz | tar -xz -C /opt
        HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1
    """
    assert _lines(text, "ML402") == []


def test_ml402_unknown_is_silent():
    for base in ("registry.example.com/ml/base:1", "${BASE}"):
        text = f"ARG BASE\nFROM {base}\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n"
        assert _lines(text, "ML402") == [], base
    packages_from_arg = """
        FROM ubuntu:22.04
        ARG PKGS
        RUN apt-get update && apt-get install -y $PKGS
        HEALTHCHECK CMD curl -f http://localhost/ || exit 1
    """
    assert _lines(packages_from_arg, "ML402") == []


def test_ml402_arg_image_and_only_the_effective_healthcheck():
    text = """
        ARG PY=3.12
        FROM python:${PY}-slim
        HEALTHCHECK CMD curl -f http://localhost/ || exit 1
        HEALTHCHECK CMD timeout 3 wget -qO- http://localhost/
    """
    assert _lines(text, "ML402") == [4]
    python_probe = """
        FROM python:3.12-slim
        HEALTHCHECK CMD curl -f http://localhost/ || exit 1
        HEALTHCHECK CMD python -c "import urllib.request as u; u.urlopen('http://localhost:8000/')"
    """
    assert _lines(python_probe, "ML402") == []
