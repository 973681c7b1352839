"""The language server's parse memory (instructions reused between edits) never changes a result.

Each fixture is edited line by line, as typing does (a line changed, inserted, deleted or re-joined), and
every version is linted twice: by an engine that remembers the previous versions' parses, and by a fresh
one. Findings, fixes and the parsed commands must be the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockerlint_ml.lsp.documents import Engine, ParseMemory
from dockerlint_ml.model import ShellCommand, Span
from dockerlint_ml.parse import parse_text
from dockerlint_ml.rules.security._shared import CREDENTIAL_FORMATS, SHORTEST_CREDENTIAL, find_credential

FIXTURES = sorted(p for p in (Path(__file__).resolve().parent.parent / "fixtures").rglob("*") if "Dockerfile" in p.name)
_EDITS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# pieces that change how a RUN parses: quotes, continuations, heredocs, `sh -c`, comments, the escape directive
_PIECES = st.sampled_from(
    [
        *(" ", "x", "'", '"', "\\", "`", "$", "${A}", " && ", " || ", " | ", ";", "#", "<<EOF", "EOF", "sh -c '"),
        *("(", ")", "RUN ", "pip install torch", "apt-get install -y curl", "FROM python:3.11 AS b", "# escape=`"),
        "ARG A=1",
    ]
)


def _span(span: Span) -> tuple[int, int, int, int]:
    return (span.line, span.column, span.end_line, span.end_column)


def _commands(commands: tuple[ShellCommand, ...]) -> list[tuple]:
    return [
        (
            *(c.name, c.argv, _span(c.span), [_span(w.span) for w in c.words], c.pipeline, c.pipe_index),
            *(c.pipe_length, c.nested_in, c.tool, c.subcommand, c.wrapper, [(k.id, k.line) for k in c.conditions]),
        )
        for c in commands
    ]


def _findings(engine: Engine, path: str, text: str) -> list[tuple]:
    outcome = engine.lint(path, text)
    return [
        (f.rule, f.severity, f.message, _span(f.span), f.stage)
        + ((f.fix.description, [(_span(e.span), e.replacement) for e in f.fix.edits]) if f.fix else (None,))
        for f in outcome.result.findings
    ]


@st.composite
def _edited(draw: st.DrawFn, text: str) -> list[str]:
    """One to three successive versions of ``text``, each with one line edited."""
    lines = text.split("\n")
    versions = []
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, max(len(lines) - 1, 0)))
        piece = "".join(draw(st.lists(_PIECES, min_size=1, max_size=3)))
        kind = draw(st.sampled_from(["append", "replace", "insert", "delete", "join"]))
        if kind == "append":
            lines[index] += piece
        elif kind == "replace":
            lines[index] = piece
        elif kind == "insert":
            lines.insert(index, piece)
        elif kind == "delete" and len(lines) > 1:
            del lines[index]
        elif kind == "join" and index + 1 < len(lines):
            lines[index : index + 2] = [lines[index] + " " + lines[index + 1]]
        versions.append("\n".join(lines))
    return versions


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
@_EDITS
@given(data=st.data())
def test_remembered_parses_give_the_same_results(fixture: Path, data: st.DataObject, tmp_path_factory) -> None:
    text = fixture.read_text()
    path = str(tmp_path_factory.getbasetemp() / "memory" / "Dockerfile")
    remembering = Engine()
    remembering.lint(path, text)
    for version in data.draw(_edited(text)):
        assert _findings(remembering, path, version) == _findings(Engine(), path, version)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_an_unchanged_instruction_is_not_parsed_again(fixture: Path) -> None:
    text = fixture.read_text()
    memory = ParseMemory()
    first = parse_text(text, cache=memory)
    memory.next_version()
    lines = text.rstrip("\n").split("\n")
    edited = "\n".join([*lines[:-1], lines[-1] + "  "]) + "\n"  # blanks after the last line's text
    again = parse_text(edited, cache=memory)
    fresh = parse_text(edited)
    assert again.problems == fresh.problems
    for before, remembered, computed in zip(first.instructions, again.instructions, fresh.instructions, strict=True):
        assert _commands(remembered.commands) == _commands(computed.commands)
        assert (remembered.arguments, remembered.span, remembered.stage_index) == (
            computed.arguments,
            computed.span,
            computed.stage_index,
        )
        assert dict(remembered.scope) == dict(computed.scope)
        if before.span.end_line < len(lines):
            assert remembered.commands is before.commands  # reused, not re-parsed (tree-sitter is the cost)
            assert remembered is not before  # a copy: the scope and memos are the new version's


def test_a_reused_instruction_sees_the_new_scope():
    memory = ParseMemory()
    parse_text("FROM x\nARG A=1\nRUN echo $A\nONBUILD RUN echo $A\n", cache=memory)
    memory.next_version()
    again = parse_text("FROM x\nARG A=2\nRUN echo $A\nONBUILD RUN echo $A\n", cache=memory)
    run, onbuild = again.instructions[2], again.instructions[3]
    assert run.scope["A"] == "2"
    assert onbuild.onbuild is not None and onbuild.onbuild.scope["A"] == "2"


def test_a_reused_instruction_keeps_its_syntax_problems():
    memory = ParseMemory()
    text = "FROM x\nRUNN a\nRUN <<EOF\necho\n"
    first = parse_text(text, cache=memory)
    memory.next_version()
    again = parse_text(text, cache=memory)
    assert [p.message for p in again.problems] == [p.message for p in first.problems]
    assert len(first.problems) == 2  # the unknown `RUNN`, the unterminated heredoc


def test_a_line_inserted_above_shifts_the_spans():
    memory = ParseMemory()
    parse_text("FROM x\nRUN a && b\n", cache=memory)
    memory.next_version()
    shifted = parse_text("FROM x\n\nRUN a && b\n", cache=memory)
    assert [c.span.line for c in shifted.instructions[1].commands] == [3, 3]


def test_the_memory_keeps_only_what_the_last_version_used():
    memory = ParseMemory()
    parse_text("FROM x\nRUN a\nRUN b\n", cache=memory)
    memory.next_version()
    parse_text("FROM x\nRUN a\nRUN c\n", cache=memory)
    memory.next_version()
    assert len(memory) == 3  # `FROM x` and `RUN a` (reused), `RUN c`; `RUN b` is gone
    memory.next_version()
    assert len(memory) == 0


def test_the_engine_forgets_a_closed_document(tmp_path):
    engine = Engine()
    path = str(tmp_path / "Dockerfile")
    engine.lint(path, "FROM x\nRUN a\n")
    assert len(engine.memory_for(path)) == 2
    engine.forget(path)
    assert len(engine.memory_for(path)) == 0


def test_the_shortest_credential_bound_is_exact():
    """``find_credential`` skips shorter words (a per-edit speed-up): no format can match fewer characters."""
    from re import _parser  # the pattern parser's width analysis (CPython's; only this test uses it)

    widths = [_parser.parse(pattern.pattern).getwidth()[0] for _kind, pattern in CREDENTIAL_FORMATS]
    assert min(widths) == SHORTEST_CREDENTIAL
    assert find_credential("xoxb-1234567890") == ("Slack token", "xoxb-1234567890")  # 15 characters
