"""ML312 plain-http-download: detection and near-misses."""

from __future__ import annotations

from ...conftest import lint, rule_lines


def test_ml312_fires():
    findings = lint(
        """
        FROM ubuntu:22.04
        ARG ORG=http://github.com/triton-inference-server
        RUN git clone ${ORG}/server.git
        RUN curl -fsSL http://x.org/a.tgz -o /tmp/a.tgz
        ENV PIP_INDEX_URL=http://pypi.internal/simple
        ADD http://x.org/a.tgz /tmp/
        RUN pip install -i http://pypi.x/simple numpy
        RUN pip install --extra-index-url=http://pypi.x/simple numpy
        RUN wget http://nz2.archive.ubuntu.com/ubuntu/pool/main/o/openssl/libssl1.1.deb
        RUN pip install git+http://github.com/org/pkg.git
        """,
        ["ML312"],
    )
    assert rule_lines(findings, "ML312") == [3, 4, 5, 6, 7, 8, 9, 10]
    assert (
        "https://" in findings[0].message
        and "http://github.com/triton-inference-server/server.git" in findings[0].message
    )


def test_ml312_near_misses():
    findings = lint(
        """
        FROM ubuntu:22.04
        RUN curl -fsSL http://localhost:8080/health
        RUN wget -q http://127.0.0.1:9000/model.bin
        ENV http_proxy=http://proxy.corp:3128 HTTPS_PROXY=http://proxy.corp:3128
        RUN curl -fsSL -x http://proxy.corp:3128 https://x.org/a -o /tmp/a
        # RUN curl http://x.org/a
        RUN echo "deb http://archive.ubuntu.com/ubuntu jammy universe" > /etc/apt/sources.list.d/u.list
        RUN curl -fsSL https://x.org/a.tgz -o /tmp/a.tgz
        RUN echo "see http://x.org" > /tmp/readme
        """,
        ["ML312"],
    )
    assert rule_lines(findings, "ML312") == []


def test_ml312_link_local_metadata_is_exempt():
    findings = lint(
        """
        FROM python:3.11-slim
        RUN wget -q -O /tmp/az http://169.254.169.254/latest/meta-data/placement/availability-zone || true
        RUN curl -s http://169.254.170.2/v2/credentials || true
        RUN curl -s -H 'Metadata-Flavor: Google' http://metadata.google.internal/computeMetadata/v1/ || true
        RUN curl -s http://[fd00:ec2::254]/latest/meta-data/ || true
        RUN curl -fsSL -o /tmp/m.bin http://metadata.example.com/model.bin
        RUN curl -fsSL -o /tmp/n.bin http://169.25.4.1/model.bin
        """,
        ["ML312"],
    )
    assert rule_lines(findings, "ML312") == [6, 7]
