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


#: Docker's predefined ARGs: usable without an ARG line (platform ARGs in FROM lines; proxies everywhere).
BUILTIN_ARGS = frozenset(
    {
        "TARGETPLATFORM",
        "TARGETOS",
        "TARGETARCH",
        "TARGETVARIANT",
        "BUILDPLATFORM",
        "BUILDOS",
        "BUILDARCH",
        "BUILDVARIANT",
        "TARGETSTAGE",
        "BUILDKIT_SYNTAX",
        "BUILDKIT_INLINE_CACHE",
        "BUILDKIT_MULTI_PLATFORM",
        "BUILDKIT_SANDBOX_HOSTNAME",
        "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
        "SOURCE_DATE_EPOCH",
    }
    | {f"{name}_PROXY" for name in ("HTTP", "HTTPS", "FTP", "NO", "ALL")}
    | {f"{name}_proxy" for name in ("http", "https", "ftp", "no", "all")}
)
