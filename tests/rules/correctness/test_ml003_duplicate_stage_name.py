"""ML003 duplicate-stage-name: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint
from .helpers import lines


def test_ml003_duplicate_names_case_insensitive():
    text = """
        FROM python:3.11 AS build
        RUN echo
        FROM python:3.11 as Build
        FROM python:3.11-slim AS final
        """
    findings = lint(text, ["ML003"])
    assert [(f.span.line, f.span.column) for f in findings] == [(3, 21)]
    assert "line 1" in findings[0].message


def test_ml003_distinct_names_and_unnamed_stages():
    text = """
        FROM python:3.11 AS build
        FROM python:3.11 AS build-gpu
        FROM python:3.11
        FROM python:3.11
        """
    assert lines(text, "ML003") == []
