"""The typed Dockerfile model every rule reads.

All positions are 1-based; ``end_column`` is the column *after* the last character (SARIF's convention),
so a span can be turned into a text edit without off-by-one guesswork.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from enum import Enum

from .records import Frozen, setfield

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import TypeVar

    _T = TypeVar("_T")


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}


class Span(Frozen):
    _fields = ("line", "column", "end_line", "end_column")
    __slots__ = _fields
    line: int
    column: int
    end_line: int
    end_column: int

    def __init__(self, line: int, column: int, end_line: int, end_column: int) -> None:
        setfield(self, "line", line)
        setfield(self, "column", column)
        setfield(self, "end_line", end_line)
        setfield(self, "end_column", end_column)

    # ordered as a tuple of its fields (``order=True``); compared often, so spelled out
    def _tuple(self) -> tuple[int, int, int, int]:
        return (self.line, self.column, self.end_line, self.end_column)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is Span:
            return self._tuple() == other._tuple()  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.line, self.column, self.end_line, self.end_column))

    def __lt__(self, other: Span) -> bool:
        return self._tuple() < other._tuple() if other.__class__ is Span else NotImplemented

    def __le__(self, other: Span) -> bool:
        return self._tuple() <= other._tuple() if other.__class__ is Span else NotImplemented

    def __gt__(self, other: Span) -> bool:
        return self._tuple() > other._tuple() if other.__class__ is Span else NotImplemented

    def __ge__(self, other: Span) -> bool:
        return self._tuple() >= other._tuple() if other.__class__ is Span else NotImplemented

    def cover(self, other: Span) -> Span:
        """The smallest span that contains both spans."""
        start = min((self.line, self.column), (other.line, other.column))
        end = max((self.end_line, self.end_column), (other.end_line, other.end_column))
        return Span(start[0], start[1], end[0], end[1])


class Edit(Frozen):
    """Replace the text in ``span`` with ``replacement`` (an empty span inserts)."""

    _fields = ("span", "replacement")
    __slots__ = _fields
    span: Span
    replacement: str

    def __init__(self, span: Span, replacement: str) -> None:
        setfield(self, "span", span)
        setfield(self, "replacement", replacement)


class Fix(Frozen):
    _fields = ("description", "edits", "safe", "files")
    __slots__ = _fields
    description: str
    edits: tuple[Edit, ...]
    safe: bool
    #: new files the fix creates beside the Dockerfile's edits: (absolute path, text); never overwrites one
    files: tuple[tuple[str, str], ...]

    def __init__(
        self,
        description: str,
        edits: tuple[Edit, ...],
        safe: bool = True,
        files: tuple[tuple[str, str], ...] = (),
    ) -> None:
        setfield(self, "description", description)
        setfield(self, "edits", edits)
        setfield(self, "safe", safe)
        setfield(self, "files", files)


class Word(Frozen):
    """One shell or instruction word: ``text`` is its value with quotes removed, ``raw`` as written."""

    _fields = ("text", "raw", "span")
    __slots__ = _fields
    text: str
    raw: str
    span: Span

    def __init__(self, text: str, raw: str, span: Span) -> None:
        setfield(self, "text", text)
        setfield(self, "raw", raw)
        setfield(self, "span", span)

    @property
    def has_expansion(self) -> bool:
        return "$" in self.raw


class Option(Frozen):
    """A parsed command-line option: ``--index-url URL`` gives name ``--index-url`` and value ``URL``."""

    _fields = ("name", "value", "span")
    __slots__ = _fields
    name: str
    value: Word | None
    span: Span

    def __init__(self, name: str, value: Word | None, span: Span) -> None:
        setfield(self, "name", name)
        setfield(self, "value", value)
        setfield(self, "span", span)


class Invocation(Frozen):
    """What a known tool (pip, apt-get, conda, curl, ...) was asked to do, from shell.py's option specs."""

    _fields = ("tool", "subcommand", "options", "positionals")
    __slots__ = _fields
    tool: str
    subcommand: str | None
    options: tuple[Option, ...]
    positionals: tuple[Word, ...]

    def __init__(
        self, tool: str, subcommand: str | None, options: tuple[Option, ...], positionals: tuple[Word, ...]
    ) -> None:
        setfield(self, "tool", tool)
        setfield(self, "subcommand", subcommand)
        setfield(self, "options", options)
        setfield(self, "positionals", positionals)

    def has_flag(self, *names: str) -> bool:
        return any(option.name in names for option in self.options)

    def values(self, *names: str) -> list[str]:
        return [o.value.text for o in self.options if o.name in names and o.value is not None]

    def option(self, *names: str) -> Option | None:
        return next((o for o in self.options if o.name in names), None)


