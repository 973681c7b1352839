"""What linting one file produced, and whether a run fails: the records the reporters read.

Kept apart from the engine (lint.py) so that reporters depend on these records and the model only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .model import Dockerfile, Finding, Severity


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    dockerfile: Dockerfile | None = None
    #: the file's lines (for source excerpts and fingerprints); kept when the model is dropped, as --jobs does
    lines: tuple[str, ...] | None = None
    #: per shipped image: (target stage label, role, the signal the role came from)
    images: tuple[tuple[str | None, str, str], ...] = ()


def fails(findings: Sequence[Finding], fail_on: str) -> bool:
    if fail_on == "never":
        return False
    threshold = Severity(fail_on).rank
    return any(finding.severity.rank >= threshold for finding in findings)
