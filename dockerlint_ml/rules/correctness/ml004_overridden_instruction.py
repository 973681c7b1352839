"""ML004 overridden-instruction: a stage has more than one CMD, ENTRYPOINT or HEALTHCHECK.

Reference page: rules/ML004.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity
from ..base import Problem, Rule, RuleContext

# ML004


class OverriddenInstruction(Rule):
    """A stage with more than one ``CMD``, ``ENTRYPOINT`` or ``HEALTHCHECK``: only the last one counts.
    The earlier ones are reported."""

    id = "ML004"
    name = "overridden-instruction"
    severity = Severity.WARNING
    summary = "a stage has more than one CMD, ENTRYPOINT or HEALTHCHECK"
    tags = ("correctness",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for stage in ctx.dockerfile.stages:
            for keyword in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
                found = stage.of(keyword)
                last = found[-1] if found else None
                for instruction in found[:-1]:
                    assert last is not None
                    yield self.problem(
                        instruction,
                        f"this {keyword} has no effect: the {keyword} on line {last.line} in the same stage "
                        f"replaces it (only the last {keyword} of a stage counts); remove one of them",
                    )