class Redirect(Frozen):
    _fields = ("operator", "target")
    __slots__ = _fields
    operator: str
    target: str

    def __init__(self, operator: str, target: str) -> None:
        setfield(self, "operator", operator)
        setfield(self, "target", target)


class Condition(Frozen):
    """One branch of a shell conditional a command runs in: ``if/elif/else``, ``case``, ``[ test ] && cmd``,
    ``test ... || cmd``, ``cmd1 || cmd2`` (cmd2 is a fallback). A plain ``a && b`` is not a conditional: in a
    build that succeeds both run."""

    _fields = ("id", "line", "branch", "branches", "complete", "variables")
    __slots__ = _fields
    id: tuple[int, int]  # (line, column) of the `if`/`case` keyword or the `&&`/`||` operator: unique in the RUN
    line: int  # where the conditional starts (for a list: its left operand, the test or the command that may fail)
    branch: int  # 0 for the `if` body, 1.. for `elif`/`else`; the `case` item; 0 for a list
    branches: int  # explicit branches (`if` + `elif`s + `else`; `case` items; 1 for a list)
    complete: bool  # one branch always runs (`else`, `*)`)
    variables: tuple[str, ...]  # variables its conditions read, in order of appearance

    def __init__(
        self,
        id: tuple[int, int],
        line: int,
        branch: int,
        branches: int,
        complete: bool,
        variables: tuple[str, ...] = (),
    ) -> None:
        setfield(self, "id", id)
        setfield(self, "line", line)
        setfield(self, "branch", branch)
        setfield(self, "branches", branches)
        setfield(self, "complete", complete)
        setfield(self, "variables", variables)


class ShellCommand(Frozen):
    """One simple command of a RUN body (also found inside ``&&`` chains, pipes, ``if``, ``$(...)``, ``sh -c``)."""

    _fields = (
        "name",
        "words",
        "span",
        "pipeline",
        "pipe_index",
        "pipe_length",
        "redirects",
        "assignments",
        "wrapper",
        "invocation",
        "conditions",
        "script",
        "nested_in",
    )
    __slots__ = _fields
    name: str
    words: tuple[Word, ...]
    span: Span
    pipeline: int
    pipe_index: int
    pipe_length: int
    redirects: tuple[Redirect, ...]
    assignments: tuple[tuple[str, str], ...]
    wrapper: str | None
    invocation: Invocation | None
    conditions: tuple[Condition, ...]  # the shell conditionals it runs in, outermost first
    #: the script word a shell ran inline: SCRIPT of `sh -c SCRIPT`, `bash -lc SCRIPT`, `su app -c SCRIPT`
    script: Word | None
    #: for a command of such a script: the index, in its instruction's ``commands``, of the shell that ran it
    nested_in: int | None

    def __init__(
        self,
        name: str,
        words: tuple[Word, ...],
        span: Span,
        pipeline: int,
        pipe_index: int,
        pipe_length: int,
        redirects: tuple[Redirect, ...] = (),
        assignments: tuple[tuple[str, str], ...] = (),
        wrapper: str | None = None,
        invocation: Invocation | None = None,
        conditions: tuple[Condition, ...] = (),
        script: Word | None = None,
        nested_in: int | None = None,
    ) -> None:
        setfield(self, "name", name)
        setfield(self, "words", words)
        setfield(self, "span", span)
        setfield(self, "pipeline", pipeline)
        setfield(self, "pipe_index", pipe_index)
        setfield(self, "pipe_length", pipe_length)
        setfield(self, "redirects", redirects)
        setfield(self, "assignments", assignments)
        setfield(self, "wrapper", wrapper)
        setfield(self, "invocation", invocation)
        setfield(self, "conditions", conditions)
        setfield(self, "script", script)
        setfield(self, "nested_in", nested_in)

    @property
    def argv(self) -> tuple[str, ...]:
        return tuple(word.text for word in self.words)

    @property
    def tool(self) -> str | None:
        return self.invocation.tool if self.invocation else None

    @property
    def subcommand(self) -> str | None:
        return self.invocation.subcommand if self.invocation else None

    def has_flag(self, *names: str) -> bool:
        return self.invocation.has_flag(*names) if self.invocation else False


