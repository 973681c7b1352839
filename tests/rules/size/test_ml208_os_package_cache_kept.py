"""ML208 os-package-cache-kept: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import dd, fixed, lint
from .helpers import lines


def test_ml208_apk():
    text = """
        FROM alpine:3.20
        RUN apk add python3
        RUN apk --no-cache add py3-pip
        RUN apk add --no-cache curl
        RUN apk update && apk add git && rm -rf /var/cache/apk/*
        RUN apk add -U bash
        """
    assert lines(text, "ML208") == [2, 6]


def test_ml208_apk_cache_mount():
    text = "FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add python3\n"
    assert lines(text, "ML208") == []


def test_ml208_rpm_family():
    text = """
        FROM rockylinux:9
        RUN yum install -y python3 && yum clean all
        RUN dnf install -y git && dnf clean all
        RUN dnf install -y gcc
        RUN microdnf install -y python3.11 && microdnf clean all
        RUN microdnf install -y tar
        RUN yum -y install which \\
            && rm -rf /var/cache/yum
        RUN dnf install -y make && dnf clean metadata
        RUN dnf clean all && dnf install -y zip
        """
    assert lines(text, "ML208") == [4, 6, 9, 10]


def test_ml208_zypper():
    text = """
        FROM opensuse/leap:15.5
        RUN zypper --non-interactive install python311 && zypper clean -a
        RUN zypper in -y git && zypper clean --all
        RUN zypper install -y curl && zypper clean
        RUN zypper install -y tar && zypper cc -a
        """
    assert lines(text, "ML208") == [4]


def test_ml208_builder_stage_is_fine():
    text = """
        FROM alpine:3.20 AS build
        RUN apk add build-base
        FROM alpine:3.20
        COPY --from=build /out /out
        """
    assert lines(text, "ML208") == []


def test_ml208_fix_os_package_caches():
    text = """
        FROM alpine:3.19
        RUN apk --update add curl bash
        RUN dnf install -y gcc && dnf install -y make
        RUN zypper --non-interactive install -y git
    """
    assert fixed(text, ["ML208"]) == dd(
        """
        FROM alpine:3.19
        RUN apk --update add --no-cache curl bash
        RUN dnf install -y gcc && dnf install -y make && dnf clean all
        RUN zypper --non-interactive install -y git && zypper clean --all
        """
    )


def test_ml208_apk_update_is_what_stores_the_index():
    """`apk update && apk add wget`: --no-cache on the add would leave the index `apk update` stored (the
    earlier advice did not work); the finding points at `apk update`, once per RUN."""
    text = """
        FROM alpine:3.22
        RUN apk update && apk add wget && apk add --no-cache curl
        RUN apk update && apk add --no-cache git
        RUN apk update && apk add jq && rm -rf /var/cache/apk/*
        RUN apk add --no-cache bash
        """
    findings = lint(text, ["ML208"])
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 5), (3, 5)]
    assert "end the RUN with `&& rm -rf /var/cache/apk/*`" in findings[0].message  # `apk add wget` uses the index
    assert "drop `apk update`" in findings[1].message
    twice = """
        FROM alpine:3.20
        RUN apk update && apk upgrade && apk add wget && echo "https://x.org/extras" >> /etc/apk/repositories \\
            && apk update && apk add --no-cache curl
        """
    assert len(lint(twice, ["ML208"])) == 1  # once per RUN
    assert fixed(text, ["ML208"]) == dd(text)  # no safe edit: dropping apk update is the user's call
