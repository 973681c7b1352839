"""Helpers shared by the CI-facing reporters (SARIF, GitLab): repository-relative paths and stable
fingerprints. Kept apart from sarif.py so the GitLab format does not import sarif-om."""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..model import Finding
from ..results import FileResult


def find_root(start: Path) -> Path:
    """The enclosing git work tree, else ``start`` itself."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def relative_uri(path: str, root: Path) -> str:
    """A POSIX path relative to ``root`` (paths outside it stay as given)."""
    if path == "-":
        return path
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path(os.path.abspath(root))).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip())


def fingerprinted(results: Sequence[FileResult]) -> Iterator[tuple[FileResult, Finding, str]]:
    """Each finding with a fingerprint that survives edits elsewhere in the file: a hash of the rule and
    the normalized text of the finding's line, plus ``:N`` for the N-th identical pair in the file."""
    for result in results:
        seen: Counter[tuple[str, str]] = Counter()
        lines = result.lines or ()
        for finding in result.findings:
            line = lines[finding.span.line - 1] if 0 < finding.span.line <= len(lines) else ""
            key = (finding.rule, _normalized(line))
            seen[key] += 1
            digest = hashlib.sha256(f"{key[0]}\0{key[1]}".encode()).hexdigest()[:32]
            yield result, finding, f"{digest}:{seen[key]}"
