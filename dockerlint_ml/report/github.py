"""GitHub Actions workflow commands: one ``::error file=...::message`` line per finding, shown as
annotations on the pull request."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Severity
from ..results import FileResult

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(results: Sequence[FileResult]) -> str:
    lines = []
    for result in results:
        for f in result.findings:
            properties = ",".join(
                f"{key}={escape_property(str(value))}"
                for key, value in (
                    ("file", f.path),
                    ("line", f.span.line),
                    ("endLine", f.span.end_line),
                    ("col", f.span.column),
                    ("endColumn", f.span.end_column),
                    ("title", f"{f.rule} {f.name}"),
                )
            )
            lines.append(f"::{COMMANDS[f.severity]} {properties}::{escape_data(f.message)}")
        if result.error is not None:
            lines.append(f"::error file={escape_property(result.path)}::{escape_data(result.error)}")
    return "\n".join(lines) + ("\n" if lines else "")
