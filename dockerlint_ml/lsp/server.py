"""``mllint --lsp``: a Language Server over stdio (pygls), reusing the engine.

Diagnostics are published on open, on change (debounced, tagged with the document version they were computed
for) and on save. Code actions: a quick fix per fixable finding, ``source.fixAll.mllint`` (the safe fixes,
re-linted to a fixpoint as ``mllint --fix``), and "Ignore MLNNN" inserting ``# mllint: ignore=MLNNN`` above the
instruction. Hover: a finding's rule page summary; on ``FROM``, what ``--facts`` knows of the base.

Never crash the editor: anything that goes wrong while linting is one ``window/logMessage`` and the last good
diagnostics stay. Handlers run on the event loop in the main thread, so the engine's per-file timeout
(SIGALRM, batch.TimeLimit) applies to a pathological buffer too.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..model import Finding, Fix, Severity, Span
from ..pages import rule_url
from .convert import UTF8, UTF16, UTF32, LineIndex, Range, contains, overlaps
from .documents import Engine, LintProblem, Outcome, wants
from .hover import finding_hover, from_hover

DEBOUNCE_SECONDS = 0.15
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.mllint"
CONFIG_GLOBS = ("**/pyproject.toml", "**/.mllint.toml")
SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
_ENCODINGS = {
    types.PositionEncodingKind.Utf8: UTF8,
    types.PositionEncodingKind.Utf16: UTF16,
    types.PositionEncodingKind.Utf32: UTF32,
}


@dataclass
class Linted:
    """The last good lint of a document: the version and text it was computed on, and what it found."""

    version: int | None
    text: str
    index: LineIndex
    outcome: Outcome


class MllintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("mllint", __version__)
        self.engine = Engine()
        self.linted: dict[str, Linted] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.logged: dict[str, str] = {}  # uri -> the last problem logged (each is logged once)

    # -------------------------------------------------------------------------------------------------
    # Linting and publishing

    def encoding(self) -> str:
        return _ENCODINGS.get(self.workspace.position_encoding, UTF16)  # type: ignore[arg-type]

    def current(self, uri: str) -> Linted | None:
        """The lint of the document's current version (linting now if needed); None when it is not linted
        or linting failed (the failure is logged)."""
        document = self.workspace.get_text_document(uri)
        path = to_fs_path(uri)
        if not wants(path):
            return None
        assert path is not None
        known = self.linted.get(uri)
        text = document.source
        version = document.version
        try:
            linter = self.engine.linter_for(path)  # a few `stat` calls: a changed config gives a new linter
            if known is not None and (known.version, known.text, known.outcome.linter) == (version, text, linter):
                return known
            outcome = self.engine.lint(path, text)
        except LintProblem as problem:
            self.log_once(uri, f"mllint: {path}: {problem}")
            return None
        except Exception as error:  # an engine bug must not take the editor's server down
            self.log_once(uri, f"mllint: {path}: internal error ({type(error).__name__}: {error}); please report it")
            return None
        if outcome.warning:
            self.log_once(uri, f"mllint: {path}: {outcome.warning}")
        else:
            self.logged.pop(uri, None)
        if document.version != version:  # the buffer moved on while we linted: this result is stale
            return None
        linted = Linted(version, text, LineIndex.of(text, self.encoding()), outcome)
        self.linted[uri] = linted
        return linted

    def publish(self, uri: str) -> None:
        """Publish the diagnostics of the document's current version (or, if it cannot be linted, nothing:
        the editor keeps showing the last good ones)."""
        linted = self.current(uri)
        if linted is None:
            return
        diagnostics = [diagnostic(f, linted.index) for f in linted.outcome.result.findings]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=linted.version)
        )

    def schedule(self, uri: str, delay: float) -> None:
        """Lint ``uri`` after ``delay`` seconds, replacing a lint already waiting (debounce)."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(delay, self._fire, uri)

    def _fire(self, uri: str) -> None:
        self.pending.pop(uri, None)
        if uri in self.workspace.text_documents:
            self.publish(uri)

    def relint_all(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.publish(uri)

    def log_once(self, uri: str, message: str) -> None:
        if self.logged.get(uri) == message:
            return
        self.logged[uri] = message
        self.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=message))


