"""Helpers that several rules of the reproducibility family use (no other family imports them)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...lazy_re import lazy
from ...model import Instruction, Stage, Word
from ...records import Frozen, setfield
from ..base import RuleContext
from ..common import from_image_word

# ML701 / ML702 base image pins


def _external_images(ctx: RuleContext) -> Iterator[tuple[Stage, Word]]:
    """Stages built FROM a registry image (not another stage, not scratch) whose reference is fully known."""
    for stage in ctx.dockerfile.stages:
        image = stage.image
        word = from_image_word(stage)
        if image is None or not isinstance(word, Word) or image.is_scratch or not image.resolved:
            continue
        yield stage, word


class ArgOrigin(Frozen):
    """The global ``ARG`` whose default supplies (the tag of) a stage's base image."""

    _fields = ("name", "value", "instruction", "word")
    __slots__ = _fields
    name: str
    value: str
    instruction: Instruction
    word: Word  # the `NAME=value` word, where a finding about the base points

    def __init__(self, name: str, value: str, instruction: Instruction, word: Word) -> None:
        setfield(self, "name", name)
        setfield(self, "value", value)
        setfield(self, "instruction", instruction)
        setfield(self, "word", word)


_VARIABLE_REFERENCE = lazy(r"\$(?:\{(\w+)[^}]*\}|(\w+))")


def arg_origin(ctx: RuleContext, stage: Stage, evidence: tuple[str, ...] = ()) -> ArgOrigin | None:
    """Where the part of a ``FROM`` that names the base image and its tag comes from, when that is an ARG default:
    ``ARG BASE_IMAGE=quay.io/jupyter/base-notebook`` + ``FROM $BASE_IMAGE``, ``ARG PY=3.8`` + ``FROM python:${PY}``.
    The last variable of the image word that a global ARG (one before the first FROM) sets, unless the name or
    tag after it is written out (``FROM ${REGISTRY}/python:3.8``: the FROM line is the place to edit). With
    ``evidence`` (``("3.8",)``), only an ARG whose default contains one of them counts."""
    word = from_image_word(stage)
    if not isinstance(word, Word) or not word.has_expansion:
        return None
    references = list(_VARIABLE_REFERENCE.finditer(word.raw))
    if not references or any(c in word.raw[references[-1].end() :] for c in ":/@"):
        return None
    first_from = ctx.dockerfile.stages[0].from_instruction.line
    global_args = [i for i in ctx.dockerfile.instructions if i.keyword == "ARG" and i.line < first_from]
    for reference in reversed(references):
        name = reference.group(1) or reference.group(2)
        found = None
        for instruction in global_args:  # the last definition wins, as in `docker build`
            for key, value, pair_word in instruction.pairs():
                if key == name:
                    found = (value, instruction, pair_word)
        if found is None or not found[0]:
            continue
        value = found[0].lower()
        if evidence and not any(re.search(rf"(?<![\w.]){re.escape(e.lower())}(?![\w])", value) for e in evidence):
            return None
        return ArgOrigin(name, found[0], found[1], found[2])
    return None


def _at_base(
    ctx: RuleContext, stage: Stage, reported: set, evidence: tuple[str, ...] = ()
) -> tuple[Word | Instruction, ArgOrigin | None] | None:
    """Where a finding about a stage's base points: the ARG that names it (once for all the stages that use it),
    else the image word of the FROM. None when the ARG was already reported."""
    origin = arg_origin(ctx, stage, evidence)
    if origin is None:
        return from_image_word(stage), None
    if origin.word.span in reported:
        return None
    reported.add(origin.word.span)
    return origin.word, origin


def _subject(stage: Stage, origin: ArgOrigin | None, *, keyword: bool = True) -> str:
    """How a message names a stage's base: ``FROM python:3.8`` or, when an ARG default supplies it,
    ``FROM python:${PY}`` (``python:3.8``: the default of ``ARG PY`` on line 2, ...)."""
    image = stage.image
    assert image is not None
    prefix = "FROM " if keyword else ""
    if origin is None:
        return f"`{prefix}{image.raw}`"
    word = from_image_word(stage)
    written = word.raw if isinstance(word, Word) else image.raw
    return (
        f"`FROM {written}` (`{image.raw}`: the default of `ARG {origin.name}` on line {origin.instruction.line}, "
        f"which `--build-arg {origin.name}=...` overrides)"
    )


def _substitutes(word: Word) -> bool:
    """``$(cat packages.txt)`` or backticks: the words come from a command, unknown here."""
    return "$(" in word.raw or "`" in word.raw


_NIGHTLY_NAME = lazy(r"(?:^|-)nightly(?:-|$)")  # tf-nightly, torchserve-nightly, tf-nightly-gpu
