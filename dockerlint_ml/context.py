"""The build context: the directory ``docker build`` sends, read-only and confined.

Rules may read small text files that ``COPY`` brings into the image (requirements files) through this object
and nothing else, and see what ``docker build`` would send (:meth:`BuildContext.walk`: names and apparent sizes
through `.dockerignore`, bounded in entries and time, never following a symlink). Paths are resolved
(symlinks included) and must stay inside the directory; missing, unreadable, oversized or binary files are
simply unknown (None).
"""

from __future__ import annotations

import os
import stat
import time

from .dockerignore import BadPattern, PatternMatcher, go_clean, read_ignore, valid_go_pattern

MAX_CONTEXT_FILE_BYTES = 1024 * 1024
#: bounds of the context walk (ML8xx): entries looked at, and seconds
MAX_WALK_ENTRIES = 200_000
MAX_WALK_SECONDS = 1.5


class ContextPool:
    """The build contexts of one run. Dockerfiles that share a context directory share what was read and walked
    there: a directory of 1 000 Dockerfiles was walked 1 000 times (quadratic). Each Dockerfile still gets its
    own ``BuildContext`` object (``choice`` is per Dockerfile); a pool lives as long as one run."""

    def __init__(self) -> None:
        self._state: dict[str, tuple[dict, dict, dict]] = {}

    def context(self, directory: str | os.PathLike[str]) -> BuildContext:
        context = BuildContext(directory)
        shared = self._state.setdefault(context.root, (context._cache, context._ignore_cache, context._walks))
        context._cache, context._ignore_cache, context._walks = shared
        return context


class BuildContext:
    #: how the CLI chose this context (a ``buildfiles.ContextChoice``); None when built directly
    choice: object = None

    def __init__(self, directory: str | os.PathLike[str], max_bytes: int = MAX_CONTEXT_FILE_BYTES) -> None:
        self.root = os.path.realpath(directory)  # a str: pathlib is not needed on the lint path
        self.max_bytes = max_bytes
        self._cache: dict[str, str | None] = {}
        self._ignore_cache: dict[str, IgnoreFile | None] = {}
        self._walks: dict[tuple[int, int, float], ContextWalk | None] = {}

    def __repr__(self) -> str:
        return f"BuildContext({self.root!r})"

    def _inside(self, relative_path: str) -> str | None:
        cleaned = relative_path.replace("\\", "/").lstrip("/")
        if not cleaned or "\0" in cleaned:
            return None
        try:
            candidate = os.path.realpath(os.path.join(self.root, cleaned))
        except (OSError, ValueError):
            return None
        if candidate != self.root and not candidate.startswith(os.path.join(self.root, "")):
            return None  # outside the context (through `..` or a symlink)
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

    # --- the walk: what `docker build` sends, read through `.dockerignore` (names and sizes only) -------------

    def ignore_file(self, dockerfile_path: str | None = None) -> IgnoreFile | None:
        """The ignore file Docker uses: ``<Dockerfile name>.dockerignore`` beside the Dockerfile, else the
        context's ``.dockerignore``; None when there is neither. Cached per Dockerfile path."""
        key = os.path.abspath(dockerfile_path) if dockerfile_path and dockerfile_path != "-" else ""
        if key in self._ignore_cache:
            return self._ignore_cache[key]
        found: IgnoreFile | None = None
        specific = key + ".dockerignore" if key else ""
        if specific and os.path.lexists(specific):
            found = _ignore_file(os.path.basename(specific), _read_small(specific, self.max_bytes))
        elif key:  # the context's own file: one object for every Dockerfile, so they share one walk
            found = self.ignore_file(None)
        elif os.path.lexists(os.path.join(self.root, ".dockerignore")):
            found = _ignore_file(".dockerignore", self.read_text(".dockerignore"))
        self._ignore_cache[key] = found
        return found

    def walk(
        self,
        dockerfile_path: str | None = None,
        max_entries: int = MAX_WALK_ENTRIES,
        max_seconds: float = MAX_WALK_SECONDS,
    ) -> ContextWalk | None:
        """What the context sends: every entry `.dockerignore` does not exclude, with its size (lstat, never
        followed). Excluded directories are pruned unless an exception pattern could re-include something
        under them (BuildKit's rule). Bounded by entries and time (``partial`` then). None when the context
        cannot be read or its ignore file is malformed (Docker would refuse the build)."""
        ignore = self.ignore_file(dockerfile_path)
        key = (id(ignore), max_entries, max_seconds)  # ignore files are cached: their identity is stable
        if key not in self._walks:
            self._walks[key] = None if ignore is not None and ignore.matcher is None else self._walk(ignore, *key[1:])
        return self._walks[key]

    def _walk(self, ignore: IgnoreFile | None, max_entries: int, max_seconds: float) -> ContextWalk | None:
        matcher = ignore.matcher if ignore else None
        result = ContextWalk(self.root, ignore.label if ignore else None)
        deadline = time.monotonic() + max_seconds
        # (absolute directory, path relative to the root, the parent's per-pattern match results)
        pending: list[tuple[str, str, list[bool] | None]] = [(self.root, "", [])]
        first = True
        while pending:
            directory, relative, parent = pending.pop()
            try:
                with os.scandir(directory) as entries:
                    children = list(entries)
            except OSError:
                if first:
                    return None  # an unreadable context: the rules stay silent
                continue
            first = False
            if relative and any(child.name == "pyvenv.cfg" for child in children):
                result.virtualenvs.append(relative)
            for child in children:
                result.walked += 1
                if result.walked > max_entries or (result.walked % 1024 == 0 and time.monotonic() > deadline):
                    result.partial = True
                    return result
                path = f"{relative}/{child.name}" if relative else child.name
                try:
                    is_dir = child.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                excluded, results = (False, []) if matcher is None else matcher.matches(path, parent or None)
                if is_dir:
                    if excluded and not (matcher is not None and matcher.may_reinclude_under(path)):
                        continue
                    if not excluded:
                        result.dirs.append(path)
                    pending.append((child.path, path, results))
                    continue
                if excluded:
                    continue
                try:
                    size = child.stat(follow_symlinks=False).st_size  # apparent size: what Docker sends
                except OSError:
                    size = 0
                result.files.append((path, size))
        return result

    def lstat(self, relative_path: str) -> os.stat_result | None:
        """The entry's own status (never through a symlink); None if absent or outside the context."""
        cleaned = go_clean(relative_path.replace("\\", "/").lstrip("/"))
        if cleaned.startswith("..") or "\0" in cleaned:
            return None
        try:
            return os.lstat(os.path.join(self.root, cleaned))
        except (OSError, ValueError):
            return None

    def kind(self, relative_path: str) -> str | None:
        """ "dir", "file" or "other" for an entry of the context (lstat: a symlink is "other"), None if absent
        or outside the context."""
        info = self.lstat(relative_path)
        if info is None:
            return None
        return "dir" if stat.S_ISDIR(info.st_mode) else "file" if stat.S_ISREG(info.st_mode) else "other"

    def size(self, relative_path: str) -> int | None:
        """The apparent size of a regular file of the context (lstat), None if absent, not a file or outside."""
        info = self.lstat(relative_path)
        return info.st_size if info is not None and stat.S_ISREG(info.st_mode) else None

    def glob(self, pattern: str, limit: int = 10_000) -> list[str] | None:
        """The context paths a COPY source glob matches (Go ``filepath.Match`` per path component, as BuildKit
        does), whatever `.dockerignore` says; None when the pattern is malformed or the search exceeds
        ``limit`` directory entries."""
        cleaned = go_clean(pattern.replace("\\", "/").lstrip("/"))
        if cleaned.startswith("..") or "\0" in cleaned:
            return []
        components = cleaned.split("/")
        if not all(valid_go_pattern(c) for c in components):
            return None
        found = [""]
        seen = 0
        for component in components:
            matcher = PatternMatcher([component]) if any(c in component for c in "*?[\\") else None
            following: list[str] = []
            for base in found:
                if base and self.kind(base) != "dir":
                    continue  # never through a file or a symlink
                if matcher is None:
                    candidate = f"{base}/{component}" if base else component
                    if os.path.lexists(os.path.join(self.root, candidate)):
                        following.append(candidate)
                    continue
                try:
                    with os.scandir(os.path.join(self.root, base)) as entries:
                        names = sorted(entry.name for entry in entries)
                except OSError:
                    continue
                seen += len(names)
                if seen > limit:
                    return None
                following.extend(f"{base}/{name}" if base else name for name in names if matcher.matches_exact(name))
            found = following
        return found


