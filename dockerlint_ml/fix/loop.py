"""The fix loop: attach fixes to findings, apply them, re-lint and fix again until nothing changes (bounded).

A round that would add a syntax error or an error-level finding is retried fix by fix, and a fix that does so
is dropped. Also the unified diff and the file I/O of ``mllint --fix`` / ``--diff``.

The table of fixers is built from the rule objects the engine is given (:func:`fixers_for`): a rule is
fixable when it has a ``fix(dockerfile, finding) -> Fix | None`` method. This module knows nothing of
individual rules and imports no rule module.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from ..model import Dockerfile, Finding, Fix, Severity
from .apply import applicable, apply_fixes

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any, Protocol

    from ..lint import FileResult, Linter  # lint.py is not imported at run time: it imports this package lazily

    class FixingRule(Protocol):
        """What the loop needs of a rule: its ID, whether it can fix, and the fix itself."""

        id: str
        fixable: bool

        def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None: ...

    #: rule ID -> the rule (an instance) whose ``fix`` repairs its findings
    Fixers = Mapping[str, FixingRule]

MAX_ROUNDS = 10


def fixers_for(rules: Iterable[Any]) -> dict[str, FixingRule]:
    """The fixers among ``rules`` (rule classes or instances), by rule ID."""
    table: dict[str, FixingRule] = {}
    for rule in rules:
        if getattr(rule, "fixable", False):
            table[rule.id] = rule() if isinstance(rule, type) else rule
    return table


def builtin_fixers() -> dict[str, FixingRule]:
    """The fixers of the built-in rules (for callers that have no rule list at hand)."""
    from ..registry import builtin_rules

    return fixers_for(builtin_rules())


def fix_for(dockerfile: Dockerfile, finding: Finding, fixers: Fixers | None = None) -> Fix | None:
    """The finding's own fix, else its rule's; a fix bug means "not fixable", never a crash."""
    if finding.fix is not None:
        return finding.fix
    rule = (builtin_fixers() if fixers is None else fixers).get(finding.rule)
    if rule is None:
        return None
    try:
        return rule.fix(dockerfile, finding)
    except Exception:  # pragma: no cover - defensive: a fixer must not break linting
        return None


def with_fixes(
    findings: Sequence[Finding], dockerfile: Dockerfile | None, fixers: Fixers | None = None
) -> list[Finding]:
    """``findings`` with ``fix`` filled in wherever a rule's fix can repair them."""
    if dockerfile is None:
        return list(findings)
    table = builtin_fixers() if fixers is None else fixers
    return [f.replace(fix=fix_for(dockerfile, f, table)) if f.fix is None else f for f in findings]


def attach_fixes(result: FileResult, rules: Iterable[Any] | None = None) -> FileResult:
    if result.dockerfile is None or not result.findings:
        return result
    fixers = None if rules is None else fixers_for(rules)
    return result.replace(findings=with_fixes(result.findings, result.dockerfile, fixers))


def _decode(data: bytes) -> tuple[str, str]:
    """The text (BOM removed, line endings as they are) and the BOM to put back."""
    from ..parse import decode

    decode(data)  # raises InputError for what cannot be linted
    text = data.decode("utf-8")
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    return text[len(bom) :], bom


def _errors(result: FileResult) -> Counter[str]:
    counts: Counter[str] = Counter(f.rule for f in result.findings if f.severity is Severity.ERROR)
    if result.dockerfile is not None:
        counts["syntax"] = len(result.dockerfile.problems)
    return counts


def _worse(before: FileResult, after: FileResult) -> bool:
    if after.error is not None or after.dockerfile is None:
        return True
    old, new = _errors(before), _errors(after)
    return any(new[key] > old[key] for key in new)


def fix_source(
    data: bytes, path: str, linter: Linter, unsafe: bool = False, build_context: Any = None
) -> tuple[str | None, FileResult, int]:
    """Fix, re-lint and fix again until nothing changes (at most :data:`MAX_ROUNDS` rounds).

    Returns ``(new_text, remaining, applied)``: the text to write (``data`` decoded when nothing could be
    done), the findings that remain (with their fixes attached) and how many fixes were applied.
    """

    from ..parse import InputError

    def lint(text: str) -> FileResult:
        return linter.lint_bytes(text.encode("utf-8"), path, build_context)

    fixers = fixers_for(linter.rules)
    try:
        text, bom = _decode(data)
    except InputError:
        return None, linter.lint_bytes(data, path, build_context), 0
    result = lint(bom + text)
    applied = 0
    for _round in range(MAX_ROUNDS):
        if result.error is not None or result.dockerfile is None:
            break
        findings = with_fixes(result.findings, result.dockerfile, fixers)
        fixes = [f.fix for f in findings if applicable(f.fix, unsafe)]
        fixes.sort(key=lambda fix: not fix.safe)  # safe first: they win overlaps this round
        if not fixes:
            break
        new_text, count = apply_fixes(text, fixes)
        new_result = lint(bom + new_text) if count else result
        if count and _worse(result, new_result):  # find the fix that hurts: apply them one at a time
            new_text, count, new_result = _one_by_one(text, fixes, result, bom, lint)
        if count == 0 or new_text == text:
            break
        text, result, applied = new_text, new_result, applied + count
    result = result.replace(findings=with_fixes(result.findings, result.dockerfile, fixers))
    return bom + text, result, applied


