"""The typed Dockerfile model every rule reads.

All positions are 1-based; ``end_column`` is the column *after* the last character (SARIF's convention),
so a span can be turned into a text edit without off-by-one guesswork.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from enum import Enum
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


@dataclass(frozen=True, slots=True, order=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int

    def cover(self, other: Span) -> Span:
        """The smallest span that contains both spans."""
        start = min((self.line, self.column), (other.line, other.column))
        end = max((self.end_line, self.end_column), (other.end_line, other.end_column))
        return Span(start[0], start[1], end[0], end[1])


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text in ``span`` with ``replacement`` (an empty span inserts)."""

    span: Span
    replacement: str


@dataclass(frozen=True, slots=True)
class Fix:
    description: str
    edits: tuple[Edit, ...]
    safe: bool = True
    #: new files the fix creates beside the Dockerfile's edits: (absolute path, text); never overwrites one
    files: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Word:
    """One shell or instruction word: ``text`` is its value with quotes removed, ``raw`` as written."""

    text: str
    raw: str
    span: Span

    @property
    def has_expansion(self) -> bool:
        return "$" in self.raw


@dataclass(frozen=True, slots=True)
class Option:
    """A parsed command-line option: ``--index-url URL`` gives name ``--index-url`` and value ``URL``."""

    name: str
    value: Word | None
    span: Span


@dataclass(frozen=True, slots=True)
class Invocation:
    """What a known tool (pip, apt-get, conda, curl, ...) was asked to do, from shell.py's option specs."""

    tool: str
    subcommand: str | None
    options: tuple[Option, ...]
    positionals: tuple[Word, ...]

    def has_flag(self, *names: str) -> bool:
        return any(option.name in names for option in self.options)

    def values(self, *names: str) -> list[str]:
        return [o.value.text for o in self.options if o.name in names and o.value is not None]

    def option(self, *names: str) -> Option | None:
        return next((o for o in self.options if o.name in names), None)


@dataclass(frozen=True, slots=True)
class Redirect:
    operator: str
    target: str


@dataclass(frozen=True, slots=True)
class Condition:
    """One branch of a shell conditional a command runs in: ``if/elif/else``, ``case``, ``[ test ] && cmd``,
    ``test ... || cmd``, ``cmd1 || cmd2`` (cmd2 is a fallback). A plain ``a && b`` is not a conditional: in a
    build that succeeds both run."""

    id: tuple[int, int]  # (line, column) of the `if`/`case` keyword or the `&&`/`||` operator: unique in the RUN
    line: int  # where the conditional starts (for a list: its left operand, the test or the command that may fail)
    branch: int  # 0 for the `if` body, 1.. for `elif`/`else`; the `case` item; 0 for a list
    branches: int  # explicit branches (`if` + `elif`s + `else`; `case` items; 1 for a list)
    complete: bool  # one branch always runs (`else`, `*)`)
    variables: tuple[str, ...] = ()  # variables its conditions read, in order of appearance


@dataclass(frozen=True, slots=True)
class ShellCommand:
    """One simple command of a RUN body (also found inside ``&&`` chains, pipes, ``if``, ``$(...)``, ``sh -c``)."""

    name: str
    words: tuple[Word, ...]
    span: Span
    pipeline: int
    pipe_index: int
    pipe_length: int
    redirects: tuple[Redirect, ...] = ()
    assignments: tuple[tuple[str, str], ...] = ()
    wrapper: str | None = None
    invocation: Invocation | None = None
    conditions: tuple[Condition, ...] = ()  # the shell conditionals it runs in, outermost first
    #: the script word a shell ran inline: SCRIPT of `sh -c SCRIPT`, `bash -lc SCRIPT`, `su app -c SCRIPT`
    script: Word | None = None
    #: for a command of such a script: the index, in its instruction's ``commands``, of the shell that ran it
    nested_in: int | None = None

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


@dataclass(frozen=True, slots=True)
class Flag:
    """An instruction flag such as ``--from=builder`` or ``--mount=type=cache,target=/root/.cache/pip``."""

    name: str
    value: str | None
    span: Span

    def mount_options(self) -> dict[str, str]:
        """``--mount`` values as a dict (``type`` defaults to ``bind`` as in BuildKit)."""
        options = {"type": "bind"}
        for part in (self.value or "").split(","):
            key, _, val = part.partition("=")
            options[key.strip().lower()] = val.strip()
        return options


@dataclass(frozen=True, slots=True)
class Heredoc:
    name: str
    body: str
    span: Span
    body_start_line: int
    strip_tabs: bool
    quoted: bool


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A parsed image reference. ``repository`` is normalized: ``docker.io/library/python`` -> ``python``."""

    raw: str
    registry: str | None
    repository: str
    tag: str | None
    digest: str | None
    resolved: bool

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


@dataclass(frozen=True, eq=False)
class Instruction:
    """One instruction, continuation lines joined (heredoc bodies in ``heredocs``).

    ``args`` is the text after the keyword and flags; ``arguments`` its words; ``exec_form`` the JSON array
    form, if it is one; ``key_values`` the ``KEY=value`` pairs (see :meth:`pairs`), computed once at parse time.

    ``value`` is **deprecated**: the text after the keyword (flags included), stripped, continuation escapes
    removed — what dockerfile-parse used to call the value. Nothing built in reads it; it is still filled
    for plugins that do. Use ``args``, ``flags`` and ``arguments`` instead.
    """

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
    heredocs: tuple[Heredoc, ...] = ()
    commands: tuple[ShellCommand, ...] = ()
    onbuild: Instruction | None = None
    key_values: tuple[tuple[str, str | None, Word], ...] = ()
    #: blank physical lines (1-based) that a `\` continuation skipped before more of the instruction came:
    #: Docker deprecates them (BuildKit's NoEmptyContinuation); heredoc bodies are not continuations
    empty_continuation_lines: tuple[int, ...] = ()

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


@dataclass(frozen=True, eq=False)
class Stage:
    index: int
    name: str | None
    from_instruction: Instruction
    base_text: str
    image: ImageRef | None
    parent: int | None
    instructions: tuple[Instruction, ...]

    @property
    def label(self) -> str:
        return self.name or str(self.index)

    @property
    def body(self) -> tuple[Instruction, ...]:
        """The instructions after ``FROM``."""
        return self.instructions[1:]

    def of(self, *keywords: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword in keywords]


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    message: str
    span: Span


@dataclass(frozen=True, eq=False)
class Dockerfile:
    path: str
    text: str
    lines: tuple[str, ...]
    newline: str
    instructions: tuple[Instruction, ...]
    stages: tuple[Stage, ...]
    global_args: Mapping[str, str | None]
    directives: Mapping[str, str]
    comments: tuple[tuple[int, str], ...]
    problems: tuple[SyntaxProblem, ...] = ()
    escape: str = "\\"

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


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    rule: str
    name: str
    severity: Severity
    message: str
    span: Span
    stage: str | None = None
    fix: Fix | None = field(default=None, compare=False)
    #: for a policy rule (ML9xx): (the config file, the policy key) the finding enforces
    policy: tuple[str, str] | None = field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.rule, self.message)
