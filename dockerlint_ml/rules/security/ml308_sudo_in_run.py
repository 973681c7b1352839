"""ML308 sudo-in-run: sudo is used in RUN.

Reference page: rules/ML308.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...baseimages import known_base
from ...model import Severity, Stage
from ...variables import expand_word
from ..base import Problem, Rule, RuleContext
from ..common import is_root_user

# ML308


class SudoInRun(Rule):
    """``sudo`` in a RUN that runs as a non-root user: build steps already run as the current ``USER``; switch
    users with ``USER``. A ``sudo`` while the build still runs as root is a no-op and is not reported; one
    finding per RUN."""

    id = "ML308"
    name = "sudo-in-run"
    severity = Severity.WARNING
    summary = "sudo is used in RUN"
    tags = ("security",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for stage in ctx.dockerfile.stages:
            user = self._inherited_user(ctx, stage)
            for instruction in stage.body:
                if instruction.keyword == "USER" and instruction.arguments:
                    user = expand_word(instruction.arguments[0].text, instruction.scope)
                    continue
                if instruction.keyword != "RUN" or (user is not None and is_root_user(user)):
                    continue
                command = next((c for c in instruction.commands if c.name == "sudo"), None)
                if command is not None:
                    who = f"`{user}`" if user else "the current user"
                    yield self.problem(
                        command.words[0],
                        f"`sudo` in RUN (running as {who}): put `USER root` before the privileged steps and "
                        "`USER <app>` after them, and do not ship sudo in the image",
                    )

    @staticmethod
    def _inherited_user(ctx: RuleContext, stage: Stage) -> str | None:
        """The user a stage starts as: its parent stage's last USER, else the base image's (root when known)."""
        lineage = ctx.lineage(stage)[:-1]
        for parent in reversed(lineage):
            users = parent.of("USER")
            if users and users[-1].arguments:
                return expand_word(users[-1].arguments[0].text, users[-1].scope)
        root = lineage[0] if lineage else stage
        base = known_base(root.image)
        if base is not None:
            return base.user or "root"
        return "root" if root.image is not None and root.image.resolved else None
