"""ML307 add-instead-of-copy: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint, rule_lines


def test_ml307():
    findings = lint(
        """
        # syntax=docker/dockerfile:1
        ARG WEIGHTS=weights.tar.gz
        FROM python:3.11-slim
        ARG WEIGHTS
        ARG UNKNOWN_SRC
        ADD . /app
        ADD requirements.txt setup.py /app/
        ADD model.zip /models/
        ADD weights.tar.gz data.tgz shard.tar.xz /models/
        ADD ${WEIGHTS} /models/
        ADD $UNKNOWN_SRC /models/
        ADD https://huggingface.co/org/model/resolve/main/model.onnx /models/
        ADD --checksum=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef \\
            https://example.com/model.onnx /models/
        ADD https://github.com/org/repo.git#main /src/repo
        ADD git@github.com:org/repo.git#v1.2.3 /src/pinned
        ADD https://github.com/org/repo.git#0123456789abcdef0123456789abcdef01234567 /src/sha
        add ["notes.txt", "/app/"]
        """,
        ["ML307"],
    )
    assert rule_lines(findings, "ML307") == [6, 7, 8, 12, 15, 18]
    assert "zip" in findings[2].message
