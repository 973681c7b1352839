"""Machine output: ``{"version", "findings": [...], "errors": [...], "files": [...]}`` (documented in the README);
``files`` gives each linted file's shipped images with their inferred role and the signal it came from."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .. import __version__
from ..results import FileResult


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
            # for a policy rule (ML9xx): the config file and the policy key it enforces
            **({"policy": {"file": f.policy[0], "key": f.policy[1]}} if f.policy else {}),
        }
        for result in results
        for f in result.findings
    ]
    errors = [{"path": r.path, "message": r.error} for r in results if r.error is not None]
    files = [
        {
            "path": r.path,
            "images": [{"target": target, "role": role, "role_signal": signal} for target, role, signal in r.images],
        }
        for r in results
        if r.images
    ]
    document = {"version": __version__, "findings": findings, "errors": errors, "files": files}
    return json.dumps(document, indent=2) + "\n"
