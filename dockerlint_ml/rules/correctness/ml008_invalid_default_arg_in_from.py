"""ML008 invalid-default-arg-in-from: FROM needs an ARG that has no default, and without it the reference is invalid.

Reference page: rules/ML008.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from ...lazy_re import lazy
from ...model import Severity, Stage, Word
from ...variables import expand, variables_used
from ..base import Problem, Rule, RuleContext
from ..common import from_image_word
from ._shared import BUILTIN_ARGS

# distribution/reference's grammar (what `docker build` accepts after substitution): [domain/]path[:tag][@digest]
_DOMAIN = (
    r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
)
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REFERENCE = lazy(
    rf"(?:{_DOMAIN}(?::[0-9]+)?/)?{_COMPONENT}(?:/{_COMPONENT})*"
    r"(?::[\w][\w.-]{0,127})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?"
)


def valid_reference(text: str, stages: tuple[Stage, ...]) -> bool:
    """Whether ``FROM text`` names a valid image reference or an earlier stage."""
    if any(s.name is not None and s.name.lower() == text.lower() for s in stages):
        return True
    return _REFERENCE.fullmatch(text) is not None


def _documented(ctx: RuleContext, name: str) -> bool:
    """A comment of the file tells how to pass the ARG (`# docker build --build-arg CUDA_VERSION=12.4.1 .`): the
    author builds with it, so it can be assumed."""
    pattern = re.compile(rf"--build-arg[= ]+['\"]?{re.escape(name)}\b")
    return any(pattern.search(text) for _line, text in ctx.dockerfile.comments)


class InvalidDefaultArgInFrom(Rule):
    """A ``FROM`` that uses a global ``ARG`` without a default (``ARG CUDA_VERSION`` then
    ``FROM nvidia/cuda:${CUDA_VERSION}-runtime``): without ``--build-arg`` the ARG expands to an empty string and
    the reference is invalid, so a plain ``docker build`` fails."""

    id = "ML008"
    name = "invalid-default-arg-in-from"
    severity = Severity.ERROR
    summary = "FROM uses an ARG without a default, and the reference is invalid without it"
    tags = ("correctness",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        global_args = ctx.dockerfile.global_args
        first_from = ctx.dockerfile.stages[0].from_instruction.line if ctx.dockerfile.stages else 0
        # a name that any global ARG gives a value stays out: whether a later bare `ARG X` resets it is unclear
        valued = {
            key
            for i in ctx.dockerfile.instructions
            if i.keyword == "ARG" and i.line < first_from
            for key, value, _word in i.pairs()
            if value
        }
        unset = {name for name, value in global_args.items() if not value and name not in BUILTIN_ARGS | valued}
        if not unset:
            return
        for stage in ctx.dockerfile.stages:
            word = from_image_word(stage)
            if not isinstance(word, Word) or not word.has_expansion:
                continue
            missing = self._missing(word, global_args, unset, ctx)
            if not missing:
                continue
            empty, _ = expand(word.text, {**global_args, **dict.fromkeys(missing, "")})
            placeholder, _ = expand(word.text, {**global_args, **dict.fromkeys(missing, "0")})
            earlier = ctx.dockerfile.stages[: stage.index]
            # only when the empty value is what breaks it: a reference broken anyway is another problem
            if valid_reference(empty, earlier) or not valid_reference(placeholder, earlier):
                continue
            name = missing[0]
            declared = self._declaration_line(ctx, name)
            result = f"the invalid reference `{empty}`" if empty else "an empty image name"
            value, advice = (
                ("has an empty default", "a non-empty default")
                if global_args.get(name) == ""
                else ("has no default", "a default")
            )
            yield self.problem(
                word,
                f"`FROM {word.raw}` needs `ARG {name}` (line {declared}), which {value}: a plain `docker build` "
                f"substitutes an empty string and fails on {result}; give it {advice} (`ARG {name}=<value>`), "
                "which `--build-arg` still overrides",
            )

    @staticmethod
    def _missing(word: Word, global_args: Mapping[str, str | None], unset: set[str], ctx: RuleContext) -> list[str]:
        """The ARGs without a default that ``word`` uses plainly (``$X``/``${X}``); empty when any variable of it
        is unknown here (undeclared, builtin, a value that is itself unresolved) or an unset ARG is used with
        an operator (``${X:-default}``, ``${X:+x}`` give their own value)."""
        missing: list[str] = []
        for name, _offset, has_operator in variables_used(word.raw):
            if name not in global_args or (global_args[name] and "$" in global_args[name]):
                return []
            if name in unset:
                if has_operator:
                    return []
                if _documented(ctx, name):
                    return []
                if name not in missing:
                    missing.append(name)
        return missing

    @staticmethod
    def _declaration_line(ctx: RuleContext, name: str) -> int:
        """The line of the last global ``ARG`` that declares ``name`` (the one in effect)."""
        first_from = ctx.dockerfile.stages[0].from_instruction.line
        lines = [
            i.line
            for i in ctx.dockerfile.instructions
            if i.keyword == "ARG" and i.line < first_from and any(key == name for key, _v, _w in i.pairs())
        ]
        return lines[-1] if lines else first_from
