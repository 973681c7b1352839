"""ML0xx: Dockerfile correctness."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Severity
from .base import Problem, Rule, RuleContext


class UnusedSuppression(Rule):
    """An inline ``# mllint: ignore=...`` that silences nothing. Reported by the engine when
    ``--warn-unused-ignores`` is given, since only the engine sees every rule's findings."""

    id = "ML000"
    name = "unused-suppression"
    severity = Severity.WARNING
    summary = "an inline ignore comment silences nothing"
    tags = ("correctness",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        return iter(())


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


RULES: list[type[Rule]] = [UnusedSuppression, SyntaxError_]
