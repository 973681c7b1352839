"""Applying fixes to the original text: CRLF, mixed endings and a BOM survive (inserted line breaks use the
file's newline); edits are applied bottom-up, one fix at a time and never two that overlap or touch."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Fix
from ..records import Frozen, setfield


def applicable(fix: Fix | None, unsafe: bool) -> bool:
    return fix is not None and (fix.safe or unsafe)


class _TextMap(Frozen):
    """Offsets of each line start in the original text (any mix of ``\\n``, ``\\r\\n``, ``\\r``)."""

    __slots__ = ("newline", "starts", "text")
    _fields = ("text", "starts", "newline")

    def __init__(self, text: str, starts: tuple[int, ...], newline: str) -> None:
        setfield(self, "text", text)
        setfield(self, "starts", starts)
        setfield(self, "newline", newline)

    @classmethod
    def of(cls, text: str) -> _TextMap:
        starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
        newline = "\r\n" if "\r\n" in text else "\n"
        return cls(text, tuple(starts), newline)

    def offset(self, line: int, column: int) -> int:
        if line > len(self.starts):
            return len(self.text)
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        content_end = end
        while content_end > start and self.text[content_end - 1] in "\r\n":
            content_end -= 1
        if column == 1:
            return start
        return min(start + column - 1, content_end)


def _ranges(mapping: _TextMap, fix: Fix) -> list[tuple[int, int, str]]:
    out = []
    for edit in fix.edits:
        start = mapping.offset(edit.span.line, edit.span.column)
        end = mapping.offset(edit.span.end_line, edit.span.end_column)
        out.append((start, max(start, end), edit.replacement.replace("\n", mapping.newline)))
    return out


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """Apply the fixes whose edits neither overlap nor touch an already accepted one (in the given order;
    a skipped fix is picked up by the next round), bottom-up. Returns the new text and how many applied."""
    mapping = _TextMap.of(text)
    accepted: list[tuple[int, int, str]] = []
    seen: set[tuple[tuple[int, int, str], ...]] = set()
    count = 0
    for fix in fixes:
        ranges = _ranges(mapping, fix)
        signature = tuple(sorted(ranges))
        if not ranges or signature in seen:
            continue
        if any(
            start <= other_end and other_start <= end
            for start, end, _ in ranges
            for other_start, other_end, _ in accepted
        ):
            continue
        seen.add(signature)
        accepted.extend(ranges)
        count += 1
    for start, end, replacement in sorted(accepted, key=lambda r: (r[0], r[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text, count
