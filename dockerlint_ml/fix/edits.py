"""Edit helpers that fixes share: find what a finding points at by its span, check that the text there is
what the model says (so an edit can never land in the wrong place), and build insertions.

Rules' ``fix`` methods import this module lazily (inside ``fix``), so the plain lint path never loads it. It
imports no rule module.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from ..model import Dockerfile, Edit, Finding, Fix, Instruction, ShellCommand, Span, Stage, Word, memo

# ---------------------------------------------------------------------------------------------------------
# Locating things by span


def span_key(span: Span) -> tuple[tuple[int, int], tuple[int, int]]:
    return (span.line, span.column), (span.end_line, span.end_column)


def contains(outer: Span, inner: Span) -> bool:
    (start, end), (inner_start, inner_end) = span_key(outer), span_key(inner)
    return start <= inner_start and inner_end <= end


def instruction_at(dockerfile: Dockerfile, span: Span, *keywords: str) -> Instruction | None:
    """The instruction whose span contains ``span`` (with one of ``keywords`` if given). Instruction spans
    are ordered and disjoint, so a bisection finds the only candidate (one finding per 200 000 lines must
    not cost a scan of them all)."""
    instructions = dockerfile.instructions
    starts = memo(dockerfile, "instruction_starts", lambda: [(i.span.line, i.span.column) for i in instructions])
    position = bisect_right(starts, (span.line, span.column)) - 1
    if position >= 0:
        instruction = instructions[position]
        if contains(instruction.span, span) and (not keywords or instruction.keyword in keywords):
            return instruction
    return None


def command_at(
    dockerfile: Dockerfile, span: Span, wanted: Callable[[ShellCommand], bool] = lambda c: True
) -> tuple[Instruction, ShellCommand] | None:
    """The innermost shell command containing ``span`` that ``wanted`` picks; when ``span`` covers whole
    commands (it points at an instruction), the first such command inside it."""
    instruction = instruction_at(dockerfile, span)
    if instruction is None:
        return None
    commands = instruction.commands
    by_span = memo(instruction, "commands_by_span", lambda: _by_span(commands))
    exact = next((c for c in by_span.get(span, ()) if wanted(c)), None)
    if exact is not None:  # the innermost by definition; findings usually sit on their command
        return instruction, exact
    candidates = [c for c in commands if wanted(c) and contains(c.span, span)]
    if candidates:
        innermost = max(
            candidates, key=lambda c: ((c.span.line, c.span.column), (-c.span.end_line, -c.span.end_column))
        )
        return instruction, innermost
    inside = [c for c in instruction.commands if wanted(c) and contains(span, c.span)]
    return (instruction, inside[0]) if inside else None


def _by_span(commands: tuple[ShellCommand, ...]) -> dict[Span, list[ShellCommand]]:
    by_span: dict[Span, list[ShellCommand]] = {}
    for command in commands:
        by_span.setdefault(command.span, []).append(command)
    return by_span


def stage_at(dockerfile: Dockerfile, span: Span) -> Stage | None:
    found = None
    for stage in dockerfile.stages:
        if (stage.from_instruction.span.line, stage.from_instruction.span.column) <= (span.line, span.column):
            found = stage
    return found


def text_at(dockerfile: Dockerfile, span: Span) -> str | None:
    """The text under a one-line span, or None."""
    if span.line != span.end_line or not 0 < span.line <= len(dockerfile.lines):
        return None
    return dockerfile.lines[span.line - 1][span.column - 1 : span.end_column - 1]


def is_at(dockerfile: Dockerfile, word: Word) -> bool:
    """The model's word really sits at its span (guards against drifting positions in nested scripts)."""
    return text_at(dockerfile, word.span) == word.raw


def in_tab_stripped_heredoc(instruction: Instruction, dockerfile: Dockerfile, span: Span) -> bool:
    """``<<-EOF`` bodies are parsed with leading tabs removed, so their columns are not the file's."""
    for heredoc in instruction.heredocs:
        if heredoc.strip_tabs and heredoc.body_start_line <= span.line <= heredoc.span.end_line:
            return dockerfile.lines[span.line - 1].startswith("\t")
    return False


