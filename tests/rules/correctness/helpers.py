"""Helpers of the tests in tests/rules/correctness/ (module-level in test_rules_correctness.py before)."""

from __future__ import annotations

from ...conftest import lint, rule_lines


def lines(text: str, rule: str) -> list[int]:
    return rule_lines(lint(text, [rule]), rule)


def messages(text: str, rule: str) -> list[str]:
    return [f.message for f in lint(text, [rule]) if f.rule == rule]
