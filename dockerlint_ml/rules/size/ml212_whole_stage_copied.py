"""ML212 whole-stage-copied: `COPY --from=STAGE / /` (or all of `/usr`, `/opt`) into a shipped stage.

Reference page: rules/ML212.md.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ...model import Instruction, Severity, Stage
from ..base import Problem, Rule, RuleContext
from ..common import copy_from_stage, copy_source_words

#: what copying wholesale brings along, per source directory
_WHOLE = {
    "/": "the whole of stage `{stage}`",
    "/usr": "all of stage `{stage}`'s `/usr`",
    "/opt": "all of stage `{stage}`'s `/opt`",
}


def _wholesale(text: str) -> str | None:
    """``/``, ``/usr`` or ``/opt`` when a ``--from`` source names all of it (``/``, ``.``, ``/usr/``, ``/opt/*``;
    a ``--from`` source is relative to the root of that stage)."""
    if "$" in text:
        return None
    path = text.removesuffix("*") if text.endswith("/*") else text
    path = posixpath.normpath("/" + path.lstrip("/"))
    return path if path in _WHOLE else None


def _from_scratch(ctx: RuleContext, stage: Stage) -> bool:
    """Whether ``stage`` is built up from ``scratch``: an artifact stage that holds only what it copied, or
    (as a destination) a squash of the stage it copies."""
    root = ctx.lineage(stage)[0].image
    return root is not None and root.is_scratch


class WholeStageCopied(Rule):
    """Copying the whole builder stage (or its ``/usr`` or ``/opt``) into the shipped image brings its compilers,
    caches and secrets along: the multi-stage build then saves nothing."""

    id = "ML212"
    name = "whole-stage-copied"
    severity = Severity.WARNING
    summary = "COPY --from a build stage of `/`, `/usr` or `/opt` wholesale into a shipped stage"
    tags = ("size",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for stage in ctx.shipped_stages:
            if _from_scratch(ctx, stage):
                continue  # `FROM scratch` + `COPY --from=build / /`: a deliberate squash of the stage it ships
            for instruction in stage.body:
                problem = self._check_copy(ctx, stage, instruction)
                if problem is not None:
                    yield problem

    def _check_copy(self, ctx: RuleContext, stage: Stage, instruction: Instruction) -> Problem | None:
        flag = instruction.flag("from")
        if instruction.keyword != "COPY" or flag is None or not flag.value:
            return None
        source = copy_from_stage(ctx.dockerfile, instruction)
        # an external image (`--from=ghcr.io/org/tools:1.2`) is not a builder of this file: its content is unknown
        if source is None or source.index >= stage.index or _from_scratch(ctx, source):
            return None
        for word in copy_source_words(instruction):
            whole = _wholesale(word.text)
            if whole is None:
                continue
            what = _WHOLE[whole].format(stage=source.label)
            return self.problem(
                word,
                f"`COPY --from={flag.value} {word.text}` copies {what} into the shipped "
                "image, with the compilers, package caches and build-time files it holds: the multi-stage build "
                "saves nothing; copy only what the image runs (e.g. `COPY --from="
                f"{flag.value} /opt/venv /opt/venv`, or the built binary)",
            )
        return None
