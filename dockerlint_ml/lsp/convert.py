"""Positions between mllint and LSP.

mllint spans are 1-based, with columns counted in characters (code points) of the line as parsed: line breaks
``\\r\\n``, ``\\r`` and ``\\n`` all end a line, and a leading byte-order mark is not part of line 1. LSP positions
are 0-based, with columns counted in the negotiated encoding's code units: UTF-16 unless the client offers
another (a character outside the Basic Multilingual Plane is two UTF-16 units, up to four UTF-8 bytes). The
editor's text still holds the byte-order mark, so it shifts line 1.

No pygls import here: the conversions are plain functions on tuples, unit-tested on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Span

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_BREAK = re.compile(r"\r\n|\r|\n")
BOM = "\ufeff"

Position = tuple[int, int]  # (0-based line, column in code units)
Range = tuple[Position, Position]


def units(text: str, encoding: str = UTF16) -> int:
    """How many code units ``text`` takes in ``encoding``."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


@dataclass(frozen=True)
class LineIndex:
    """The lines of an editor document (without their line breaks), its first line break and its BOM."""

    lines: tuple[str, ...]
    newline: str
    bom: str
    encoding: str = UTF16

    @classmethod
    def of(cls, text: str, encoding: str = UTF16) -> LineIndex:
        bom = BOM if text.startswith(BOM) else ""
        body = text[len(bom) :]
        found = _BREAK.search(body)
        return cls(tuple(_BREAK.split(body)), found.group() if found else "\n", bom, encoding)

    def position(self, line: int, column: int) -> Position:
        """The LSP position of mllint's 1-based (line, column); past the end of a line or of the file clamps."""
        if line > len(self.lines):
            last = len(self.lines) - 1
            return last, self._units(last, len(self.lines[last]))
        index = max(line - 1, 0)
        return index, self._units(index, max(column - 1, 0))

    def _units(self, index: int, chars: int) -> int:
        shift = units(self.bom, self.encoding) if index == 0 else 0
        return shift + units(self.lines[index][:chars], self.encoding)

    def range(self, span: Span) -> Range:
        return self.position(span.line, span.column), self.position(span.end_line, span.end_column)

    def span_position(self, position: Position) -> tuple[int, int]:
        """mllint's 1-based (line, column) of an LSP position (a column inside a character rounds down)."""
        index, wanted = position
        if index >= len(self.lines):
            return len(self.lines) + 1, 1
        if index < 0:
            return 1, 1
        text = self.lines[index]
        if index == 0:
            wanted -= units(self.bom, self.encoding)
        count = 0
        for chars, char in enumerate(text):
            if count >= wanted:
                return index + 1, chars + 1
            count += units(char, self.encoding)
            if count > wanted:  # inside a surrogate pair or a multi-byte sequence
                return index + 1, chars + 1
        return index + 1, len(text) + 1

    def end(self) -> Position:
        """The position just after the last character of the document."""
        last = len(self.lines) - 1
        return last, self._units(last, len(self.lines[last]))


def contains(outer: Range, position: Position) -> bool:
    """Whether ``position`` lies in ``outer``, ends included (a cursor right after a word is on it)."""
    return outer[0] <= position <= outer[1]


def overlaps(first: Range, second: Range) -> bool:
    """Whether two ranges share a character; an empty range (a cursor) counts when it touches the other."""
    if first[0] == first[1] or second[0] == second[1]:
        return first[0] <= second[1] and second[0] <= first[1]
    return first[0] < second[1] and second[0] < first[1]
