"""ML009 forbidden-onbuild: detection and near-misses."""

from __future__ import annotations

from ...conftest import lint, rule_lines


def test_ml009_fires_on_the_three_forbidden_triggers():
    text = """
        FROM python:3.11-slim
        ONBUILD FROM python:3.12-slim
        onbuild onbuild RUN echo hi
        ONBUILD MAINTAINER team@example.com
        ONBUILD COPY . /app
        """
    findings = lint(text, ["ML009"])
    assert rule_lines(findings, "ML009") == [2, 3, 4]
    assert [f.span.column for f in findings] == [9, 9, 9]
    assert "`ONBUILD FROM` is not allowed" in findings[0].message
    assert "`ONBUILD onbuild` is not allowed" in findings[1].message
    assert "LABEL org.opencontainers.image.authors" in findings[2].message


def test_ml009_silent_on_allowed_triggers_and_plain_instructions():
    text = """
        FROM python:3.11-slim
        MAINTAINER team@example.com
        ONBUILD COPY requirements.txt /app/
        ONBUILD RUN pip install --no-cache-dir -r /app/requirements.txt
        ONBUILD ARG FROM=1
        ONBUILD
        """
    assert rule_lines(lint(text, ["ML009"]), "ML009") == []
