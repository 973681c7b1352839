"""ML002 unknown-stage-reference: a --from or FROM names a stage that is not defined earlier.

Reference page: rules/ML002.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model import Severity, Stage
from ...variables import expand_word
from ..base import Problem, Rule, RuleContext
from ..common import from_image_word
from ._shared import _flag_value_span

# ML002


def _is_image_reference(text: str) -> bool:
    """Stage names are plain words; a registry, path, tag or digest makes ``text`` an image reference."""
    return any(char in text for char in "/:@.")


def _similar_stage(name: str, stages: list[Stage]) -> Stage | None:
    names = {stage.name.lower(): stage for stage in stages if stage.name}
    if len(name) < 4:
        return None
    from difflib import get_close_matches  # only when a reference is unknown

    close = get_close_matches(name.lower(), list(names), n=1, cutoff=0.8)
    return names[close[0]] if close else None


class UnknownStageReference(Rule):
    """``COPY --from=X``, ``RUN --mount=from=X`` or ``FROM X`` where X names a stage that is not defined
    before it. A bare word that matches no stage is an image (``--from=busybox``) and is accepted, unless
    it is a near-miss of a stage name (``--from=biulder``) or names a stage defined later."""

    id = "ML002"
    name = "unknown-stage-reference"
    severity = Severity.ERROR
    summary = "a --from or FROM names a stage that is not defined earlier"
    tags = ("correctness",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        stages = list(ctx.dockerfile.stages)
        for stage in stages:
            base = stage.base_text
            if (
                stage.parent is None
                and base not in ("", "scratch")
                and "$" not in base
                and not _is_image_reference(base)
            ):
                message = self._message(base, stage, stages, is_from=True)
                if message:
                    yield self.problem(from_image_word(stage), message)
            for instruction in stage.body:
                for flag in instruction.flags:
                    if instruction.keyword in ("COPY", "ADD") and flag.name == "from" and flag.value:
                        reference, start = flag.value, 0
                    elif instruction.keyword == "RUN" and flag.name == "mount" and flag.value:
                        match = re.search(r"(?:^|,)from=([^,]*)", flag.value)
                        if match is None or not match.group(1):
                            continue
                        reference, start = match.group(1), match.start(1)
                    else:
                        continue
                    expanded = expand_word(reference, instruction.scope)
                    if not expanded or _is_image_reference(expanded):
                        continue
                    message = self._message(expanded, stage, stages, is_from=False)
                    if message:
                        span = _flag_value_span(flag, start, len(reference))
                        yield self.problem(span, message)

    @staticmethod
    def _message(reference: str, stage: Stage, stages: list[Stage], *, is_from: bool) -> str | None:
        what = "FROM" if is_from else "--from"
        if reference.isdigit():
            if is_from or int(reference) < stage.index:
                return None
            return (
                f"{what}={reference} refers to stage {reference}, but only earlier stages "
                f"(0 to {stage.index - 1}) can be used here: point it at a stage defined above"
                if stage.index
                else f"{what}={reference} is used in the first stage, where no earlier stage exists: "
                "point it at an image or move the instruction into a later stage"
            )
        lowered = reference.lower()
        named = [s for s in stages if s.name and s.name.lower() == lowered]
        if named and any(s.index < stage.index for s in named):
            return None
        if named:
            target = named[0]
            if target.index == stage.index:
                if is_from:  # `FROM node AS node`: an image named like the stage it starts
                    return None
                return (
                    f"`{reference}` is the stage this instruction belongs to, not an earlier one: "
                    "reference a stage defined above"
                )
            line = target.from_instruction.line
            return (
                f"stage `{reference}` is defined later (line {line}), so Docker looks for an image "
                f"named `{reference}` instead: move that stage above this one"
            )
        similar = _similar_stage(reference, [s for s in stages if s.index < stage.index])
        if similar is None:
            return None
        return (
            f"no stage is named `{reference}`; did you mean `{similar.name}` (line "
            f"{similar.from_instruction.line})? As written, Docker pulls an image named `{reference}`"
        )