class IgnoreFile:
    """An ignore file: its label (as shown in messages) and its patterns (``matcher`` None when malformed)."""

    def __init__(self, label: str, matcher: PatternMatcher | None) -> None:
        self.label = label
        self.matcher = matcher


class ContextWalk:
    """The result of a walk: files sent (relative path, apparent size), directories, virtualenvs found."""

    def __init__(self, root: str, ignore_label: str | None) -> None:
        self.root = root
        self.ignore_label = ignore_label
        self.files: list[tuple[str, int]] = []
        self.dirs: list[str] = []
        self.virtualenvs: list[str] = []
        self.walked = 0
        self.partial = False

    def under(self, directory: str) -> list[tuple[str, int]]:
        """The files sent that are ``directory`` or below it (``"."``: all)."""
        directory = go_clean(directory)
        if directory == ".":
            return self.files
        prefix = directory + "/"
        return [(path, size) for path, size in self.files if path.startswith(prefix)]

    @property
    def total(self) -> int:
        return sum(size for _, size in self.files)


def _ignore_file(label: str, text: str | None) -> IgnoreFile:
    """An existing ignore file; unreadable or malformed: its matcher is None (the rules then stay silent)."""
    if text is None:
        return IgnoreFile(label, None)
    try:
        return IgnoreFile(label, PatternMatcher(read_ignore(text)))
    except BadPattern:
        return IgnoreFile(label, None)


def _read_small(path: str, max_bytes: int) -> str | None:
    """A small regular text file beside the Dockerfile (its own ignore file); a symlink is not followed."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError:
        return None
    if len(data) > max_bytes or b"\0" in data:
        return None
    return data.decode("utf-8", "replace")
