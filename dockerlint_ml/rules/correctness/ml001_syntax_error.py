"""ML001 syntax-error: an instruction cannot be parsed.

Reference page: rules/ML001.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity
from ..base import Problem, Rule, RuleContext


class SyntaxError_(Rule):
    """An instruction that Docker cannot parse: unknown instruction, unterminated heredoc or JSON array,
    a missing FROM, an instruction without its argument."""

    id = "ML001"
    name = "syntax-error"
    severity = Severity.ERROR
    summary = "an instruction cannot be parsed"
    tags = ("correctness",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for problem in ctx.dockerfile.problems:
            yield self.problem(problem.span, problem.message)
