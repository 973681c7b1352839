"""ML009 forbidden-onbuild: `ONBUILD FROM`, `ONBUILD ONBUILD` or `ONBUILD MAINTAINER`.

Reference page: rules/ML009.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity
from ..base import Problem, Rule, RuleContext

#: triggers the Dockerfile reference forbids; BuildKit fails the build at the ONBUILD line itself
_ADVICE = {
    "FROM": "a child image cannot change its own base from a trigger; build FROM this image in the child's "
    "Dockerfile instead, and remove this line",
    "ONBUILD": "a trigger cannot register another trigger; keep a single `ONBUILD` (the grandchild cannot be "
    "reached from here)",
    "MAINTAINER": 'use `LABEL org.opencontainers.image.authors="..."` in this Dockerfile instead',
}


class ForbiddenOnbuild(Rule):
    """``ONBUILD FROM``, ``ONBUILD ONBUILD`` and ``ONBUILD MAINTAINER`` are forbidden by the Dockerfile reference:
    the build fails at that line."""

    id = "ML009"
    name = "forbidden-onbuild"
    severity = Severity.ERROR
    summary = "ONBUILD FROM, ONBUILD ONBUILD or ONBUILD MAINTAINER"
    tags = ("correctness",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.dockerfile.instructions:
            trigger = instruction.onbuild
            if instruction.keyword != "ONBUILD" or trigger is None or trigger.keyword not in _ADVICE:
                continue
            yield self.problem(
                trigger.keyword_span,
                f"`ONBUILD {trigger.raw_keyword}` is not allowed (the Dockerfile reference forbids `{trigger.keyword}` "
                f"as a trigger, and the build fails here): {_ADVICE[trigger.keyword]}",
            )
