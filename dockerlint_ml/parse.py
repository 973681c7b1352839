"""Bytes -> :class:`Dockerfile` model: our own line scanner, spans, heredocs, flags, JSON forms and scopes.

The scanner groups physical lines into instructions the way Docker does: ``\\`` (or the ``# escape=``
character) continues a line, comment and blank lines inside a continuation are skipped, a continuation on
the last line still ends the instruction, heredoc bodies belong to their ``RUN``/``COPY``/``ADD``. It used to
hand a sanitized copy to dockerfile-parse for ``Instruction.value``; that dependency is gone (README, "Design
notes": same model on a 122-file corpus, splitting 3x faster without it, ~4 ms less start-up).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Hashable, Iterator, Mapping, MutableMapping

from .images import parse_image_ref
from .logical_text import LogicalText, split_words
from .model import (
    Dockerfile,
    Flag,
    Heredoc,
    Instruction,
    Span,
    Stage,
    SyntaxProblem,
    Word,
)
from .shell import commands_for
from .variables import expand

KNOWN_INSTRUCTIONS = frozenset(
    [
        "FROM",
        "RUN",
        "CMD",
        "LABEL",
        "MAINTAINER",
        "EXPOSE",
        "ENV",
        "ADD",
        "COPY",
        "ENTRYPOINT",
        "VOLUME",
        "USER",
        "WORKDIR",
        "ARG",
        "ONBUILD",
        "STOPSIGNAL",
        "HEALTHCHECK",
        "SHELL",
    ]
)
HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
SHELL_INSTRUCTIONS = frozenset({"RUN", "CMD", "ENTRYPOINT"})
EXEC_FORM_INSTRUCTIONS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "HEALTHCHECK"})
NEEDS_ARGUMENT = KNOWN_INSTRUCTIONS - {"HEALTHCHECK"}
MAX_BYTES = 10 * 1024 * 1024

_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$")
# `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`; not `<<<` here-strings nor `1 << 2` arithmetic.
_HEREDOC = re.compile(r"(?<!<)<<(-?)(?!<)\s*(?:\"([A-Za-z_][\w.-]*)\"|'([A-Za-z_][\w.-]*)'|([A-Za-z_][\w.-]*))")
_FLAG = re.compile(r"--([a-zA-Z][a-zA-Z0-9-]*)(?:=(\S*))?")


class InputError(Exception):
    """The input cannot be read as a Dockerfile at all (reported as a one-line error, exit code 2)."""


def decode(data: bytes) -> str:
    """Decode bytes to text with ``\\n`` line endings; raise :class:`InputError` with a one-line reason."""
    if len(data) > MAX_BYTES:
        raise InputError(f"file is too large ({len(data) // (1024 * 1024)} MiB; the limit is 10 MiB)")
    if b"\x00" in data:
        raise InputError("binary file (contains NUL bytes), not a Dockerfile")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"not valid UTF-8 (byte {error.start})") from None
    return text.removeprefix("\ufeff")


class _RawInstruction:
    """One instruction as found by the line scanner (0-based line indexes). A plain class, not a dataclass:
    creating one of those costs start-up time (records.py)."""

    __slots__ = ("content_lines", "empty_lines", "end", "heredocs", "start")

    def __init__(
        self,
        start: int,
        end: int,
        content_lines: list[int],
        empty_lines: list[int] | None = None,
        heredocs: list[tuple[str, bool, bool, int, int, bool]] | None = None,
    ) -> None:
        self.start = start
        self.end = end
        self.content_lines = content_lines
        self.empty_lines = [] if empty_lines is None else empty_lines  # blank lines the continuation skipped
        # (name, strip_tabs, quoted, body_start, terminator_line, terminated)
        self.heredocs = [] if heredocs is None else heredocs

    @property
    def last_line(self) -> int:
        return self.heredocs[-1][4] if self.heredocs else self.end


def _continues(line: str, escape: str) -> bool:
    stripped = line.rstrip()
    return (stripped.endswith(escape) and not stripped.endswith(escape * 2)) or stripped == escape


def _scan(lines: list[str], escape: str) -> tuple[list[_RawInstruction], list[tuple[int, str]]]:
    """Group physical lines into instructions, skipping comments/blank lines inside continuations."""
    found: list[_RawInstruction] = []
    comments: list[tuple[int, str]] = []
    index, count = 0, len(lines)
    while index < count:
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            if stripped:
                comments.append((index + 1, stripped))
            index += 1
            continue
        raw = _RawInstruction(start=index, end=index, content_lines=[index])
        current = lines[index]
        blanks: list[int] = []  # kept only when more of the instruction follows (not at the end of the file)
        while _continues(current, escape) and index + 1 < count:
            index += 1
            following = lines[index].strip()
            if not following or following.startswith("#"):
                if following:
                    comments.append((index + 1, following))
                else:
                    blanks.append(index)
                continue
            raw.empty_lines.extend(blanks)
            blanks.clear()
            raw.content_lines.append(index)
            current = lines[index]
        raw.end = index
        keyword = stripped.split(None, 1)[0].upper()
        if keyword == "ONBUILD" and len(stripped.split(None, 2)) > 1:
            keyword = stripped.split(None, 2)[1].upper()
        if keyword in HEREDOC_INSTRUCTIONS:
            index = _scan_heredocs(raw, lines, escape)
        found.append(raw)
        index += 1
    return found, comments


def _scan_heredocs(raw: _RawInstruction, lines: list[str], escape: str) -> int:
    """Attach heredoc bodies that follow ``raw``; return the index of its last line."""
    joined = "".join(lines[i] for i in raw.content_lines)
    position = raw.end
    for match in _HEREDOC.finditer(joined):
        strip_tabs = match.group(1) == "-"
        name = match.group(2) or match.group(3) or match.group(4)
        quoted = match.group(4) is None
        body_start = position + 1
        line_index = body_start
        while line_index < len(lines):
            candidate = lines[line_index].lstrip("\t") if strip_tabs else lines[line_index]
            if candidate.rstrip() == name:
                break
            line_index += 1
        terminated = line_index < len(lines)
        terminator = line_index if terminated else len(lines) - 1
        raw.heredocs.append((name, strip_tabs, quoted, body_start, terminator, terminated))
        position = terminator
    return position


def _directives(lines: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        match = _DIRECTIVE.match(line.strip())
        if not match or match.group(1).lower() in found:
            break
        found[match.group(1).lower()] = match.group(2)
    return found


def _split_flags(body: LogicalText, offset: int) -> tuple[list[Flag], int]:
    """Leading ``--name[=value]`` flags of an instruction; returns them and the offset after them."""
    flags: list[Flag] = []
    text = body.text
    while True:
        while offset < len(text) and text[offset] in " \t":
            offset += 1
        match = _FLAG.match(text, offset)
        if not match or (match.end() < len(text) and text[match.end()] not in " \t"):
            return flags, offset
        flags.append(Flag(match.group(1).lower(), match.group(2), body.span(match.start(), match.end())))
        offset = match.end()


def _exec_form(args: str) -> tuple[str, ...] | None:
    stripped = args.strip()
    if not stripped.startswith("["):
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def _test_command(args: str) -> bool:
    """Shell form that starts with the ``[``/``[[`` test command (``[ -n "$X" ] || ...``), not a broken
    exec form: the bracket is followed by a space and no comma separates array items outside quotes."""
    if not re.match(r"\[\[?\s", args):
        return False
    quote = None
    for char in args:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == ",":
            return False
    return True


class Scope(Mapping[str, "str | None"]):
    """The variables visible before one instruction: a read-only view into its stage's assignment history.

    Each instruction gets a view instead of a copy, so 200 000 ENV lines cost O(n) memory, not O(n²).
    """

    __slots__ = ("_history", "_position")

    def __init__(self, history: _History, position: int) -> None:
        self._history = history
        self._position = position

    def __getitem__(self, name: str) -> str | None:
        entries = self._history.assignments.get(name)
        if entries:
            count = bisect_left(entries, (self._position,))
            if count:
                return entries[count - 1][1]
        return self._history.base[name]

    def _names(self) -> dict[str, None]:
        names = dict.fromkeys(self._history.base)
        for name, entries in self._history.assignments.items():
            if entries[0][0] < self._position:
                names[name] = None
        return names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __repr__(self) -> str:
        return f"Scope({dict(self)!r})"


class _History:
    """Assignments of one stage (or of the global ARGs), in instruction order."""

    def __init__(self, base: Mapping[str, str | None]) -> None:
        self.base = base
        self.assignments: dict[str, list[tuple[int, str | None]]] = {}
        self.position = 0

    def view(self) -> Scope:
        """The scope of the next instruction; its own assignments come after this view."""
        self.position += 1
        return Scope(self, self.position)

    def set(self, name: str, value: str | None) -> None:
        self.assignments.setdefault(name, []).append((self.position, value))


class _StageState:
    """Variables in scope while walking one stage; ENV names are kept apart because children inherit them."""

    __slots__ = ("env_names", "history", "variables")

    def __init__(
        self,
        variables: dict[str, str | None] | None = None,
        env_names: set[str] | None = None,
        history: _History | None = None,
    ) -> None:
        self.variables = {} if variables is None else variables
        self.env_names = set() if env_names is None else env_names
        self.history = _History({}) if history is None else history

    def assign(self, name: str, value: str | None) -> None:
        self.variables[name] = value
        self.history.set(name, value)

    def env(self) -> dict[str, str | None]:
        return {name: self.variables[name] for name in self.env_names}

    def inherited(self) -> tuple[dict[str, str | None], set[str]]:
        """What a stage built ``FROM`` this one starts with: its ARGs and ENV (BuildKit: "arguments and
        variables are inherited from parent stages"), and which of them are ENV."""
        return dict(self.variables), set(self.env_names)


#: instructions parsed before (with the syntax problems found in them), keyed by their physical lines, where
#: they start and the escape character: all an instruction is parsed from but the variables in scope. The
#: language server keeps one per document, so an edit re-parses (tree-sitter included) only the instructions
#: it touched. The key has the line numbers, so the spans of a reused instruction are exact.
ParseCache = MutableMapping[Hashable, tuple[Instruction, tuple[SyntaxProblem, ...]]]


class _Builder:
    def __init__(self, path: str, text: str, cache: ParseCache | None = None) -> None:
        self.path = path
        self.cache = cache
        self.text = text
        self.lines = text.split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.directives = _directives(self.lines)
        escape = self.directives.get("escape", "\\")
        self.escape = escape if escape in ("\\", "`") else "\\"
        self.problems: list[SyntaxProblem] = []

    def build(self) -> Dockerfile:
        raws, comments = _scan(self.lines, self.escape)
        global_args: dict[str, str | None] = {}
        global_history = _History({})
        stages: list[Stage] = []
        stage_envs: list[tuple[dict[str, str | None], set[str]]] = []
        all_instructions: list[Instruction] = []
        pending: tuple[dict, list[Instruction], _StageState] | None = None

        def close_stage() -> None:
            if pending is not None:
                details, body, state = pending
                stages.append(Stage(instructions=tuple(body), **details))
                stage_envs.append(state.inherited())

        for raw in raws:
            keyword = self.lines[raw.start].split(None, 1)[0].upper()
            scope = pending[2].history.view() if pending and keyword != "FROM" else global_history.view()
            # its stage (a FROM starts the next): a reused instruction is then copied once, not twice
            starts = keyword == "FROM"
            stage = len(stages) + (pending is not None and starts) if pending is not None or starts else None
            instruction = self._instruction(raw, scope, stage)
            if instruction.keyword == "FROM":
                close_stage()
                details, state = self._start_stage(instruction, stages, stage_envs, global_args)
                instruction = details["from_instruction"]
                pending = (details, [instruction], state)
            elif pending is None:
                self._before_first_from(instruction, global_args, global_history)
            else:
                instruction = _with_stage(instruction, len(stages))
                pending[1].append(instruction)
                self._apply_scope(instruction, pending[2], global_args)
            all_instructions.append(instruction)
        close_stage()
        if not stages and all_instructions:
            self.problems.append(
                SyntaxProblem("no FROM instruction: a Dockerfile must start a stage", all_instructions[0].span)
            )
        return Dockerfile(
            path=self.path,
            text=self.text,
            lines=tuple(self.lines),
            newline="\n",
            instructions=tuple(all_instructions),
            stages=tuple(stages),
            global_args=global_args,
            directives=self.directives,
            comments=tuple(comments),
            problems=tuple(sorted(self.problems, key=lambda p: (p.span.line, p.span.column))),
            escape=self.escape,
        )

    def _before_first_from(
        self, instruction: Instruction, global_args: dict[str, str | None], history: _History
    ) -> None:
        if instruction.keyword == "ARG":
            before = dict(global_args)  # `ARG B=$A/x` sees the global ARGs declared before it
            for name, value, _word in instruction.pairs():
                value = _expand_default(value, before)
                global_args[name] = value
                history.set(name, value)
        elif instruction.keyword in KNOWN_INSTRUCTIONS:
            self.problems.append(
                SyntaxProblem(
                    f"{instruction.keyword} before the first FROM: only ARG may come before FROM",
                    instruction.keyword_span,
                )
            )

    def _start_stage(
        self,
        instruction: Instruction,
        stages: list[Stage],
        stage_envs: list[tuple[dict[str, str | None], set[str]]],
        global_args: Mapping[str, str | None],
    ) -> tuple[dict, _StageState]:
        words = [w.text for w in instruction.arguments]
        name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
        base_text = words[0] if words else ""
        expanded, resolved = expand(base_text, global_args)
        parent = None
        for stage in stages:
            if stage.name is not None and stage.name.lower() == expanded.lower():
                parent = stage.index
        inherited, env_names = stage_envs[parent] if parent is not None else ({}, set())
        image = None if parent is not None or not expanded else parse_image_ref(expanded, resolved)
        if not words:
            self.problems.append(SyntaxProblem("FROM needs an image: `FROM image[:tag] [AS name]`", instruction.span))
        elif len(words) not in (1, 3) or (len(words) == 3 and words[1].lower() != "as"):
            self.problems.append(
                SyntaxProblem("malformed FROM: expected `FROM image[:tag] [AS name]`", instruction.span)
            )
        details = {
            "index": len(stages),
            "name": name,
            "from_instruction": _with_stage(instruction, len(stages)),
            "base_text": expanded,
            "image": image,
            "parent": parent,
        }
        return details, _StageState(variables=dict(inherited), env_names=env_names, history=_History(inherited))

    def _apply_scope(self, instruction: Instruction, state: _StageState, global_args: Mapping[str, str | None]) -> None:
        if instruction.keyword == "ARG":
            for name, value, _word in instruction.pairs():
                if value is None and name in state.variables:
                    value = state.variables[name]  # inherited from the parent stage
                elif value is None and name in global_args:
                    value = global_args[name]
                else:
                    value = _expand_default(value, instruction.scope)
                if name not in state.env_names:  # an ENV of the same name wins over the ARG
                    state.assign(name, value)
        elif instruction.keyword == "ENV":
            before = instruction.scope  # `ENV A=1 B=$A`: Docker substitutes the values from before the ENV
            for name, value, _word in instruction.pairs():
                state.assign(name, expand(value, before)[0] if value else value)
                state.env_names.add(name)

    def _instruction(self, raw: _RawInstruction, scope: Mapping[str, str | None], stage: int | None) -> Instruction:
        """The instruction of ``raw``: parsed, or a copy of the one ``self.cache`` has for the same lines (in
        ``stage``; a parsed one gets its stage later, as a wrong guess would)."""
        cache = self.cache
        if cache is None:
            return self._parse_instruction(raw, scope)
        key = (raw.start, self.escape, tuple(self.lines[raw.start : raw.last_line + 1]))
        hit = cache.get(key)
        if hit is None:
            before = len(self.problems)
            instruction = self._parse_instruction(raw, scope)
            cache[key] = (instruction, tuple(self.problems[before:]))
            return instruction
        instruction, problems = hit
        self.problems.extend(problems)
        onbuild = None if instruction.onbuild is None else instruction.onbuild.replace(scope=scope)
        return instruction.replace(scope=scope, onbuild=onbuild, stage_index=stage)  # a copy: memos start empty

    def _parse_instruction(self, raw: _RawInstruction, scope: Mapping[str, str | None]) -> Instruction:
        body = LogicalText.from_lines(self.lines, raw.content_lines, self.escape)
        keyword_match = re.match(r"\s*(\S+)", body.text)
        assert keyword_match is not None  # the scanner only yields non-blank lines
        raw_keyword = keyword_match.group(1)
        keyword = raw_keyword.upper()
        keyword_span = body.span(keyword_match.start(1), keyword_match.end(1))
        last = raw.last_line
        span = Span(raw.start + 1, keyword_span.column, last + 1, len(self.lines[last].rstrip()) + 1)
        value = body.text[keyword_match.end() :].strip()
        if _continues(self.lines[raw.content_lines[-1]], self.escape):  # a continuation on the very last line
            value = value[: -len(self.escape)].rstrip()
        return self._make(raw, body, keyword_match.end(), keyword, raw_keyword, keyword_span, span, value, scope)

    def _make(
        self,
        raw: _RawInstruction,
        body: LogicalText,
        offset: int,
        keyword: str,
        raw_keyword: str,
        keyword_span: Span,
        span: Span,
        value: str,
        scope: Mapping[str, str | None],
    ) -> Instruction:
        onbuild = None
        if keyword == "ONBUILD":
            inner = re.match(r"\s*(\S+)", body.text[offset:])
            if inner:
                inner_keyword = inner.group(1)
                start = offset + inner.start(1)
                inner_span = body.span(start, offset + inner.end(1))
                onbuild = self._make(
                    raw,
                    body,
                    offset + inner.end(1),
                    inner_keyword.upper(),
                    inner_keyword,
                    inner_span,
                    span,
                    body.text[offset + inner.end(1) :].strip(),
                    scope,
                )
        if keyword not in KNOWN_INSTRUCTIONS:
            self.problems.append(
                SyntaxProblem(f"unknown instruction `{raw_keyword}`: check the spelling", keyword_span)
            )
        flags, args_offset = _split_flags(body, offset) if keyword != "ONBUILD" else ([], offset)
        args = body.text[args_offset:].strip()
        if keyword in NEEDS_ARGUMENT and not args and not raw.heredocs:
            self.problems.append(SyntaxProblem(f"{keyword} needs an argument", span))
        exec_form = _exec_form(args) if keyword in EXEC_FORM_INSTRUCTIONS or keyword in ("COPY", "ADD") else None
        if exec_form is None and keyword in EXEC_FORM_INSTRUCTIONS and args.startswith("[") and not _test_command(args):
            self.problems.append(
                SyntaxProblem(
                    f"{keyword} looks like exec form but is not a valid JSON array of strings "
                    '(use double quotes: ["cmd", "arg"])',
                    span,
                )
            )
        heredocs = tuple(self._heredoc(entry) for entry in raw.heredocs)
        arguments = tuple(split_words(body, args_offset))
        commands = ()
        if keyword in SHELL_INSTRUCTIONS or keyword == "HEALTHCHECK":
            commands = commands_for(keyword, body, args_offset, arguments, exec_form, heredocs)
        return Instruction(
            keyword=keyword,
            raw_keyword=raw_keyword,
            value=value,
            args=args,
            flags=tuple(flags),
            arguments=arguments,
            exec_form=exec_form,
            span=span,
            keyword_span=keyword_span,
            stage_index=None,
            scope=scope,
            heredocs=heredocs,
            commands=commands,
            onbuild=onbuild,
            key_values=_pairs(keyword, args, arguments),
            empty_continuation_lines=tuple(line + 1 for line in raw.empty_lines),
        )

    def _heredoc(self, entry: tuple[str, bool, bool, int, int, bool]) -> Heredoc:
        name, strip_tabs, quoted, body_start, terminator, terminated = entry
        body_end = terminator if terminated else terminator + 1
        body_lines = self.lines[body_start:body_end]
        if strip_tabs:
            body_lines = [line.lstrip("\t") for line in body_lines]
        if not terminated:
            self.problems.append(
                SyntaxProblem(
                    f"unterminated heredoc <<{name}: add a line `{name}` to end it",
                    Span(body_start, 1, body_start, 1) if body_start else Span(1, 1, 1, 1),
                )
            )
        end = min(terminator, len(self.lines) - 1)
        return Heredoc(
            name=name,
            body="\n".join(body_lines) + ("\n" if body_lines else ""),
            span=Span(body_start + 1, 1, end + 1, len(self.lines[end]) + 1 if self.lines else 1),
            body_start_line=body_start + 1,
            strip_tabs=strip_tabs,
            quoted=quoted,
        )


def _expand_default(value: str | None, scope: Mapping[str, str | None]) -> str | None:
    """An ARG default with the variables declared before it substituted (``ARG IMAGE=$REGISTRY/base``); a
    reference Docker cannot resolve here is kept as written, so the value stays unresolved."""
    if not value or "$" not in value:
        return value
    return expand(value, scope)[0]


def _with_stage(instruction: Instruction, stage_index: int | None) -> Instruction:
    if instruction.stage_index == stage_index:
        return instruction
    return instruction.replace(stage_index=stage_index)


def parse_text(text: str, path: str = "Dockerfile", cache: ParseCache | None = None) -> Dockerfile:
    """Parse already-decoded text (line endings are normalized here); ``cache``: see :data:`ParseCache` (the
    CLI passes none)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    dockerfile = _Builder(path, normalized, cache).build()
    if newline != "\n":
        dockerfile = dockerfile.replace(newline=newline)
    return dockerfile


def parse_bytes(data: bytes, path: str = "Dockerfile", cache: ParseCache | None = None) -> Dockerfile:
    """Decode and parse; raises :class:`InputError` for input that is not a text Dockerfile."""
    return parse_text(decode(data), path, cache)


def _pairs(keyword: str, args: str, words: tuple[Word, ...]) -> tuple[tuple[str, str | None, Word], ...]:
    """``KEY=value`` pairs of ENV/ARG/LABEL, values unquoted, plus legacy ``ENV KEY value``; computed once here
    and stored in :attr:`Instruction.key_values` (what :meth:`Instruction.pairs` returns)."""
    if not words:
        return ()
    if keyword in ("ENV", "LABEL") and "=" not in words[0].raw:  # Docker: `=` in the raw 1st word
        rest = args[len(words[0].raw) :].strip()
        if len(rest) >= 2 and rest[0] == rest[-1] and rest[0] in "\"'":
            rest = rest[1:-1]
        return ((words[0].text, rest, words[0]),)
    pairs: list[tuple[str, str | None, Word]] = []
    for word in words:
        name, equals, value = word.text.partition("=")
        if not name:
            continue
        pairs.append((name, value if equals else None, word))
    return tuple(pairs)
