"""ML003 duplicate-stage-name: two stages have the same name.

Reference page: rules/ML003.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity, Stage
from ..base import Problem, Rule, RuleContext

# ML003


class DuplicateStageName(Rule):
    """Two ``FROM ... AS name`` with the same name (stage names are case-insensitive)."""

    id = "ML003"
    name = "duplicate-stage-name"
    severity = Severity.ERROR
    summary = "two stages have the same name"
    tags = ("correctness",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        seen: dict[str, Stage] = {}
        for stage in ctx.dockerfile.stages:
            if not stage.name:
                continue
            key = stage.name.lower()
            first = seen.get(key)
            if first is None:
                seen[key] = stage
                continue
            words = stage.from_instruction.arguments
            at = words[2] if len(words) >= 3 else stage.from_instruction
            yield self.problem(
                at,
                f"stage name `{stage.name}` is already used by the stage on line {first.from_instruction.line}: "
                "give each stage a unique name (BuildKit rejects duplicates; other builders silently pick one)",
            )
