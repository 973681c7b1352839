"""ML204 apt-lists-not-removed: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from dockerlint_ml.fix import fix_for
from dockerlint_ml.parse import parse_text

from ...conftest import dd, fixed, lint, linter, rule_lines
from .helpers import lines


def test_ml204_missing_rm():
    text = """
        FROM ubuntu:22.04
        RUN apt-get update \\
            && apt-get install -y --no-install-recommends \\
                # runtime libs
                libgomp1 \\
            && apt-get clean
        """
    assert lines(text, "ML204") == [3]
    assert lint(text, ["ML204"])[0].span.column == 8  # the install command, not the RUN


@pytest.mark.parametrize("path", ["/var/lib/apt/lists/*", "/var/lib/apt/lists", "/var/lib/apt/lists/", "/var/lib/apt"])
def test_ml204_rm_forms(path):
    text = f"FROM ubuntu:22.04\nRUN apt-get update && apt install -y curl && rm -rf {path}\n"
    assert lines(text, "ML204") == []


def test_ml204_order_matters():
    text = """
        FROM debian:bookworm-slim
        RUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl
        """
    assert lines(text, "ML204") == [2]


def test_ml204_reports_once_per_run():
    text = """
        FROM debian:bookworm-slim
        RUN apt-get update && apt-get install -y curl && apt-get install -y git
        """
    assert lines(text, "ML204") == [2]


def test_ml204_heredoc_and_lowercase():
    text = """
        FROM debian:bookworm-slim
        run <<EOF
        set -eux
        apt-get update
        apt-get install -y --no-install-recommends curl
        rm -rf /var/lib/apt/lists/*
        EOF
        RUN <<EOF
        apt-get update
        apt-get install -y --no-install-recommends git
        EOF
        """
    assert lines(text, "ML204") == [10]


@pytest.mark.parametrize("target", ["/var/lib/apt", "/var/lib/apt/lists", "/var/lib/apt/lists/"])
def test_ml204_cache_mount_is_clean(target):
    text = f"""
        # syntax=docker/dockerfile:1
        FROM ubuntu:22.04
        RUN --mount=type=cache,target={target},sharing=locked \\
            apt-get update && apt-get install -y --no-install-recommends curl
        """
    assert lines(text, "ML204") == []


def test_ml204_cache_mount_on_the_archives_keeps_the_lists():
    # /var/cache/apt holds the .deb archives; the lists live in /var/lib/apt/lists and stay in the layer
    text = """
        # syntax=docker/dockerfile:1
        FROM ubuntu:22.04
        RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
            apt-get update && apt-get install -y --no-install-recommends curl
        """
    assert lines(text, "ML204") == [4]


def test_ml204_only_the_run_that_fetched_the_lists():
    # line 3 installs from the lists line 2 fetched: removing them on line 3 would save nothing
    text = """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        RUN apt-get install -y --no-install-recommends git
        RUN apt-get install -y --no-install-recommends vim && apt-get update
        """
    assert lines(text, "ML204") == [2]
    message = lint(text, ["ML204"])[0].message
    assert "line 3 installs from these lists without its own `apt-get update`" in message


def test_ml204_says_apt_when_the_command_is_apt():
    text = "FROM ubuntu:22.04\nRUN apt update && apt install -y --no-install-recommends curl\n"
    message = lint(text, ["ML204"])[0].message
    assert message.startswith("apt install leaves") and "apt-get" not in message
    assert "end the same RUN with `&& rm -rf /var/lib/apt/lists/*`" in message


def test_ml204_builder_stage_is_not_shipped():
    text = """
        FROM ubuntu:22.04 AS build
        RUN apt-get update && apt-get install -y build-essential

        FROM ubuntu:22.04
        COPY --from=build /out /out
        """
    assert lines(text, "ML204") == []


def test_ml204_sh_c_and_sudo():
    text = """
        FROM ubuntu:22.04
        RUN sudo apt-get update && sudo apt-get install -y curl
        RUN sh -c "apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*"
        """
    assert lines(text, "ML204") == [2]


def test_ml204_brace_expansion_is_explained():
    # dash (/bin/sh on Debian/Ubuntu) does not expand braces: the lists stay, and the message says why
    findings = lint(
        """
        FROM python:3.11-slim
        RUN apt-get update && apt-get install -y --no-install-recommends curl \\
            && rm -rf /var/lib/{apt,dpkg}/lists
        """,
        ["ML204"],
    )
    assert rule_lines(findings, "ML204") == [2]
    assert "does not expand `{a,b}` braces" in findings[0].message


def test_ml204_fix_apt_lists_after_the_last_apt_command_and_sudo():
    text = """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y curl && apt-get clean
        RUN sudo apt-get update && sudo apt-get install -y git
    """
    assert fixed(text, ["ML204"]) == dd(
        """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y curl && apt-get clean && rm -rf /var/lib/apt/lists/*
        RUN sudo apt-get update && sudo apt-get install -y git && sudo rm -rf /var/lib/apt/lists/*
        """
    )


def test_ml204_fix_apt_lists_fix_never_removes_lists_a_later_run_installs_from():
    # DeepSpeed's image: a later RUN installs without its own `apt-get update`; removing the lists in the
    # earlier RUN made that install fail ("Unable to locate package")
    text = """
        FROM ubuntu:22.04 AS base
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        RUN echo between
        RUN apt-get install -y --no-install-recommends libnuma-dev && rm -rf /var/lib/apt/lists/*
        RUN apt-get update && apt-get install -y --no-install-recommends git
        FROM base
        RUN apt-get install -y --no-install-recommends vim
    """
    assert fixed(text, ["ML204"]) == dd(text)
    document = parse_text(dd(text))
    findings = linter(["ML204"]).lint_bytes(dd(text).encode(), "Dockerfile").findings
    assert [f.span.line for f in findings] == [2, 5]
    assert all(fix_for(document, f) is None for f in findings)
    assert "line 4 installs from these lists" in findings[0].message
    assert "line 7 installs from these lists" in findings[1].message
    # with an update of its own the later RUN needs nothing from the earlier one: the fix is offered
    independent = text.replace(
        "RUN apt-get install -y --no-install-recommends libnuma-dev",
        "RUN apt-get update && apt-get install -y --no-install-recommends libnuma-dev",
    )
    assert "curl && rm -rf /var/lib/apt/lists/*" in fixed(independent, ["ML204"])


def test_ml204_fix_apt_lists_declines_redirect_and_pipe():
    text = """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y --no-install-recommends curl > /dev/null
        RUN apt-get update && apt-get install -y --no-install-recommends curl 2>&1 | tee /tmp/log
    """
    assert fixed(text, ["ML204"]) == dd(text)
    findings = linter(["ML204"]).lint_bytes(dd(text).encode(), "Dockerfile").findings
    assert len(findings) == 2
    assert all(fix_for(parse_text(dd(text)), f) is None for f in findings)
