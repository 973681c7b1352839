"""ML0xx: Dockerfile correctness."""

from __future__ import annotations

import difflib
import posixpath
import re
from bisect import bisect_right
from collections.abc import Iterator

from ..baseimages import known_base
from ..model import Flag, Instruction, Severity, Span, Stage, Word
from ..text import expand, variables_used
from .base import Problem, Rule, RuleContext
from .common import from_image_word, workdir_before


class UnusedSuppression(Rule):
    """An inline ``# mllint: ignore=...`` that silences nothing. Reported by the engine when
    ``--warn-unused-ignores`` is given, since only the engine sees every rule's findings: ``suppress.py`` builds
    the finding from this class's ``id``, ``name`` and ``severity`` (a ``--severity ML000=...`` override wins)."""

    id = "ML000"
    name = "unused-suppression"
    severity = Severity.WARNING
    summary = "an inline ignore comment silences nothing"
    tags = ("correctness",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        return iter(())


class SyntaxError_(Rule):
    """An instruction that Docker cannot parse: unknown instruction, unterminated heredoc or JSON array,
    a missing FROM, an instruction without its argument."""

    id = "ML001"
    name = "syntax-error"
    severity = Severity.ERROR
    summary = "an instruction cannot be parsed"
    tags = ("correctness",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for problem in ctx.dockerfile.problems:
            yield self.problem(problem.span, problem.message)


# ---------------------------------------------------------------------------------------------------------
# ML002


def _is_image_reference(text: str) -> bool:
    """Stage names are plain words; a registry, path, tag or digest makes ``text`` an image reference."""
    return any(char in text for char in "/:@.")


def _similar_stage(name: str, stages: list[Stage]) -> Stage | None:
    names = {stage.name.lower(): stage for stage in stages if stage.name}
    if len(name) < 4:
        return None
    close = difflib.get_close_matches(name.lower(), list(names), n=1, cutoff=0.8)
    return names[close[0]] if close else None


def _flag_value_span(flag: Flag, start: int, length: int) -> Span:
    """The span of ``length`` characters at ``start`` of the flag's value (the whole flag if it spans lines)."""
    span = flag.span
    prefix = len(flag.name) + 3  # `--name=`
    if span.line != span.end_line or span.end_column - span.column != prefix + len(flag.value or ""):
        return span
    column = span.column + prefix + start
    return Span(span.line, column, span.line, column + length)


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
                    expanded, resolved = expand(reference, instruction.scope)
                    if not resolved or not expanded or _is_image_reference(expanded):
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


# ---------------------------------------------------------------------------------------------------------
# ML003


class DuplicateStageName(Rule):
    """Two ``FROM ... AS name`` with the same name (stage names are case-insensitive)."""

    id = "ML003"
    name = "duplicate-stage-name"
    severity = Severity.ERROR
    summary = "two stages have the same name"
    tags = ("correctness",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        seen: dict[str, Stage] = {}
        for stage in ctx.dockerfile.stages:
            if not stage.name:
                continue
            key = stage.name.lower()
            first = seen.get(key)
            if first is None:
                seen[key] = stage
                continue
            words = stage.from_instruction.arguments
            at = words[2] if len(words) >= 3 else stage.from_instruction
            yield self.problem(
                at,
                f"stage name `{stage.name}` is already used by the stage on line {first.from_instruction.line}: "
                "give each stage a unique name (BuildKit rejects duplicates; other builders silently pick one)",
            )


# ---------------------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------------------
# ML005

_ABSOLUTE = re.compile(r"^(?:/|\$|\\|[A-Za-z]:[\\/]?)")


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
            tilde = " (`~` is not expanded by Docker)" if path.startswith("~") else ""
            yield self.problem(
                word,
                f"WORKDIR `{path}` is relative{tilde}: it resolves against the previous WORKDIR, which a base "
                f"image can change; {self._advice(ctx, instruction, path)}",
            )

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


# ---------------------------------------------------------------------------------------------------------
# ML006

#: Docker's predefined ARGs: usable without an ARG line (platform ARGs in FROM lines; proxies everywhere).
BUILTIN_ARGS = frozenset(
    {
        "TARGETPLATFORM",
        "TARGETOS",
        "TARGETARCH",
        "TARGETVARIANT",
        "BUILDPLATFORM",
        "BUILDOS",
        "BUILDARCH",
        "BUILDVARIANT",
        "TARGETSTAGE",
        "BUILDKIT_SYNTAX",
        "BUILDKIT_INLINE_CACHE",
        "BUILDKIT_MULTI_PLATFORM",
        "BUILDKIT_SANDBOX_HOSTNAME",
        "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
        "SOURCE_DATE_EPOCH",
    }
    | {f"{name}_PROXY" for name in ("HTTP", "HTTPS", "FTP", "NO", "ALL")}
    | {f"{name}_proxy" for name in ("http", "https", "ftp", "no", "all")}
)
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


RULES: list[type[Rule]] = [
    UnusedSuppression,
    SyntaxError_,
    UnknownStageReference,
    DuplicateStageName,
    OverriddenInstruction,
    RelativeWorkdir,
    UndefinedVariable,
]
