"""What linting one file produced, and whether a run fails: the records the reporters read.

Kept apart from the engine (lint.py) so that reporters depend on these records and the model only.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Dockerfile, Finding, Severity
from .records import Record


class FileResult(Record):
    _fields = ("path", "findings", "error", "dockerfile", "lines", "images")
    __slots__ = _fields
    path: str
    findings: list[Finding]
    error: str | None
    dockerfile: Dockerfile | None
    #: the file's lines (for source excerpts and fingerprints); kept when the model is dropped, as --jobs does
    lines: tuple[str, ...] | None
    #: per shipped image: (target stage label, role, the signal the role came from)
    images: tuple[tuple[str | None, str, str], ...]

    def __init__(
        self,
        path: str,
        findings: list[Finding] | None = None,
        error: str | None = None,
        dockerfile: Dockerfile | None = None,
        lines: tuple[str, ...] | None = None,
        images: tuple[tuple[str | None, str, str], ...] = (),
    ) -> None:
        self.path = path
        self.findings = [] if findings is None else findings
        self.error = error
        self.dockerfile = dockerfile
        self.lines = lines
        self.images = images

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was


def fails(findings: Sequence[Finding], fail_on: str) -> bool:
    if fail_on == "never":
        return False
    threshold = Severity(fail_on).rank
    return any(finding.severity.rank >= threshold for finding in findings)