def _one_by_one(
    text: str, fixes: list[Fix], result: FileResult, bom: str, lint: Callable[[str], FileResult]
) -> tuple[str, int, FileResult]:
    count = 0
    for fix in fixes:
        candidate, applied = apply_fixes(text, [fix])
        if not applied:
            continue
        candidate_result = lint(bom + candidate)
        if _worse(result, candidate_result):
            continue
        text, result, count = candidate, candidate_result, count + 1
        break  # positions of the other fixes are stale now: the next round recomputes them
    return text, count, result


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff ``patch`` applies (``\\ No newline at end of file`` markers included)."""
    import difflib  # only for --diff and the language server's previews

    lines = []
    for line in difflib.unified_diff(
        _split(before),
        _split(after),
        fromfile=path,
        tofile=path,
    ):
        if line.endswith("\n"):
            lines.append(line)
        else:
            lines.append(line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def _split(text: str) -> list[str]:
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


# ---------------------------------------------------------------------------------------------------------
# Files: what `mllint --fix` / `--diff` do


def _create_files(run: FixRun, result: FileResult, unsafe: bool, write: bool) -> FileResult:
    """Fixes that create a file (ML801's starter `.dockerignore`): with ``write``, create each file that does
    not exist yet (never overwriting: ``open(..., "x")``) and drop the finding it repairs; otherwise add a diff
    from ``/dev/null``. A file another finding of this run already created is skipped."""
    kept = []
    for finding in result.findings:
        fix = finding.fix
        if fix is None or not fix.files or not applicable(fix, unsafe):
            kept.append(finding)
            continue
        done = False
        for path, text in fix.files:
            if path in run.created:
                continue
            if not write:
                run.diff += unified_diff(path, "", text).replace(f"--- {path}", "--- /dev/null", 1)
                run.created.add(path)
                done = True
                continue
            try:
                with open(path, "x", encoding="utf-8") as handle:
                    handle.write(text)
            except OSError:
                continue  # it exists (or cannot be written): never overwrite
            run.created.add(path)
            done = True
        if done:
            run.applied += 1
            run.changed += 1
        else:
            kept.append(finding)
    return result.replace(findings=kept) if len(kept) != len(result.findings) else result


class FixRun:
    """What ``fix_paths`` did: the remaining findings per file, and what it changed (or would, for --diff)."""

    def __init__(self, results: list) -> None:
        self.results = results
        self.diff = ""
        self.applied = 0
        self.changed = 0
        self.stdin_text: str | None = None  # the fixed standard input, printed instead of written
        self.created: set[str] = set()  # files fixes created (or would create, for --diff)


def fix_paths(
    paths: tuple[str, ...],
    linter: Linter,
    *,
    unsafe: bool,
    write: bool,
    stdin_filename: str | None,
    build_context: Callable[[str], object] = lambda path: None,
) -> FixRun:
    """Fix every input. ``write``: rewrite changed files in place (standard input is returned in
    ``stdin_text``); otherwise collect a unified diff and write nothing. ``build_context(path)`` gives the
    context rules may read for a file."""
    import sys

    from ..files import collect, read
    from ..lint import FileResult

    run = FixRun(results=[])
    for item in collect(paths):
        if item.error is not None:
            run.results.append(FileResult(item.path, error=item.error))
            continue
        is_stdin = item.path == "-"
        shown = (stdin_filename or "-") if is_stdin else item.path
        try:
            data = sys.stdin.buffer.read() if is_stdin else read(item.path)
        except OSError as error:
            run.results.append(FileResult(item.path, error=str(error)))
            continue
        new_text, result, applied = fix_source(data, shown, linter, unsafe, build_context(item.path))
        result = _create_files(run, result, unsafe, write)
        run.results.append(result)
        if new_text is None:
            continue
        old_text = data.decode("utf-8")
        if is_stdin and write:
            run.stdin_text = new_text
        if new_text == old_text:
            continue
        run.applied += applied
        run.changed += 1
        if not write:
            run.diff += unified_diff(shown, old_text, new_text)
        elif not is_stdin:
            try:
                with open(item.path, "wb") as handle:
                    handle.write(new_text.encode("utf-8"))
            except OSError as error:
                run.results[-1] = FileResult(item.path, error=f"cannot write the fixes: {error.strerror or error}")
    return run
