"""ML102 apt-update-alone: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import dd, fixed, lint
from .helpers import lines


def test_ml102_update_alone_then_install():
    text = """
        FROM ubuntu:22.04
        RUN apt-get update
        RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
        """
    findings = lint(text, ["ML102"])
    assert [(f.span.line, f.span.column, f.span.end_column) for f in findings] == [(2, 5, 19)]
    assert "line 3" in findings[0].message


def test_ml102_update_with_install_in_same_run_is_fine():
    text = """
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        RUN apt-get update \\
            # keep the image small
            && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
                python3-pip \\
            && rm -rf /var/lib/apt/lists/*
        RUN <<EOF
        apt update
        apt install -y git
        EOF
        RUN apt-get -qq update && xargs -a packages.txt apt-get install -y
        """
    assert lines(text, "ML102") == []


def test_ml102_update_after_add_apt_repository():
    text = """
        FROM ubuntu:22.04
        RUN add-apt-repository -y ppa:deadsnakes/ppa && apt-get -qq update
        RUN apt-get install -y python3.11
        """
    assert lines(text, "ML102") == [2]


def test_ml102_update_and_upgrade():
    # an upgrade uses the index itself; it is reported only when a later RUN installs from the stale index
    alone = """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*
        """
    followed = """
        FROM ubuntu:22.04 AS base
        RUN apt-get update && apt-get dist-upgrade -y
        FROM base
        RUN apt-get install -y curl
        """
    refreshed = """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get upgrade -y
        RUN apt-get update && apt-get install -y curl
        """
    assert lines(alone, "ML102") == []
    assert lines(followed, "ML102") == [2]
    assert lines(refreshed, "ML102") == []


def test_ml102_update_with_no_later_install_still_reported():
    text = """
        FROM debian:bookworm-slim
        run --mount=type=cache,target=/var/lib/apt apt update
        """
    assert lines(text, "ML102") == [2]


def test_ml102_scripts_and_helpers_may_install():
    text = """
        FROM bitnami/minideb:bookworm
        RUN apt-get update && ./install-deps.sh
        RUN apt-get update && bash scripts/setup.sh
        RUN apt-get update && install_packages curl
        RUN apt-get update && sh -c "apt-get install -y git"
        """
    assert lines(text, "ML102") == []


def test_ml102_fix_apt_update_alone_is_merged_into_the_next_install():
    text = """
        FROM ubuntu:22.04

        RUN apt-get update -qq

        COPY sources.list /etc/apt/
        RUN DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \\
            && rm -rf /var/lib/apt/lists/*
    """
    assert fixed(text, ["ML102"]) == dd(text)  # unsafe: not without --unsafe-fixes
    assert fixed(text, ["ML102"], unsafe=True) == dd(
        """
        FROM ubuntu:22.04

        COPY sources.list /etc/apt/
        RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \\
            && rm -rf /var/lib/apt/lists/*
        """
    )