class Flag(Frozen):
    """An instruction flag such as ``--from=builder`` or ``--mount=type=cache,target=/root/.cache/pip``."""

    _fields = ("name", "value", "span")
    __slots__ = _fields
    name: str
    value: str | None
    span: Span

    def __init__(self, name: str, value: str | None, span: Span) -> None:
        setfield(self, "name", name)
        setfield(self, "value", value)
        setfield(self, "span", span)

    def mount_options(self) -> dict[str, str]:
        """``--mount`` values as a dict (``type`` defaults to ``bind`` as in BuildKit)."""
        options = {"type": "bind"}
        for part in (self.value or "").split(","):
            key, _, val = part.partition("=")
            options[key.strip().lower()] = val.strip()
        return options


class Heredoc(Frozen):
    _fields = ("name", "body", "span", "body_start_line", "strip_tabs", "quoted")
    __slots__ = _fields
    name: str
    body: str
    span: Span
    body_start_line: int
    strip_tabs: bool
    quoted: bool

    def __init__(self, name: str, body: str, span: Span, body_start_line: int, strip_tabs: bool, quoted: bool) -> None:
        setfield(self, "name", name)
        setfield(self, "body", body)
        setfield(self, "span", span)
        setfield(self, "body_start_line", body_start_line)
        setfield(self, "strip_tabs", strip_tabs)
        setfield(self, "quoted", quoted)


class ImageRef(Frozen):
    """A parsed image reference. ``repository`` is normalized: ``docker.io/library/python`` -> ``python``."""

    _fields = ("raw", "registry", "repository", "tag", "digest", "resolved")
    __slots__ = _fields
    raw: str
    registry: str | None
    repository: str
    tag: str | None
    digest: str | None
    resolved: bool

    def __init__(
        self,
        raw: str,
        registry: str | None,
        repository: str,
        tag: str | None,
        digest: str | None,
        resolved: bool,
    ) -> None:
        setfield(self, "raw", raw)
        setfield(self, "registry", registry)
        setfield(self, "repository", repository)
        setfield(self, "tag", tag)
        setfield(self, "digest", digest)
        setfield(self, "resolved", resolved)

    @property
    def name(self) -> str:
        return self.repository.rsplit("/", 1)[-1]

    @property
    def is_scratch(self) -> bool:
        return self.repository == "scratch"


def memo(owner: object, key: Hashable, compute: Callable[[], _T]) -> _T:
    """A value derived from ``owner`` alone, computed once and cached on ``owner`` itself (an ``Instruction``,
    ``Stage`` or ``Dockerfile``: frozen, ``eq=False``, no slots, so its ``__dict__`` takes the entry). The cache
    lives and dies with the object it describes: no module-level table keyed by ``id()``, nothing shared
    between files or threads (a race at worst computes the same value twice). ``key`` names the derivation
    (a string, or a tuple with its parameters). A copy made with ``dataclasses.replace`` starts empty."""
    cache = owner.__dict__.get("_memo")
    if cache is None:
        cache = owner.__dict__.setdefault("_memo", {})
    try:
        return cache[key]
    except KeyError:
        value = cache[key] = compute()
        return value


