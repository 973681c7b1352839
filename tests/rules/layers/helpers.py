"""Helpers of the tests in tests/rules/layers/ (module-level in test_rules_cache.py before)."""

from __future__ import annotations

from ...conftest import lint, rule_lines


def lines(text: str, rule: str) -> list[int]:
    return rule_lines(lint(text, [rule]), rule)