def diagnostic(finding: Finding, index: LineIndex) -> types.Diagnostic:
    return types.Diagnostic(
        range=lsp_range(index.range(finding.span)),
        message=finding.message,
        severity=SEVERITY[finding.severity],
        code=finding.rule,
        code_description=types.CodeDescription(href=rule_url(finding.rule)),
        source="mllint",
    )


def lsp_range(value: Range) -> types.Range:
    (line, character), (end_line, end_character) = value
    return types.Range(
        start=types.Position(line=line, character=character),
        end=types.Position(line=end_line, character=end_character),
    )


def our_range(value: types.Range) -> Range:
    return (value.start.line, value.start.character), (value.end.line, value.end.character)


# -----------------------------------------------------------------------------------------------------
# Code actions


def text_edits(fix: Fix, index: LineIndex) -> list[types.TextEdit]:
    """The fix's edits in LSP terms; inserted line breaks take the document's newline (as ``--fix`` does)."""
    return [
        types.TextEdit(range=lsp_range(index.range(edit.span)), new_text=edit.replacement.replace("\n", index.newline))
        for edit in fix.edits
    ]


def quick_fix(uri: str, finding: Finding, linted: Linted) -> types.CodeAction | None:
    fix = finding.fix
    if fix is None:
        return None
    title = f"{fix.description} ({finding.rule})" if fix.safe else f"(unsafe) {fix.description} ({finding.rule})"
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(finding, linted.index)],
        is_preferred=fix.safe,
        edit=types.WorkspaceEdit(changes={uri: text_edits(fix, linted.index)}),
    )


def ignore_action(uri: str, finding: Finding, linted: Linted) -> types.CodeAction | None:
    """``# mllint: ignore=MLNNN`` on its own line above the instruction holding the finding (suppress.py: a
    comment right above an instruction, or above other comments right above it, covers all its lines)."""
    from ..fix.edits import indent, instruction_at

    dockerfile = linted.outcome.result.dockerfile
    if dockerfile is None or finding.rule == "ML000":  # ignoring "this ignore is unused" makes no sense
        return None
    instruction = instruction_at(dockerfile, finding.span)
    if instruction is None:
        return None
    start = instruction.span.line
    where = "on this line" if instruction.span.end_line == start else f"for this {instruction.keyword}"
    comment = f"{indent(dockerfile, start)}# mllint: ignore={finding.rule}{linted.index.newline}"
    position = lsp_range(linted.index.range(Span(start, 1, start, 1)))
    return types.CodeAction(
        title=f"Ignore {finding.rule} {where}",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(finding, linted.index)],
        edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=position, new_text=comment)]}),
    )


def wanted(kind: str, only: list[str] | None) -> bool:
    """LSP kinds are hierarchical: asking for ``source.fixAll`` includes ``source.fixAll.mllint``."""
    return not only or any(kind == asked or kind.startswith(f"{asked}.") for asked in only)