class Instruction(Frozen):
    """One instruction, continuation lines joined (heredoc bodies in ``heredocs``).

    ``args`` is the text after the keyword and flags; ``arguments`` its words; ``exec_form`` the JSON array
    form, if it is one; ``key_values`` the ``KEY=value`` pairs (see :meth:`pairs`), computed once at parse time.

    ``value`` is **deprecated**: the text after the keyword (flags included), stripped, continuation escapes
    removed — what dockerfile-parse used to call the value. Nothing built in reads it; it is still filled
    for plugins that do. Use ``args``, ``flags`` and ``arguments`` instead.
    """

    _compare = None  # identity (eq=False): two parses of one text are different objects
    _fields = (
        "keyword",
        "raw_keyword",
        "value",
        "args",
        "flags",
        "arguments",
        "exec_form",
        "span",
        "keyword_span",
        "stage_index",
        "scope",
        "heredocs",
        "commands",
        "onbuild",
        "key_values",
        "empty_continuation_lines",
    )
    keyword: str
    raw_keyword: str
    value: str
    args: str
    flags: tuple[Flag, ...]
    arguments: tuple[Word, ...]
    exec_form: tuple[str, ...] | None
    span: Span
    keyword_span: Span
    stage_index: int | None
    scope: Mapping[str, str | None]
    heredocs: tuple[Heredoc, ...]
    commands: tuple[ShellCommand, ...]
    onbuild: Instruction | None
    key_values: tuple[tuple[str, str | None, Word], ...]
    #: blank physical lines (1-based) that a `\` continuation skipped before more of the instruction came:
    #: Docker deprecates them (BuildKit's NoEmptyContinuation); heredoc bodies are not continuations
    empty_continuation_lines: tuple[int, ...]

    def __init__(
        self,
        keyword: str,
        raw_keyword: str,
        value: str,
        args: str,
        flags: tuple[Flag, ...],
        arguments: tuple[Word, ...],
        exec_form: tuple[str, ...] | None,
        span: Span,
        keyword_span: Span,
        stage_index: int | None,
        scope: Mapping[str, str | None],
        heredocs: tuple[Heredoc, ...] = (),
        commands: tuple[ShellCommand, ...] = (),
        onbuild: Instruction | None = None,
        key_values: tuple[tuple[str, str | None, Word], ...] = (),
        empty_continuation_lines: tuple[int, ...] = (),
    ) -> None:
        setfield(self, "keyword", keyword)
        setfield(self, "raw_keyword", raw_keyword)
        setfield(self, "value", value)
        setfield(self, "args", args)
        setfield(self, "flags", flags)
        setfield(self, "arguments", arguments)
        setfield(self, "exec_form", exec_form)
        setfield(self, "span", span)
        setfield(self, "keyword_span", keyword_span)
        setfield(self, "stage_index", stage_index)
        setfield(self, "scope", scope)
        setfield(self, "heredocs", heredocs)
        setfield(self, "commands", commands)
        setfield(self, "onbuild", onbuild)
        setfield(self, "key_values", key_values)
        setfield(self, "empty_continuation_lines", empty_continuation_lines)

    @property
    def line(self) -> int:
        return self.span.line

    def flag(self, name: str) -> Flag | None:
        return next((f for f in self.flags if f.name == name), None)

    def mounts(self) -> list[dict[str, str]]:
        return [f.mount_options() for f in self.flags if f.name == "mount"]

    def pairs(self) -> tuple[tuple[str, str | None, Word], ...]:
        """ENV/ARG/LABEL ``key=value`` pairs (and legacy ``ENV KEY value``), values unquoted: ``key_values``."""
        return self.key_values

    def position(self, command: ShellCommand) -> int | None:
        """The index of ``command`` in ``commands`` (by identity; None when it is not one of them). The map is
        built once per instruction, so asking for each of a RUN's 50 000 commands stays linear."""
        positions = memo(self, "positions", lambda: {id(c): i for i, c in enumerate(self.commands)})
        return positions.get(id(command))


class Stage(Frozen):
    _compare = None  # identity (eq=False): two parses of one text are different objects
    _fields = ("index", "name", "from_instruction", "base_text", "image", "parent", "instructions")
    index: int
    name: str | None
    from_instruction: Instruction
    base_text: str
    image: ImageRef | None
    parent: int | None
    instructions: tuple[Instruction, ...]

    def __init__(
        self,
        index: int,
        name: str | None,
        from_instruction: Instruction,
        base_text: str,
        image: ImageRef | None,
        parent: int | None,
        instructions: tuple[Instruction, ...],
    ) -> None:
        setfield(self, "index", index)
        setfield(self, "name", name)
        setfield(self, "from_instruction", from_instruction)
        setfield(self, "base_text", base_text)
        setfield(self, "image", image)
        setfield(self, "parent", parent)
        setfield(self, "instructions", instructions)

    @property
    def label(self) -> str:
        return self.name or str(self.index)

    @property
    def body(self) -> tuple[Instruction, ...]:
        """The instructions after ``FROM``."""
        return self.instructions[1:]

    def of(self, *keywords: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword in keywords]


