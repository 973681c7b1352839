"""ML000 unused-suppression: an inline ignore comment silences nothing.

Reference page: rules/ML000.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity
from ..base import Problem, Rule, RuleContext


class UnusedSuppression(Rule):
    """An inline ``# mllint: ignore=...`` that silences nothing. Reported by the engine when
    ``--warn-unused-ignores`` is given, since only the engine sees every rule's findings: ``suppress.py`` builds
    the finding from this class's ``id``, ``name`` and ``severity`` (a ``--severity ML000=...`` override wins)."""

    id = "ML000"
    name = "unused-suppression"
    severity = Severity.WARNING
    summary = "an inline ignore comment silences nothing"
    tags = ("correctness",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        return iter(())
