"""Inline suppressions: ``# mllint: ignore=ML101,ML206`` above (or inside) an instruction, and
``# mllint: ignore-file=ML301`` (or a bare ``ignore-file``) anywhere in the file.

hadolint's ``# hadolint ignore=DL3042`` and ``# hadolint global ignore=…`` count too (unless the config says
``hadolint-pragmas = false``), for the mllint rules its codes map to (``migrate/hadolint.py``); codes with no
equivalent are skipped, and these pragmas are never reported as unused (ML000): they may serve hadolint too."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping

from .lazy_re import lazy
from .model import Dockerfile, Finding, Severity, Span

_COMMENT = lazy(r"#\s*mllint:\s*(ignore-file|ignore)\b\s*(?:=\s*([A-Za-z0-9_,\s]*))?", re.IGNORECASE)
ALL = "*"


class _Entry:
    __slots__ = ("codes", "line", "reportable", "scope", "used")

    def __init__(
        self,
        line: int,
        codes: tuple[str, ...],
        scope: tuple[int, int] | None,
        used: set[str] | None = None,
        reportable: bool = True,
    ) -> None:
        self.line = line
        self.codes = codes  # ("*",) for all rules
        self.scope = scope  # instruction line range; None for the whole file
        self.used: set[str] = set() if used is None else used
        self.reportable = reportable  # False for hadolint pragmas: ML000 leaves them alone

    def matches(self, finding: Finding) -> bool:
        if self.scope is not None and not self.scope[0] <= finding.span.line <= self.scope[1]:
            return False
        return any(code == ALL or finding.rule.startswith(code) for code in self.codes)


def _pragma(text: str, hadolint_pragmas: bool) -> tuple[tuple[str, ...], bool, bool] | None:
    """``(codes, whole_file, reportable)`` for an ignore comment, else None."""
    match = _COMMENT.match(text)
    if match:
        codes = tuple(code.strip().upper() for code in (match.group(2) or "").split(",") if code.strip()) or (ALL,)
        return codes, match.group(1).lower() == "ignore-file", True
    if hadolint_pragmas and "hadolint" in text:
        from .migrate.hadolint import ml_rules, parse_pragma  # only for files that mention hadolint

        parsed = parse_pragma(text)
        mapped = tuple(dict.fromkeys(rule for code in parsed[1] for rule in ml_rules(code))) if parsed else ()
        if mapped:  # a pragma of codes mllint has no equivalent for silences nothing here
            return mapped, parsed[0], False
    return None


def _entries(dockerfile: Dockerfile, hadolint_pragmas: bool = True) -> list[_Entry]:
    starts = [instruction.span.line for instruction in dockerfile.instructions]
    spans = [(i.span.line, i.span.end_line) for i in dockerfile.instructions]
    entries: list[_Entry] = []
    for line, text in dockerfile.comments:
        pragma = _pragma(text, hadolint_pragmas)
        if pragma is None:
            continue
        codes, whole_file, reportable = pragma
        if whole_file:
            entries.append(_Entry(line, codes, None, reportable=reportable))
            continue
        position = bisect_right(starts, line)
        if position and spans[position - 1][0] <= line <= spans[position - 1][1]:
            entries.append(_Entry(line, codes, spans[position - 1], reportable=reportable))  # inside a continuation
            continue
        following = line + 1
        while following <= len(dockerfile.lines) and dockerfile.lines[following - 1].lstrip().startswith("#"):
            following += 1
        if position < len(starts) and starts[position] == following:
            entries.append(_Entry(line, codes, spans[position], reportable=reportable))
    return entries


def apply_suppressions(
    dockerfile: Dockerfile,
    findings: list[Finding],
    report_unused: bool,
    severity: Mapping[str, Severity] | None = None,
    hadolint_pragmas: bool = True,
    locked: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Drop suppressed findings; with ``report_unused``, add an ML000 finding for each ignore that did nothing.

    The ML000 finding takes its ID, name and default severity from the ML000 rule class
    (``rules.correctness.UnusedSuppression``); ``severity`` is ``Settings.severity``, whose override wins as it
    does for every other rule in ``lint.py``. A finding of a ``locked`` rule (ID prefix -> the config file that
    locked it) is kept under an inline ignore, with a note saying so."""
    entries = _entries(dockerfile, hadolint_pragmas)
    if not entries:
        return findings
    kept: list[Finding] = []
    for finding in findings:
        matching = [entry for entry in entries if entry.matches(finding)]
        for entry in matching:
            entry.used.add(finding.rule)
        if not matching:
            kept.append(finding)
            continue
        source = next((file for code, file in (locked or {}).items() if finding.rule.startswith(code)), None)
        if source is not None:  # only a config file may silence a locked rule
            note = f" (locked by policy in {source}: inline ignore not honoured)"
            kept.append(finding.replace(message=finding.message + note))
    if report_unused:
        from .rules.correctness import UnusedSuppression  # a rule module: loaded only when ML000 is wanted

        level = (severity or {}).get(UnusedSuppression.id) or UnusedSuppression.severity
        for entry in (entry for entry in entries if entry.reportable):
            unused = [
                code for code in entry.codes if not any(rule.startswith(code) or code == ALL for rule in entry.used)
            ]
            if unused:
                text = dockerfile.lines[entry.line - 1]
                column = text.index("#") + 1
                kept.append(
                    Finding(
                        path=dockerfile.path,
                        rule=UnusedSuppression.id,
                        name=UnusedSuppression.name,
                        severity=level,
                        message=f"suppression of {', '.join(unused)} silences nothing here: remove it",
                        span=Span(entry.line, column, entry.line, len(text.rstrip()) + 1),
                    )
                )
    return kept