class SyntaxProblem(Frozen):
    _fields = ("message", "span")
    __slots__ = _fields
    message: str
    span: Span

    def __init__(self, message: str, span: Span) -> None:
        setfield(self, "message", message)
        setfield(self, "span", span)


class Dockerfile(Frozen):
    _compare = None  # identity (eq=False): two parses of one text are different objects
    _fields = (
        "path",
        "text",
        "lines",
        "newline",
        "instructions",
        "stages",
        "global_args",
        "directives",
        "comments",
        "problems",
        "escape",
    )
    path: str
    text: str
    lines: tuple[str, ...]
    newline: str
    instructions: tuple[Instruction, ...]
    stages: tuple[Stage, ...]
    global_args: Mapping[str, str | None]
    directives: Mapping[str, str]
    comments: tuple[tuple[int, str], ...]
    problems: tuple[SyntaxProblem, ...]
    escape: str

    def __init__(
        self,
        path: str,
        text: str,
        lines: tuple[str, ...],
        newline: str,
        instructions: tuple[Instruction, ...],
        stages: tuple[Stage, ...],
        global_args: Mapping[str, str | None],
        directives: Mapping[str, str],
        comments: tuple[tuple[int, str], ...],
        problems: tuple[SyntaxProblem, ...] = (),
        escape: str = "\\",
    ) -> None:
        setfield(self, "path", path)
        setfield(self, "text", text)
        setfield(self, "lines", lines)
        setfield(self, "newline", newline)
        setfield(self, "instructions", instructions)
        setfield(self, "stages", stages)
        setfield(self, "global_args", global_args)
        setfield(self, "directives", directives)
        setfield(self, "comments", comments)
        setfield(self, "problems", problems)
        setfield(self, "escape", escape)

    def stage_named(self, name: str) -> Stage | None:
        lowered = name.lower()
        for stage in self.stages:
            if stage.name is not None and stage.name.lower() == lowered:
                return stage
        if name.isdigit() and int(name) < len(self.stages):
            return self.stages[int(name)]
        return None

    def lineage(self, stage: Stage) -> list[Stage]:
        """``stage`` and its FROM ancestors, base first (what the image built from ``stage`` contains)."""
        chain: list[Stage] = []
        seen: set[int] = set()  # indexes, not `in chain`: Stage equality compares whole stages
        current: Stage | None = stage
        while current is not None and current.index not in seen:
            seen.add(current.index)
            chain.append(current)
            current = self.stages[current.parent] if current.parent is not None else None
        chain.reverse()
        return chain


class Finding(Frozen):
    _fields = ("path", "rule", "name", "severity", "message", "span", "stage", "fix", "policy")
    __slots__ = _fields
    _compare = ("path", "rule", "name", "severity", "message", "span", "stage")
    path: str
    rule: str
    name: str
    severity: Severity
    message: str
    span: Span
    stage: str | None
    fix: Fix | None
    #: for a policy rule (ML9xx): (the config file, the policy key) the finding enforces
    policy: tuple[str, str] | None

    def __init__(
        self,
        path: str,
        rule: str,
        name: str,
        severity: Severity,
        message: str,
        span: Span,
        stage: str | None = None,
        fix: Fix | None = None,
        policy: tuple[str, str] | None = None,
    ) -> None:
        setfield(self, "path", path)
        setfield(self, "rule", rule)
        setfield(self, "name", name)
        setfield(self, "severity", severity)
        setfield(self, "message", message)
        setfield(self, "span", span)
        setfield(self, "stage", stage)
        setfield(self, "fix", fix)
        setfield(self, "policy", policy)

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.rule, self.message)
