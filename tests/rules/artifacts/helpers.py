"""Helpers of the tests in tests/rules/artifacts/ (module-level in test_rules_artifacts.py before)."""

from __future__ import annotations

from dockerlint_ml.rules.artifacts import model_downloads

from ...conftest import lint, parse

SHA = "0123456789abcdef0123456789abcdef01234567"


def _findings(text: str, rule: str):
    return [f for f in lint(text, [rule]) if f.rule == rule]


def _downloads(text: str):
    return [d for i in parse(text).instructions for d in model_downloads(i)]
