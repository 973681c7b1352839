"""``mllint --lsp`` end to end: a real LSP client (pytest-lsp) talking to the server over stdio."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from dockerlint_ml.fix import fix_source
from dockerlint_ml.lint import Linter
from dockerlint_ml.lsp.convert import LineIndex
from dockerlint_ml.pages import rule_url
from dockerlint_ml.registry import builtin_rules
from dockerlint_ml.settings import Settings

from .conftest import ROOT

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
TIMEOUT = 20.0

APT = "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y curl\nCMD python app.py\n"


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "dockerlint_ml", "--lsp"], server_env=ENV)
)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        lsp_client.registrations = [r.method for r in params.registrations]  # type: ignore[attr-defined]

    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="work")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def diagnostics_of(client: LanguageClient, uri: str) -> types.PublishDiagnosticsParams:
    """The next diagnostics published for ``uri`` (others are skipped)."""

    async def wait() -> types.PublishDiagnosticsParams:
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri:
                return params

    return await asyncio.wait_for(wait(), TIMEOUT)


async def open_file(client: LanguageClient, path: Path, text: str, version: int = 1) -> types.PublishDiagnosticsParams:
    path.write_text(text, encoding="utf-8", newline="")
    waiting = asyncio.ensure_future(diagnostics_of(client, path.as_uri()))
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path.as_uri(), language_id="dockerfile", version=version, text=text
            )
        )
    )
    return await waiting


def change(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (UTF-16 positions) as an editor does."""
    index = LineIndex.of(text)
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(position: types.Position) -> int:
        line, column = index.span_position((position.line, position.character))
        return starts[line - 1] + column - 1 if line - 1 < len(starts) else len(text)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def codes(params: types.PublishDiagnosticsParams) -> list[str]:
    return [str(d.code) for d in params.diagnostics]


async def actions_at(
    client: LanguageClient, path: Path, line: int, only: list[str] | None = None
) -> list[types.CodeAction]:
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=types.Range(
                start=types.Position(line=line, character=0), end=types.Position(line=line, character=99)
            ),
            context=types.CodeActionContext(diagnostics=[], only=only),
        )
    )
    return [action for action in found or [] if isinstance(action, types.CodeAction)]


@pytest.mark.asyncio
async def test_diagnostics_on_open(client: LanguageClient, tmp_path: Path):
    published = await open_file(client, tmp_path / "Dockerfile", APT)
    assert published.version == 1
    assert {"ML204", "ML205", "ML403"} <= set(codes(published))
    ml205 = next(d for d in published.diagnostics if d.code == "ML205")
    assert ml205.source == "mllint"
    assert ml205.severity == types.DiagnosticSeverity.Information
    assert ml205.code_description is not None and ml205.code_description.href == rule_url("ML205")
    assert ml205.range.start == types.Position(line=1, character=22)  # 1-based 2:23 in `mllint` output
    ml204 = next(d for d in published.diagnostics if d.code == "ML204")
    assert ml204.severity == types.DiagnosticSeverity.Warning
    assert types.WORKSPACE_DID_CHANGE_WATCHED_FILES in getattr(client, "registrations", [])


@pytest.mark.asyncio
async def test_changes_are_debounced_and_versioned(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "Dockerfile"
    await open_file(client, path, APT)
    waiting = asyncio.ensure_future(diagnostics_of(client, path.as_uri()))
    change(client, path, APT.replace("curl", "curl git"), 2)
    change(client, path, APT.replace(" -y curl", " -y --no-install-recommends curl"), 3)
    final = "FROM python:3.11-slim\nCMD python app.py\n"
    change(client, path, final, 4)
    published = await waiting
    assert published.version == 4  # the intermediate versions were never linted
    assert "ML205" not in codes(published) and "ML403" in codes(published)
    saved = asyncio.ensure_future(diagnostics_of(client, path.as_uri()))
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()))
    )
    assert (await saved).version == 4


