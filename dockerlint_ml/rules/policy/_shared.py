"""Helpers the policy rules share: the labels an image carries."""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Instruction, Stage, Word
from ...records import Frozen, setfield
from ...variables import expand_word
from ..base import RuleContext


class Label(Frozen):
    """One ``LABEL key=value`` pair; ``key``/``value`` expanded, None when a variable in them is unknown."""

    _fields = ("instruction", "word", "key", "value")
    __slots__ = _fields
    instruction: Instruction
    word: Word
    key: str | None
    value: str | None

    def __init__(self, instruction: Instruction, word: Word, key: str | None, value: str | None) -> None:
        setfield(self, "instruction", instruction)
        setfield(self, "word", word)
        setfield(self, "key", key)
        setfield(self, "value", value)


def labels(stages: list[Stage]) -> Iterator[Label]:
    """Every LABEL pair of ``stages``, in order."""
    for stage in stages:
        for instruction in stage.body:
            if instruction.keyword != "LABEL":
                continue
            for key, value, word in instruction.pairs():
                expanded_key = expand_word(key, instruction.scope) if "$" in key else key
                expanded = expand_word(value, instruction.scope) if value is not None and "$" in value else value
                yield Label(instruction, word, expanded_key, expanded)


def final_lineage(ctx: RuleContext) -> list[Stage]:
    """The final stage and the stages it is built FROM (what the shipped image is made of)."""
    final = ctx.final_stage
    return ctx.lineage(final) if final is not None else []
