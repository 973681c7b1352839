"""ML702 base-image-no-digest: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint, rule_lines
from .helpers import _lines


def test_ml702_off_by_default_and_digest():
    text = """
        FROM python:3.11-slim AS build
        FROM python:3.11-slim@sha256:2ec5a4a5c3e919570f57675471f081d6299668d909feabd8d4803c6c61af666c
        FROM build
        FROM scratch
        """
    assert _lines(text, "ML702") == [1]
    assert rule_lines(lint(text, ["ML7"]), "ML702") == []
