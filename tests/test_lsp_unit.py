"""The language server's parts without a client: position conversion, the engine glue, never crashing."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pygls.workspace import Workspace

from dockerlint_ml.lsp.convert import UTF8, UTF16, UTF32, LineIndex, contains, overlaps, units
from dockerlint_ml.lsp.documents import Engine, LintProblem, wants
from dockerlint_ml.lsp.server import MllintServer
from dockerlint_ml.model import Span

# ---------------------------------------------------------------------------------------------------------
# Positions


def test_units_per_encoding():
    assert [units("aé😀", encoding) for encoding in (UTF8, UTF16, UTF32)] == [1 + 2 + 4, 1 + 1 + 2, 3]


def test_ascii_positions_are_zero_based():
    index = LineIndex.of("FROM x\nRUN y\n")
    assert index.range(Span(2, 1, 2, 6)) == ((1, 0), (1, 5))
    assert index.span_position((1, 4)) == (2, 5)


@pytest.mark.parametrize(("encoding", "expected"), [(UTF16, 10), (UTF8, 13), (UTF32, 9)])
def test_columns_after_non_ascii_and_astral_characters(encoding, expected):
    line = 'RUN "é😀" x'
    index = LineIndex.of(line + "\n", encoding)
    column = line.index("x") + 1  # mllint's 1-based column counts characters: 10
    assert index.position(1, column) == (0, expected)  # `RUN "` 5 + é (1/2/1) + 😀 (2/4/1) + `" ` 2
    assert index.span_position((0, expected)) == (1, column)


def test_a_position_inside_a_surrogate_pair_rounds_down():
    index = LineIndex.of("a😀b")
    assert index.span_position((0, 2)) == (1, 2)  # between the two UTF-16 units of 😀: on 😀


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_break_ends_a_line(newline):
    index = LineIndex.of(newline.join(["FROM x", "RUN y", "CMD z"]) + newline)
    assert index.newline == newline
    assert index.position(3, 4) == (2, 3)
    assert index.range(Span(1, 1, 3, 6)) == ((0, 0), (2, 5))


def test_the_byte_order_mark_shifts_line_one_only():
    index = LineIndex.of("\ufeffFROM x\nRUN y\n")
    assert index.position(1, 1) == (0, 1)
    assert index.position(2, 1) == (1, 0)
    assert index.span_position((0, 1)) == (1, 1)


def test_positions_past_the_end_clamp():
    index = LineIndex.of("FROM x\nRUN y")
    assert index.position(1, 99) == (0, 6)
    assert index.position(9, 1) == (1, 5) == index.end()
    assert index.span_position((7, 0)) == (3, 1)


def test_containment_and_overlap():
    finding = ((1, 4), (1, 9))
    assert contains(finding, (1, 4)) and contains(finding, (1, 9)) and not contains(finding, (1, 10))
    assert overlaps(finding, ((1, 0), (1, 99))) and overlaps(finding, ((1, 9), (1, 9)))
    assert not overlaps(finding, ((1, 9), (2, 0)))  # LSP ends are exclusive: touching is not sharing
    assert not overlaps(((2, 0), (2, 3)), ((1, 0), (2, 0)))


# ---------------------------------------------------------------------------------------------------------
# The engine glue


@pytest.mark.parametrize(
    ("name", "linted"),
    [
        ("Dockerfile", True),
        ("Dockerfile.gpu", True),
        ("serve.dockerfile", True),
        ("Containerfile", True),
        ("Dockerfile.j2", False),
        ("notes.txt", False),
        ("requirements.txt", False),
    ],
)
def test_which_documents_are_linted(name, linted):
    assert wants(f"/work/{name}") is linted


def test_config_is_found_per_document_and_reloaded(tmp_path: Path):
    engine = Engine()
    path = tmp_path / "sub" / "Dockerfile"
    path.parent.mkdir()
    text = "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y curl\n"
    assert "ML205" in {f.rule for f in engine.lint(str(path), text).result.findings}
    first = engine.linter_for(str(path))
    assert engine.linter_for(str(path)) is first  # cached while nothing changes
    (tmp_path / ".mllint.toml").write_text('ignore = ["ML205"]\n')
    assert "ML205" not in {f.rule for f in engine.lint(str(path), text).result.findings}
    (tmp_path / ".mllint.toml").write_text('ignore = "ML205"\n')
    with pytest.raises(LintProblem, match=r"\.mllint\.toml"):
        engine.lint(str(path), text)


def test_an_unparsable_buffer_and_a_timeout_are_problems_not_crashes(tmp_path: Path, monkeypatch):
    engine = Engine()
    with pytest.raises(LintProblem, match="NUL"):
        engine.lint(str(tmp_path / "Dockerfile"), "FROM x\0\n")
    from contextlib import contextmanager

    from dockerlint_ml import batch

    @contextmanager
    def expired(seconds: float):
        raise batch.FileTimeout()  # the time limit ran out (deterministic: no race with a real timer)
        yield

    monkeypatch.setattr(batch, "TimeLimit", expired)
    slow = "FROM python:3.11-slim\n" + "RUN pip install a && apt-get install -y b\n" * 3000
    with pytest.raises(LintProblem, match="gave up"):
        engine.lint(str(tmp_path / "Dockerfile"), slow)


def test_fix_all_is_none_when_nothing_is_fixable(tmp_path: Path):
    path = str(tmp_path / "Dockerfile")
    assert Engine().fix_all(path, 'FROM python:3.11-slim\nUSER 1000\nCMD ["python"]\n') is None
    fixed = Engine().fix_all(path, "FROM python:3.11-slim\nRUN pip install torch\n")
    assert fixed is not None and "--no-cache-dir" in fixed


# ---------------------------------------------------------------------------------------------------------
# The server keeps the last good diagnostics when linting fails


class Recorder(MllintServer):
    def __init__(self, root: Path) -> None:
        super().__init__()
        self.protocol._workspace = Workspace(root.as_uri())
        self.published: list[types.PublishDiagnosticsParams] = []
        self.logs: list[str] = []

    def text_document_publish_diagnostics(self, params: types.PublishDiagnosticsParams) -> None:
        self.published.append(params)

    def window_log_message(self, params: types.LogMessageParams) -> None:
        self.logs.append(params.message)


def test_a_crash_while_linting_is_logged_once_and_the_last_diagnostics_stay(tmp_path: Path, monkeypatch):
    server = Recorder(tmp_path)
    uri = (tmp_path / "Dockerfile").as_uri()
    text = "FROM python:3.11-slim\nRUN pip install torch\n"
    server.workspace.put_text_document(types.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=text))
    server.publish(uri)
    assert [d.code for d in server.published[-1].diagnostics].count("ML206") == 1

    def broken(self, path, text):
        raise RuntimeError("boom")

    monkeypatch.setattr(Engine, "lint", broken)
    server.workspace.put_text_document(
        types.TextDocumentItem(uri=uri, language_id="dockerfile", version=2, text=text + "USER 1000\n")
    )
    server.publish(uri)
    server.publish(uri)
    assert len(server.published) == 1  # nothing replaced the good diagnostics
    assert server.logs == [f"mllint: {tmp_path / 'Dockerfile'}: internal error (RuntimeError: boom); please report it"]
    assert server.linted[uri].version == 1
