"""Helpers of the tests in tests/rules/reproducibility/ (module-level in test_rules_repro.py before)."""

from __future__ import annotations

from ...conftest import lint, rule_lines

SHA = "0123456789abcdef0123456789abcdef01234567"


def _findings(text: str, rule: str, **settings):
    return [f for f in lint(text, [rule], **settings) if f.rule == rule]


def _lines(text: str, rule: str, **settings) -> list[int]:
    return rule_lines(_findings(text, rule, **settings), rule)


EOL = {"rule_options": {"ML705": {"as-of": "2026-06-01"}}}
