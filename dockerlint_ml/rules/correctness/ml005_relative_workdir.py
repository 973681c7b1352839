"""ML005 relative-workdir: WORKDIR with a relative path.

Reference page: rules/ML005.md.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ...baseimages import known_base
from ...lazy_re import lazy
from ...model import Instruction, Severity
from ..base import Problem, Rule, RuleContext
from ..common import workdir_before

# ML005

_ABSOLUTE = lazy(r"^(?:/|\$|\\|[A-Za-z]:[\\/]?)")


class RelativeWorkdir(Rule):
    """``WORKDIR`` with a relative path (not starting with ``/``, ``$VAR`` or a Windows drive)."""

    id = "ML005"
    name = "relative-workdir"
    severity = Severity.WARNING
    summary = "WORKDIR with a relative path"
    tags = ("correctness",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("WORKDIR"):
            if not instruction.arguments:
                continue
            word = instruction.arguments[0]
            path = word.text
            if not path or _ABSOLUTE.match(path) or word.raw.startswith("$"):
                continue
            if self._anchored(ctx, instruction):
                continue  # an earlier WORKDIR of this build set an absolute directory: no base image can move it
            tilde = " (`~` is not expanded by Docker)" if path.startswith("~") else ""
            yield self.problem(
                word,
                f"WORKDIR `{path}` is relative{tilde}: it resolves against the previous WORKDIR, which a base "
                f"image can change; {self._advice(ctx, instruction, path)}",
            )

    @staticmethod
    def _anchored(ctx: RuleContext, instruction: Instruction) -> bool:
        """Whether an absolute (or variable) WORKDIR comes before ``instruction`` in its stage or the stages it
        is built FROM: the relative one then resolves against a directory the Dockerfile itself chose."""
        stage = ctx.stage_of(instruction)
        if stage is None:
            return False
        for member in ctx.lineage(stage):
            for earlier in member.instructions:
                if earlier is instruction:
                    return False
                if earlier.keyword == "WORKDIR" and earlier.arguments:
                    first = earlier.arguments[0]
                    if _ABSOLUTE.match(first.text) or first.raw.startswith("$"):
                        return True
        return False

    @staticmethod
    def _advice(ctx: RuleContext, instruction: Instruction, path: str) -> str:
        """Name the absolute path it resolves to today, from earlier WORKDIRs and the base image's knowledge."""
        stage = ctx.stage_of(instruction)
        if stage is None or path.startswith("~"):
            return f"use an absolute path such as `/{path.lstrip('~./') or 'app'}`"
        root = ctx.lineage(stage)[0]
        base = known_base(root.image)
        if root.image is not None and root.image.is_scratch:
            base_workdir: str | None = "/"
        else:
            base_workdir = (base.workdir or "/") if base is not None else None
        previous = workdir_before(ctx.dockerfile, stage, instruction, base_workdir)
        if previous is None:
            return "write the absolute path it should resolve to (the base image's WORKDIR joined with it)"
        resolved = posixpath.normpath(posixpath.join(previous, path))
        where = f" (the base image's WORKDIR is `{base_workdir}`)" if base is not None and base.workdir else ""
        return f"write the path it resolves to today, `{resolved}`{where}"
