"""Machine output: ``{"version", "findings": [...], "errors": [...]}`` (documented in the README)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .. import __version__
from ..lint import FileResult


def render(results: Sequence[FileResult]) -> str:
    findings = [
        {
            "path": f.path,
            "line": f.span.line,
            "column": f.span.column,
            "end_line": f.span.end_line,
            "end_column": f.span.end_column,
            "rule": f.rule,
            "name": f.name,
            "severity": f.severity.value,
            "message": f.message,
            "stage": f.stage,
            "fixable": f.fix is not None,
        }
        for result in results
        for f in result.findings
    ]
    errors = [{"path": r.path, "message": r.error} for r in results if r.error is not None]
    return json.dumps({"version": __version__, "findings": findings, "errors": errors}, indent=2) + "\n"