def code_actions(server: MllintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    linted = server.current(uri)
    if linted is None:
        return []
    only = [str(kind.value if isinstance(kind, types.CodeActionKind) else kind) for kind in params.context.only or []]
    actions: list[types.CodeAction] = []
    if wanted(types.CodeActionKind.QuickFix.value, only):
        asked = our_range(params.range)
        # the findings under the cursor or selection, and those the editor says it shows there
        shown = {(str(d.code), our_range(d.range)) for d in params.context.diagnostics if d.source == "mllint"}
        here = [
            f
            for f in linted.outcome.result.findings
            if overlaps(linted.index.range(f.span), asked) or (f.rule, linted.index.range(f.span)) in shown
        ]
        fixes = [quick_fix(uri, f, linted) for f in here]
        ignores = [ignore_action(uri, f, linted) for f in here]
        seen: set[str] = set()
        for action in [*fixes, *ignores]:
            if action is not None and action.title not in seen:
                seen.add(action.title)
                actions.append(action)
    if wanted(FIX_ALL_KIND, only) and any(f.fix is not None and f.fix.safe for f in linted.outcome.result.findings):
        action = types.CodeAction(title="mllint: fix all safely fixable problems", kind=FIX_ALL_KIND, data=uri)
        actions.append(action if resolves_edits(server) else resolve_fix_all(server, action))
    return actions


def resolves_edits(server: MllintServer) -> bool:
    """Whether the client asks ``codeAction/resolve`` for a missing edit (else the edit must come at once)."""
    text_document = server.client_capabilities.text_document
    code_action = text_document.code_action if text_document else None
    support = code_action.resolve_support if code_action else None
    return support is not None and "edit" in support.properties


def resolve_fix_all(server: MllintServer, action: types.CodeAction) -> types.CodeAction:
    """The fix-all edit is computed only when the editor picks the action (it re-lints up to 10 times)."""
    uri = action.data if isinstance(action.data, str) else None
    if action.kind != FIX_ALL_KIND or uri is None or uri not in server.workspace.text_documents:
        return action
    path = to_fs_path(uri)
    text = server.workspace.get_text_document(uri).source
    try:
        new_text = server.engine.fix_all(path, text) if path else None
    except LintProblem as problem:
        server.log_once(uri, f"mllint: {path}: {problem}")
        new_text = None
    if new_text is not None:
        index = LineIndex.of(text, server.encoding())
        edit = types.TextEdit(range=lsp_range(((0, 0), index.end())), new_text=new_text)
        action.edit = types.WorkspaceEdit(changes={uri: [edit]})
    else:
        action.edit = types.WorkspaceEdit(changes={uri: []})
    return action


# -----------------------------------------------------------------------------------------------------
# Hover


def hover(server: MllintServer, params: types.HoverParams) -> types.Hover | None:
    from ..fix.edits import instruction_at

    linted = server.current(params.text_document.uri)
    if linted is None:
        return None
    where = (params.position.line, params.position.character)
    outcome = linted.outcome
    parts = [
        finding_hover(f, outcome.linter.rules)
        for f in outcome.result.findings
        if contains(linted.index.range(f.span), where)
    ]
    dockerfile = outcome.result.dockerfile
    line, column = linted.index.span_position(where)
    instruction = instruction_at(dockerfile, Span(line, column, line, column), "FROM") if dockerfile else None
    if instruction is not None and line == instruction.span.line:
        from ..context import BuildContext

        path = to_fs_path(params.text_document.uri) or ""
        context = BuildContext(os.path.dirname(os.path.abspath(path)))
        with contextlib.suppress(Exception):  # facts are a nicety: never an error in the editor
            text = from_hover(dockerfile, instruction, outcome.linter.settings, context)
            if text:
                parts.append(text)
    if not parts:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)))


# -----------------------------------------------------------------------------------------------------
# Wiring


def build_server() -> MllintServer:
    server = MllintServer()

    @server.feature(types.INITIALIZED)
    def initialized(ls: MllintServer, params: types.InitializedParams) -> None:
        capabilities = ls.client_capabilities.workspace
        watched = capabilities.did_change_watched_files if capabilities else None
        if watched is not None and watched.dynamic_registration:
            watchers = [types.FileSystemWatcher(glob_pattern=glob) for glob in CONFIG_GLOBS]
            options = types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
            registration = types.Registration(
                id="mllint-config", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
            )
            ls.client_register_capability(types.RegistrationParams(registrations=[registration]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: MllintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: MllintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: MllintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: MllintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        waiting = ls.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        if ls.linted.pop(uri, None) is not None:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        ls.logged.pop(uri, None)
        path = to_fs_path(uri)
        if path is not None:
            ls.engine.forget(path)  # its parse memory

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(ls: MllintServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.relint_all()  # the engine re-reads a config whose mtime or size changed

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=True),
    )
    def code_action(ls: MllintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return code_actions(ls, params)

    @server.feature(types.CODE_ACTION_RESOLVE)
    def code_action_resolve(ls: MllintServer, params: types.CodeAction) -> types.CodeAction:
        return resolve_fix_all(ls, params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: MllintServer, params: types.HoverParams) -> types.Hover | None:
        return hover(ls, params)

    return server


def serve() -> None:
    """Run the server on stdin/stdout until the client says exit."""
    build_server().start_io()
