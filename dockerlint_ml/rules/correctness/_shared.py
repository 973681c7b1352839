"""Helpers that several rules of the correctness family use (no other family imports them)."""

from __future__ import annotations

from ...model import Flag, Span


def _flag_value_span(flag: Flag, start: int, length: int) -> Span:
    """The span of ``length`` characters at ``start`` of the flag's value (the whole flag if it spans lines)."""
    span = flag.span
    prefix = len(flag.name) + 3  # `--name=`
    if span.line != span.end_line or span.end_column - span.column != prefix + len(flag.value or ""):
        return span
    column = span.column + prefix + start
    return Span(span.line, column, span.line, column + length)
