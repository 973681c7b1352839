"""ML006 undefined-variable: a variable is used where no ARG or ENV defines it.

Reference page: rules/ML006.md.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

from ...model import Instruction, Severity, Span, Stage, Word
from ...variables import variables_used
from ..base import Problem, Rule, RuleContext
from ._shared import BUILTIN_ARGS as BUILTIN_ARGS  # re-exported: the package names it
from ._shared import _flag_value_span

# ML006

#: Instructions whose arguments Docker expands (RUN, CMD, ENTRYPOINT, HEALTHCHECK and SHELL are left to the
#: shell at build or run time; ONBUILD runs in another build, with another scope).
EXPANDED = frozenset(
    {"ADD", "COPY", "ENV", "ARG", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
)


def _masked(raw: str, escape: str) -> str:
    """``raw`` with the text Docker does not expand blanked: single-quoted parts and escaped characters."""
    out: list[str] = []
    index, quote = 0, ""
    while index < len(raw):
        char = raw[index]
        if quote == "'":
            out.append(char if char == "'" else " ")
            quote = "" if char == "'" else quote
        elif char == escape and index + 1 < len(raw):
            out.append("  ")
            index += 2
            continue
        else:
            if char == "'" and not quote:
                quote = "'"
            elif char == '"':
                quote = "" if quote == '"' else '"'
            out.append(char)
        index += 1
    return "".join(out)


def _sub_span(word: Word, start: int, length: int) -> Span:
    span = word.span
    if span.line != span.end_line or span.end_column - span.column != len(word.raw):
        return span
    return Span(span.line, span.column + start, span.line, span.column + start + length)


def _reference_length(text: str, offset: int, name: str) -> int:
    """Length of the ``$NAME`` or ``${NAME}`` reference at ``offset``."""
    return len(name) + (3 if text[offset + 1 : offset + 2] == "{" else 1)


class _Use:
    __slots__ = ("name", "pair", "span")

    def __init__(self, name: str, span: Span, pair: str | None) -> None:
        self.name, self.span, self.pair = name, span, pair


def _uses(instruction: Instruction, escape: str) -> Iterator[_Use]:
    """Variables without a default (``$V``, ``${V}``) in the parts of ``instruction`` Docker expands."""
    keyword = instruction.keyword
    for flag in instruction.flags:
        if keyword in ("COPY", "ADD", "FROM") and flag.value:
            for name, offset, has_default in variables_used(_masked(flag.value, escape)):
                if not has_default:
                    yield _Use(name, _flag_value_span(flag, offset, _reference_length(flag.value, offset, name)), None)
    words = instruction.arguments
    if keyword == "FROM":
        words = words[:1]
    legacy = keyword in ("ENV", "LABEL") and bool(words) and "=" not in words[0].raw
    for index, word in enumerate(words):
        raw, start, pair = word.raw, 0, None
        if keyword in ("ENV", "ARG", "LABEL"):
            if legacy:
                if index == 0:
                    continue
                pair = words[0].text
            else:
                key, equals, _value = raw.partition("=")
                if not equals:
                    continue
                start, pair = len(key) + 1, key.strip("\"'")
        for name, offset, has_default in variables_used(_masked(raw[start:], escape)):
            if not has_default:
                length = _reference_length(raw, start + offset, name)
                yield _Use(name, _sub_span(word, start + offset, length), pair)


def _declarations(instruction: Instruction) -> list[tuple[str, str | None]]:
    if instruction.keyword not in ("ARG", "ENV"):
        return []
    return [(name, value) for name, value, _word in instruction.pairs()]


def _defining_declarations(body: list[Instruction]) -> dict[str, list[tuple[int, Instruction]]]:
    """For each variable, the positions (in ``body``) of the ARG/ENV instructions that define it, once per
    stage, so each use finds the next one by bisection. A declaration that extends its own value
    (``ENV PATH=/x:$PATH``) extends what the base image may set, so it does not count as the definition."""
    declared: dict[str, list[tuple[int, Instruction]]] = {}
    for position, instruction in enumerate(body):
        for name, value in _declarations(instruction):
            if value and any(used[0] == name for used in variables_used(value)):
                continue
            entries = declared.setdefault(name, [])
            if not entries or entries[-1][0] != position:
                entries.append((position, instruction))
    return declared


class UndefinedVariable(Rule):
    """``$VAR``/``${VAR}`` in an instruction Docker expands, where no ARG/ENV in scope defines it.

    Only cases the Dockerfile itself proves are reported, because a base image can define any ENV:
    a FROM line (or a global ARG) using a variable no global ARG declares; a variable used before the
    ARG/ENV that declares it later in the stage (or in the same ENV, which substitutes old values); a
    global ARG not redeclared in the stage; an ARG declared only in another stage; and any undefined
    variable in a stage built from ``scratch``. Builtin ARGs, RUN/CMD/ENTRYPOINT/HEALTHCHECK bodies and
    ``${VAR:-default}`` forms are never reported."""

    id = "ML006"
    name = "undefined-variable"
    severity = Severity.WARNING
    summary = "a variable is used where no ARG or ENV defines it"
    tags = ("correctness",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        dockerfile = ctx.dockerfile
        escape = dockerfile.escape
        global_arg_lines: dict[str, int] = {}
        stage_arg_lines: dict[str, list[tuple[int, int]]] = {}  # name -> [(stage index, line)]
        for instruction in dockerfile.instructions:
            if instruction.keyword != "ARG":
                continue
            for name, _value in _declarations(instruction):
                if instruction.stage_index is None:
                    global_arg_lines.setdefault(name, instruction.line)
                else:
                    stage_arg_lines.setdefault(name, []).append((instruction.stage_index, instruction.line))

        for instruction in dockerfile.instructions:
            if instruction.stage_index is None and instruction.keyword == "ARG":
                yield from self._global(instruction, escape, stage_arg_lines)
        for stage in dockerfile.stages:
            yield from self._global(stage.from_instruction, escape, stage_arg_lines)
            lineage = ctx.lineage(stage)
            root = lineage[0].image
            from_scratch = root is not None and root.is_scratch
            body = list(stage.body)
            declared = _defining_declarations(body)
            for position, instruction in enumerate(body):
                if instruction.keyword not in EXPANDED:
                    continue
                for use in _uses(instruction, escape):
                    if use.name in instruction.scope or use.name in BUILTIN_ARGS:
                        continue
                    message = self._in_stage(use, instruction, position, declared, stage, stage_arg_lines)
                    if message is None and use.name in global_arg_lines:
                        message = (
                            f"`${use.name}` is a global ARG (line {global_arg_lines[use.name]}), which only FROM "
                            f"lines see: add `ARG {use.name}` inside this stage to use it here"
                        )
                    if message is None and from_scratch and use.name != "PATH":  # BuildKit always sets PATH
                        message = (
                            f"`${use.name}` is not defined by any ARG or ENV in scope (the stage is built from "
                            f"scratch, so nothing else can define it): declare it with ARG or ENV first"
                        )
                    if message is not None:
                        yield self.problem(use.span, message)

    def _global(
        self, instruction: Instruction, escape: str, stage_arg_lines: dict[str, list[tuple[int, int]]]
    ) -> Iterator[Problem]:
        """FROM lines and global ARGs see only global ARGs (and builtins): their scope is fully known."""
        for use in _uses(instruction, escape):
            if use.name in instruction.scope or use.name in BUILTIN_ARGS:
                continue
            if use.name in stage_arg_lines:
                where = (
                    f"the ARG on line {stage_arg_lines[use.name][0][1]} is inside a stage, which FROM lines do not see"
                )
                fix = f"move `ARG {use.name}` above the first FROM"
            else:
                where = "no ARG before the first FROM declares it"
                fix = f"add `ARG {use.name}=<default>` above the first FROM, or write `${{{use.name}:-default}}`"
            yield self.problem(use.span, f"`${use.name}` is undefined here: {where}; {fix}")

    @staticmethod
    def _in_stage(
        use: _Use,
        instruction: Instruction,
        position: int,
        declared: dict[str, list[tuple[int, Instruction]]],
        stage: Stage,
        stage_arg_lines: dict[str, list[tuple[int, int]]],
    ) -> str | None:
        same_env = instruction.keyword == "ENV" and use.pair != use.name
        if same_env and any(name == use.name for name, _value in _declarations(instruction)):
            return (
                f"`${use.name}` is set in this same ENV instruction, but Docker substitutes the value from "
                f"before it: set `{use.name}` in an earlier ENV"
            )
        later = declared.get(use.name, [])
        index = bisect_right(later, position, key=lambda entry: entry[0])
        if index < len(later):
            candidate = later[index][1]
            return (
                f"`${use.name}` is used before the {candidate.keyword} on line {candidate.line} defines it: "
                f"move that {candidate.keyword} above this line"
            )
        elsewhere = [line for index, line in stage_arg_lines.get(use.name, ()) if index != stage.index]
        if elsewhere:
            return (
                f"`${use.name}` is declared by the ARG on line {elsewhere[0]}, in a stage this one is not built "
                f"FROM: an ARG reaches only its own stage and the stages built FROM it; add `ARG {use.name}` in "
                "this stage"
            )
        return None