@pytest.mark.asyncio
async def test_quick_fix_applies(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "Dockerfile"
    await open_file(client, path, APT)
    actions = await actions_at(client, path, 1)
    titles = [action.title for action in actions]
    fix = next(a for a in actions if a.diagnostics and a.diagnostics[0].code == "ML205" and a.is_preferred)
    assert fix.kind == types.CodeActionKind.QuickFix and not fix.title.startswith("(unsafe)")
    assert fix.edit is not None and fix.edit.changes is not None
    fixed = apply(APT, fix.edit.changes[path.as_uri()])
    assert fixed == APT.replace("install -y curl", "install --no-install-recommends -y curl")
    assert "Ignore ML205 on this line" in titles
    split = tmp_path / "Dockerfile.split"  # ML102's merge of a lone `apt-get update` may change behaviour
    await open_file(client, split, "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n")
    unsafe = next(a for a in await actions_at(client, split, 1) if a.diagnostics and a.diagnostics[0].code == "ML102")
    assert unsafe.title.startswith("(unsafe) ") and not unsafe.is_preferred


@pytest.mark.asyncio
async def test_fix_all_matches_mllint_fix(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "Dockerfile"
    await open_file(client, path, APT)
    actions = await actions_at(client, path, 0, only=[types.CodeActionKind.SourceFixAll.value])
    assert [a.kind for a in actions] == ["source.fixAll.mllint"]
    resolved = await client.code_action_resolve_async(actions[0])
    assert resolved.edit is not None and resolved.edit.changes is not None
    fixed = apply(APT, resolved.edit.changes[path.as_uri()])
    expected, _result, applied = fix_source(APT.encode(), str(path), Linter(Settings(), builtin_rules()))
    assert applied >= 2 and fixed == expected
    assert "rm -rf /var/lib/apt/lists/*" in fixed and "--no-install-recommends" in fixed


@pytest.mark.asyncio
async def test_ignore_action_silences_the_rule(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "Dockerfile"
    text = APT.replace("\n", "\r\n")
    await open_file(client, path, text)
    ignore = next(a for a in await actions_at(client, path, 1) if a.title == "Ignore ML205 on this line")
    assert ignore.edit is not None and ignore.edit.changes is not None
    ignored = apply(text, ignore.edit.changes[path.as_uri()])
    assert ignored.splitlines(keepends=True)[1] == "# mllint: ignore=ML205\r\n"
    waiting = asyncio.ensure_future(diagnostics_of(client, path.as_uri()))
    change(client, path, ignored, 2)
    published = await waiting
    assert "ML205" not in codes(published) and "ML204" in codes(published)
    assert next(d for d in published.diagnostics if d.code == "ML204").range.start.line == 2


@pytest.mark.asyncio
async def test_hover_on_a_finding_and_on_from(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "Dockerfile"
    text = "FROM nvidia/cuda:12.1.0-cudnn8-runtime-ubuntu22.04\n" + APT.split("\n", 1)[1]
    await open_file(client, path, text)
    on_finding = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=types.Position(line=1, character=25)
        )
    )
    assert on_finding is not None and isinstance(on_finding.contents, types.MarkupContent)
    assert "**ML205**" in on_finding.contents.value and "Flags" in on_finding.contents.value
    assert rule_url("ML205") in on_finding.contents.value
    on_from = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=types.Position(line=0, character=8)
        )
    )
    assert on_from is not None and isinstance(on_from.contents, types.MarkupContent)
    assert "cuda:    12.1.0" in on_from.contents.value
    nothing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=types.Position(line=1, character=1)
        )
    )
    assert nothing is None


@pytest.mark.asyncio
async def test_config_change_is_picked_up_and_a_bad_config_keeps_the_last_diagnostics(
    client: LanguageClient, tmp_path: Path
):
    path = tmp_path / "docker" / "Dockerfile.gpu"
    path.parent.mkdir()
    first = await open_file(client, path, APT)
    assert "ML205" in codes(first)
    config = tmp_path / "pyproject.toml"

    async def rewrite(text: str) -> None:
        config.write_text(text)
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]
            )
        )

    waiting = asyncio.ensure_future(diagnostics_of(client, path.as_uri()))
    await rewrite('[tool.mllint]\nignore = ["ML205"]\n')
    assert "ML205" not in codes(await waiting)

    logged = asyncio.ensure_future(client.wait_for_notification(types.WINDOW_LOG_MESSAGE))
    await rewrite('[tool.mllint]\nignore = ["ML999"]\n')
    message = await asyncio.wait_for(logged, TIMEOUT)
    assert "ML999" in message.message and "pyproject.toml" in message.message
    assert "ML205" not in codes(types.PublishDiagnosticsParams(uri="", diagnostics=client.diagnostics[path.as_uri()]))

    waiting = asyncio.ensure_future(diagnostics_of(client, path.as_uri()))
    await rewrite("[tool.mllint]\n")
    assert "ML205" in codes(await waiting)


@pytest.mark.asyncio
async def test_a_5000_line_file(client: LanguageClient, tmp_path: Path):
    body = "".join(f"RUN pip install package{i}==1.0\n" for i in range(4997))
    text = f'FROM python:3.11-slim\n{body}USER 1000\nCMD ["python", "app.py"]\n'
    assert text.count("\n") == 5000
    published = await open_file(client, tmp_path / "Dockerfile", text)
    assert codes(published).count("ML206") == 4997
    assert max(d.range.start.line for d in published.diagnostics) == 4997


@pytest.mark.asyncio
async def test_other_files_are_not_linted(client: LanguageClient, tmp_path: Path):
    other = tmp_path / "notes.txt"
    other.write_text(APT)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=other.as_uri(), language_id="plaintext", version=1, text=APT)
        )
    )
    template = tmp_path / "Dockerfile.j2"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=template.as_uri(), language_id="dockerfile", version=1, text=APT)
        )
    )
    await open_file(client, tmp_path / "app.dockerfile", APT)  # published after the two above, if they were
    assert other.as_uri() not in client.diagnostics and template.as_uri() not in client.diagnostics
    assert await actions_at(client, other, 1) == []


@pytest.mark.asyncio
async def test_crlf_and_non_ascii_columns(client: LanguageClient, tmp_path: Path):
    # `é` is one UTF-16 unit, `😀` two: the finding after them starts 1 + 2 units further right than in ASCII
    text = (
        'FROM python:3.11-slim\r\nLABEL note="é😀"\r\nRUN echo "é😀" && apt-get update && apt-get install -y curl\r\n'
    )
    published = await open_file(client, tmp_path / "Dockerfile", text)
    ml205 = next(d for d in published.diagnostics if d.code == "ML205")
    line = text.split("\r\n")[2]
    assert ml205.range.start.line == 2
    assert ml205.range.start.character == line.index("apt-get install") + 1
    assert ml205.range.end.character == len(line.encode("utf-16-le")) // 2


@pytest.mark.asyncio
async def test_shutdown_and_exit(client: LanguageClient, tmp_path: Path):
    await open_file(client, tmp_path / "Dockerfile", APT)
    await client.shutdown_session()
    process = client._server
    assert process is not None and process.returncode == 0
    client.capabilities = None  # already shut down: the fixture's teardown has nothing left to do
