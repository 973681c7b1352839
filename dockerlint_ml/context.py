"""The build context: the directory ``docker build`` sends, read-only and confined.

Rules may read small text files that ``COPY`` brings into the image (requirements files) through this object
and nothing else. Paths are resolved (symlinks included) and must stay inside the directory; missing,
unreadable, oversized or binary files are simply unknown (None).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_CONTEXT_FILE_BYTES = 1024 * 1024


class BuildContext:
    def __init__(self, directory: str | os.PathLike[str], max_bytes: int = MAX_CONTEXT_FILE_BYTES) -> None:
        self.root = Path(directory).resolve()
        self.max_bytes = max_bytes
        self._cache: dict[str, str | None] = {}

    def __repr__(self) -> str:
        return f"BuildContext({str(self.root)!r})"

    def _inside(self, relative_path: str) -> Path | None:
        cleaned = relative_path.replace("\\", "/").lstrip("/")
        if not cleaned or "\0" in cleaned:
            return None
        try:
            candidate = (self.root / cleaned).resolve()
        except (OSError, RuntimeError, ValueError):
            return None
        if candidate != self.root and self.root not in candidate.parents:
            return None
        return candidate

    def read_text(self, relative_path: str) -> str | None:
        """The text of a regular file of the context (UTF-8), or None when it cannot be read safely."""
        if relative_path in self._cache:
            return self._cache[relative_path]
        text = None
        path = self._inside(relative_path)
        if path is not None:
            try:
                info = os.stat(path)
                if stat.S_ISREG(info.st_mode) and info.st_size <= self.max_bytes:
                    with open(path, "rb") as handle:
                        data = handle.read(self.max_bytes + 1)
                    if len(data) <= self.max_bytes and b"\0" not in data:
                        text = data.decode("utf-8", "replace")
            except OSError:
                text = None
        self._cache[relative_path] = text
        return text
