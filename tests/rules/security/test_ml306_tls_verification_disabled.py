"""ML306 tls-verification-disabled: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint, rule_lines


def test_ml306_commands():
    findings = lint(
        """
        FROM python:3.11-slim AS builder
        RUN curl -fsSLk https://example.com/a -o /a \\
            && wget --no-check-certificate https://example.com/b \\
            && pip install --no-cache-dir --trusted-host pypi.internal torch==2.3.1
        RUN pip config set global.trusted-host pypi.internal \\
            && git config --global http.sslVerify false \\
            && git -c http.sslVerify=false clone https://example.com/repo.git
        RUN npm config set strict-ssl false && conda config --set ssl_verify no
        RUN PYTHONHTTPSVERIFY=0 python download.py && env GIT_SSL_NO_VERIFY=1 git pull
        RUN uv pip install --system --allow-insecure-host pypi.internal numpy==1.26.4
        RUN apt-get -o Acquire::https::Verify-Peer=false update
        """,
        ["ML306"],
    )
    assert rule_lines(findings, "ML306") == [2, 3, 4, 5, 6, 7, 8, 8, 9, 9, 10, 11]


def test_ml306_env_and_arg():
    findings = lint(
        """
        FROM python:3.11-slim
        ENV PIP_TRUSTED_HOST=pypi.internal
        ENV PYTHONHTTPSVERIFY=0 NODE_TLS_REJECT_UNAUTHORIZED=0
        ARG GIT_SSL_NO_VERIFY=true
        ENV PYTHONHTTPSVERIFY=1 NODE_TLS_REJECT_UNAUTHORIZED=1 PIP_TRUSTED_HOST=$HOSTS
        ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt
        """,
        ["ML306"],
    )
    assert rule_lines(findings, "ML306") == [2, 3, 3, 4]


def test_ml306_near_misses():
    findings = lint(
        """
        FROM python:3.11-slim
        RUN curl -fsSL https://example.com/a -o /a && curl --cacert /etc/ssl/ca.pem https://internal/x
        RUN git config --global http.sslVerify true && git config --global http.sslCAInfo /etc/ssl/ca.pem
        RUN conda config --set ssl_verify /etc/ssl/certs/ca.pem && npm config set strict-ssl true
        RUN pip install --no-cache-dir --index-url https://pypi.internal/simple torch==2.3.1
        """,
        ["ML306"],
    )
    assert rule_lines(findings, "ML306") == []
