"""Logical text shared by the parser and the shell layer: instruction text joined from several physical
lines that still knows where every character came from, and word splitting with spans."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from .model import Span, Word


class LogicalText:
    """Text joined from several physical lines, mapping each offset back to its 1-based line and column.

    ``segments`` holds ``(offset_in_text, line_number, column_of_first_char)`` for each joined piece.
    """

    __slots__ = ("_offsets", "_segments", "text")

    def __init__(self, text: str, segments: Sequence[tuple[int, int, int]]) -> None:
        self.text = text
        self._segments = list(segments)
        self._offsets = [segment[0] for segment in self._segments]

    @classmethod
    def from_lines(cls, lines: Sequence[str], indexes: Sequence[int], escape: str) -> LogicalText:
        """Join the physical lines ``indexes`` as Docker does: the escape character and newline vanish."""
        parts: list[str] = []
        segments: list[tuple[int, int, int]] = []
        offset = 0
        last = indexes[-1]
        for index in indexes:
            line = lines[index]
            if index != last:
                stripped = line.rstrip()
                if stripped.endswith(escape):
                    line = stripped[: -len(escape)]
            segments.append((offset, index + 1, 1))
            parts.append(line)
            offset += len(line)
        return cls("".join(parts), segments)

    @classmethod
    def block(cls, text: str, first_line: int, first_column: int = 1) -> LogicalText:
        """A multi-line block (a heredoc body or script) that starts at ``first_line``."""
        segments: list[tuple[int, int, int]] = []
        offset = 0
        for number, line in enumerate(text.split("\n")):
            segments.append((offset, first_line + number, first_column if number == 0 else 1))
            offset += len(line) + 1
        return cls(text, segments)

    def position(self, offset: int) -> tuple[int, int]:
        index = max(bisect_right(self._offsets, offset) - 1, 0)
        start, line, column = self._segments[index]
        return line, column + offset - start

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        if end <= start:
            return Span(line, column, line, column)
        end_line, end_column = self.position(end - 1)
        return Span(line, column, end_line, end_column + 1)

    def offset_of(self, line: int, column: int) -> int | None:
        """The inverse of :meth:`position`: the offset shown as ``line:column``, or None. O(log n), so that
        a RUN with thousands of ``sh -c`` stays linear."""
        index = bisect_right(self._segments, line, key=lambda segment: segment[1]) - 1  # lines ascend
        if index >= 0:
            start, first_line, first_column = self._segments[index]
            offset = start + column - first_column
            if first_line == line and 0 <= offset < len(self.text) and self.position(offset) == (line, column):
                return offset
        return next((o for o in range(len(self.text)) if self.position(o) == (line, column)), None)

    def shifted(self, start: int, text: str) -> LogicalText:
        """A sub-text (e.g. the script inside ``sh -c '...'``) that begins at ``start`` of this text."""
        first = bisect_right(self._offsets, start)
        end = bisect_left(self._offsets, start + len(text), lo=first)
        segments = [(0, *self.position(start))]
        segments.extend((offset - start, line, column) for offset, line, column in self._segments[first:end])
        return LogicalText(text, segments)


_QUOTES = "\"'"


def split_words(body: LogicalText, offset: int) -> list[Word]:
    """Split instruction arguments into words: whitespace separates, quotes group, backslash escapes."""
    text = body.text
    words: list[Word] = []
    index, length = offset, len(text)
    while index < length:
        while index < length and text[index] in " \t":
            index += 1
        if index >= length:
            break
        start = index
        value: list[str] = []
        quote = ""
        while index < length:
            char = text[index]
            if quote:
                if char == quote:
                    quote = ""
                elif char == "\\" and quote == '"' and index + 1 < length and text[index + 1] in '"\\$':
                    index += 1
                    value.append(text[index])
                else:
                    value.append(char)
            elif char in _QUOTES:
                quote = char
            elif char in " \t":
                break
            elif char == "\\" and index + 1 < length:
                index += 1
                value.append(text[index])
            else:
                value.append(char)
            index += 1
        words.append(Word("".join(value), text[start:index], body.span(start, index)))
    return words
