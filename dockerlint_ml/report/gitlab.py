"""GitLab Code Quality report (a JSON array), for the merge-request widget."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..model import Severity
from ..results import FileResult
from .common import fingerprinted, relative_uri

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def render(results: Sequence[FileResult], *, root: Path) -> str:
    issues = [
        {
            "type": "issue",
            "description": f"{finding.rule} {finding.message}",
            "check_name": f"{finding.rule} {finding.name}",
            "fingerprint": fingerprint,
            "severity": SEVERITIES[finding.severity],
            "categories": ["Security"] if finding.rule.startswith("ML3") else ["Style"],
            "location": {
                "path": relative_uri(result.path, root),
                "lines": {"begin": finding.span.line, "end": finding.span.end_line},
            },
        }
        for result, finding, fingerprint in fingerprinted(results)
    ]
    return json.dumps(issues, indent=2) + "\n"