def insert(line: int, column: int, text: str) -> Edit:
    return Edit(Span(line, column, line, column), text)


def after(word: Word, text: str) -> Edit:
    return insert(word.span.end_line, word.span.end_column, text)


def line_end(dockerfile: Dockerfile, line: int) -> tuple[int, int]:
    return line, len(dockerfile.lines[line - 1]) + 1


def indent(dockerfile: Dockerfile, line: int) -> str:
    text = dockerfile.lines[line - 1]
    return text[: len(text) - len(text.lstrip(" \t"))]


# ---------------------------------------------------------------------------------------------------------
# Shell-command helpers


def _tool_start(command: ShellCommand) -> int:
    from ..shell import tool_of

    found = tool_of(command.name, list(command.argv))
    return found[1] if found else 1


def subcommand_word(command: ShellCommand) -> Word | None:
    """The word that names the subcommand (``install`` in ``python -m pip -q install x``)."""
    if command.invocation is None or command.subcommand is None:
        return None
    option_spans = [o.span for o in command.invocation.options]
    first = command.subcommand.split()[0]
    for word in command.words[_tool_start(command) :]:
        if word.text.startswith("-") or any(contains(span, word.span) for span in option_spans):
            continue
        return word if word.text == first or (first == "install" and word.text == "in") else None
    return None


def insert_after_subcommand(
    dockerfile: Dockerfile, finding: Finding, wanted: Callable[[ShellCommand], bool], flag: str, description: str
) -> Fix | None:
    found = command_at(dockerfile, finding.span, wanted)
    if found is None:
        return None
    instruction, command = found
    word = subcommand_word(command)
    if word is None or not is_at(dockerfile, word) or in_tab_stripped_heredoc(instruction, dockerfile, word.span):
        return None
    return Fix(description, (after(word, f" {flag}"),))


def append_after_last(
    dockerfile: Dockerfile,
    instruction: Instruction,
    flagged: ShellCommand,
    same_family: Callable[[ShellCommand], bool],
    text: str,
    description: str,
) -> Fix | None:
    """Append `` && text`` right after the last command of ``same_family`` at or after ``flagged``: at the end
    of that command's span, so a following `` \\`` continuation, ``;`` or ``&& ...`` stays as written."""
    commands = instruction.commands
    start = next((i for i, c in enumerate(commands) if c is flagged), None)
    if start is None:
        return None
    last = next((c for c in reversed(commands[start:]) if same_family(c)), None)
    if last is None or not last.words:
        return None
    if last.redirects or last.pipe_index != last.pipe_length - 1:
        return None  # `apt-get install x > log` / `apt-get install x | tee`: `&&` would bind differently
    final = last.words[-1]
    if (final.span.end_line, final.span.end_column) != (last.span.end_line, last.span.end_column):
        return None
    if not is_at(dockerfile, final) or in_tab_stripped_heredoc(instruction, dockerfile, final.span):
        return None
    prefix = "sudo " if last.wrapper == "sudo" else ""
    return Fix(description, (after(final, f" && {prefix}{text}"),))


_UNQUOTED_SPECIAL = set("$`\\|&;<>()*?[]{}~#!\n")


def plain_words(args: str) -> bool:
    """Whether a shell command line is only words: no variables, operators, redirects, globs, escapes,
    comments or command substitution (quotes are fine where they only group)."""
    quote = ""
    for char in args:
        if quote == "'":
            if char == "'":
                quote = ""
        elif quote == '"':
            if char == '"':
                quote = ""
            elif char in "$`\\":
                return False
        elif char in "'\"":
            quote = char
        elif char in _UNQUOTED_SPECIAL:
            return False
    return not quote


__all__ = [
    "after",
    "append_after_last",
    "command_at",
    "contains",
    "in_tab_stripped_heredoc",
    "indent",
    "insert",
    "insert_after_subcommand",
    "instruction_at",
    "is_at",
    "line_end",
    "plain_words",
    "span_key",
    "stage_at",
    "subcommand_word",
    "text_at",
]
