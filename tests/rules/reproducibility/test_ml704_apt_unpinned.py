"""ML704 apt-unpinned: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint, rule_lines
from .helpers import _findings


def test_ml704_unpinned_apt_packages():
    text = """
        FROM ubuntu:22.04
        ARG CURL_VERSION=7.81.0-1ubuntu1.16
        RUN apt-get update && \\
            apt-get install -y --no-install-recommends git=1:2.34.1-1ubuntu1.11 curl=${CURL_VERSION} \\
                ca-certificates ./local.deb && \\
            apt install -y $(cat packages.txt) && \\
            rm -rf /var/lib/apt/lists/*
        """
    findings = _findings(text, "ML704")
    assert [(f.span.line, f.span.column) for f in findings] == [(5, 9)]
    assert "`ca-certificates`" in findings[0].message
    assert rule_lines(lint(text, ["ML7"]), "ML704") == []
