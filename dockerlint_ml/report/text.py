"""Human output: one self-contained line per finding (pre-commit runs batches in parallel), then a summary."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Finding, Severity
from ..results import FileResult

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def format_finding(finding: Finding, color: bool = False, unsafe_fixes: bool = False) -> str:
    location = f"{finding.path}:{finding.span.line}:{finding.span.column}:"
    level = _paint(f"[{finding.severity.value}]", _COLORS[finding.severity], color)
    rule = _paint(finding.rule, "1", color)
    fixable = finding.fix is not None and (finding.fix.safe or unsafe_fixes)
    return f"{_paint(location, '1', color)} {rule} {level} {finding.message}" + (" [*]" if fixable else "")


def fixable_summary(results: Sequence[FileResult], unsafe_fixes: bool = False) -> str | None:
    """``N fixable with --fix (M more with --unsafe-fixes).``, or None when nothing is fixable."""
    fixes = [f.fix for result in results for f in result.findings if f.fix is not None]
    now = sum(1 for fix in fixes if fix.safe or unsafe_fixes)
    more = len(fixes) - now
    if not fixes:
        return None
    option = "--fix --unsafe-fixes" if unsafe_fixes else "--fix"
    extra = f" ({more} more with --unsafe-fixes)" if more else ""
    return f"[*] {now} fixable with {option}{extra}."


def _source(result: FileResult, finding: Finding) -> list[str]:
    if result.lines is None or not 0 < finding.span.line <= len(result.lines):
        return []
    line = result.lines[finding.span.line - 1].replace("\t", " ")
    width = max(
        1,
        (finding.span.end_column if finding.span.end_line == finding.span.line else len(line) + 1)
        - finding.span.column,
    )
    return [f"    {line}", "    " + " " * (finding.span.column - 1) + "^" * width]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 or word == 'info' else 's'}"


def summary(results: Sequence[FileResult]) -> str:
    findings = [f for result in results for f in result.findings]
    linted = sum(1 for result in results if result.lines is not None)
    files = _plural(linted, "file")
    if not findings:
        return f"No problems found in {files}."
    counts = [
        _plural(sum(1 for f in findings if f.severity is severity), name)
        for severity, name in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "info"))
    ]
    return f"{', '.join(c for c in counts if not c.startswith('0 '))} in {files}."


def render(
    results: Sequence[FileResult], *, color: bool, show_source: bool, quiet: bool, unsafe_fixes: bool = False
) -> str:
    lines: list[str] = []
    for result in results:
        for finding in result.findings:
            lines.append(format_finding(finding, color, unsafe_fixes))
            if show_source:
                lines.extend(_source(result, finding))
    if not quiet:
        lines.append(summary(results))
        fixable = fixable_summary(results, unsafe_fixes)
        if fixable:
            lines.append(fixable)
    return "\n".join(lines) + ("\n" if lines else "")
