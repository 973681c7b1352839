"""ML706 unpinned-remote-download: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import rule_lines
from .helpers import SHA, _findings, _lines


def test_ml706_git_clone():
    text = f"""
        FROM python:3.11-slim
        RUN git clone https://github.com/facebookresearch/detectron2.git /opt/d2
        RUN git clone --depth 1 -b main https://github.com/org/a.git
        RUN git clone --depth 1 --branch v0.6 https://github.com/org/b.git
        RUN git clone https://github.com/org/c.git /c && \\
            cd /c && \\
            git checkout {SHA}
        RUN git clone https://github.com/org/d.git /d && git -C /d checkout main
        RUN git clone https://huggingface.co/org/model /m
        """
    findings = _findings(text, "ML706")
    assert rule_lines(findings, "ML706") == [2, 3, 8]
    assert findings[0].span.column == 5 and "detectron2" in findings[0].message


def test_ml706_ref_in_variables():
    text = """
        FROM python:3.11-slim
        ARG REF
        ARG BRANCH=develop
        RUN git clone -b "$REF" https://github.com/org/a.git
        RUN git clone --branch ${BRANCH} https://github.com/org/b.git
        """
    assert _lines(text, "ML706") == [5]


def test_ml706_ref_from_arg_with_unknown_part():
    text = """
        FROM python:3.11-slim
        ARG REPO=https://github.com/org/a.git
        ARG VERSION
        ARG REF=v${VERSION}
        RUN git clone --depth 50 --branch ${REF} ${REPO} /src \\
            || (git clone ${REPO} /src && cd /src && git fetch origin ${REF} && git checkout ${REF})
        """
    assert _lines(text, "ML706") == []


def test_ml706_debian_archive_component_main_is_not_a_branch():
    text = """
        FROM ubuntu:22.04
        RUN wget http://archive.ubuntu.com/ubuntu/pool/main/o/openssl/libssl1.1_1.1.1f-1ubuntu2_amd64.deb && \\
            curl -fsSLO http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Release && \\
            wget https://raw.githubusercontent.com/org/pool/main/setup.sh
        """
    assert _lines(text, "ML706") == [4]


def test_ml706_moving_urls():
    text = """
        FROM python:3.11-slim
        RUN curl -fsSL -o /usr/local/bin/yq https://github.com/mikefarah/yq/releases/latest/download/yq_linux_amd64
        RUN wget -q https://raw.githubusercontent.com/org/repo/main/install.sh && \\
            wget -q https://github.com/org/repo/archive/master.zip && \\
            curl -fsSLO https://github.com/org/repo/archive/refs/tags/v1.2.zip && \\
            curl -fsSL https://example.com/maintenance/mainframe.tar.gz -o /tmp/x.tgz
        RUN wget https://huggingface.co/org/m/resolve/main/model.safetensors
        """
    findings = _findings(text, "ML706")
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 37), (3, 13), (4, 13)]
    assert "`latest`" in findings[0].message and "`master`" in findings[2].message


def test_ml706_fetch_of_a_sha_and_platform_flag():
    text = f"""
        FROM --platform=$BUILDPLATFORM python:3.11-slim
        RUN git clone --depth 1 https://github.com/org/a.git /a && cd /a && \\
            git fetch --depth 1 origin {SHA} && git checkout FETCH_HEAD
        RUN git clone https://github.com/org/b.git /b && cd /b && git fetch origin main && git checkout origin/main
        """
    assert _lines(text, "ML706") == [4]
    assert _lines(text, "ML701") == []
