"""Helpers of the tests in tests/rules/size/ (module-level in test_rules_size.py before)."""

from __future__ import annotations

import textwrap

from ...conftest import lint, rule_lines

#: appended to files that must be a deployed service (image role `serving`/`batch`) for role-scoped rules
SERVICE_CMD = 'CMD ["python3", "-m", "app.server"]\n'


def lines(text: str, rule: str, *, service: bool = False, **settings: object) -> list[int]:
    if service:
        text = textwrap.dedent(text).rstrip("\n") + "\n" + SERVICE_CMD
    return rule_lines(lint(text, [rule], **settings), rule)
