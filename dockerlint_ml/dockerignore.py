"""Docker's ``.dockerignore`` semantics, ported from moby's ``patternmatcher`` (and its ``ignorefile.ReadAll``).

Why our own port: ``.gitignore`` matchers (``pathspec``) differ on purpose-critical points. In Docker a pattern
is relative to the context root (``data`` matches only the top-level ``data``, never ``src/data``), ``*`` never
crosses ``/``, ``**`` matches any number of directories, a pattern matching a directory excludes everything
under it, ``!`` re-includes and the last matching pattern wins. Pattern syntax is Go's ``filepath.Match``
(``[...]``, ``[^...]``, ``\\`` escapes, ``?``); a malformed pattern makes Docker refuse the build, so
:class:`BadPattern` is raised and callers treat the ignore file as unknown.

No I/O here: callers hand in the file's text and slash-separated paths relative to the context root.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .records import Record

#: characters a regexp treats specially but Go's filepath.Match does not (moby's ``shouldEscape``)
_ESCAPE = frozenset(".+()|{}$")


class BadPattern(ValueError):
    """A pattern Docker rejects (``syntax error in pattern``), or a lone ``!``."""


def go_clean(path: str) -> str:
    """Go's ``path.Clean``: collapse ``//``, drop ``.`` elements, resolve ``..`` lexically; ``""`` -> ``"."``."""
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def read_ignore(text: str) -> list[str]:
    """The patterns of a ``.dockerignore`` (moby ``ignorefile.ReadAll``): a UTF-8 BOM is dropped, lines starting
    with ``#`` are comments (only at column 1), whitespace is trimmed, blank lines skipped, each pattern (after
    a ``!``) is cleaned and a leading ``/`` removed."""
    patterns: list[str] = []
    for number, line in enumerate(text.splitlines()):
        if number == 0:
            line = line.removeprefix("\ufeff")
        if line.startswith("#"):
            continue
        pattern = line.strip()
        if not pattern:
            continue
        invert = pattern.startswith("!")
        if invert:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = go_clean(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        patterns.append("!" + pattern if invert else pattern)
    return patterns


def valid_go_pattern(pattern: str) -> bool:
    """Whether Go's ``filepath.Match`` accepts ``pattern`` (it validates the whole pattern)."""
    n = len(pattern)

    def escaped(i: int) -> int | None:  # Go's getEsc: one (possibly escaped) class character
        if i >= n or pattern[i] in "-]":
            return None
        if pattern[i] == "\\":
            i += 1
            if i >= n:
                return None
        return i + 1

    i = 0
    while i < n:
        char = pattern[i]
        if char == "\\":
            if i + 1 >= n:
                return False
            i += 2
        elif char == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            count = 0
            while True:
                if i >= n:
                    return False
                if pattern[i] == "]" and count:
                    i += 1
                    break
                following = escaped(i)
                if following is None:
                    return False
                i = following
                if i < n and pattern[i] == "-":
                    following = escaped(i + 1)
                    if following is None:
                        return False
                    i = following
                count += 1
        else:
            i += 1
    return True


class Pattern(Record):
    """One cleaned pattern; compiled on first use like moby's (exact, prefix, suffix or regexp match)."""

    _fields = ("text", "exclusion", "dirs", "kind", "regex")
    text: str
    exclusion: bool
    dirs: tuple[str, ...]
    kind: str
    regex: re.Pattern[str] | None

    def __init__(
        self,
        text: str,
        exclusion: bool,
        dirs: tuple[str, ...],
        kind: str = "",
        regex: re.Pattern[str] | None = None,
    ) -> None:
        self.text = text
        self.exclusion = exclusion
        self.dirs = dirs
        self.kind = kind
        self.regex = regex

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def _compile(self) -> None:
        out, kind, text = "", "exact", self.text
        i = index = 0
        while i < len(text):
            first, index = index == 0, index + 1  # moby's loop counter: one per scanned token
            char = text[i]
            i += 1
            if char == "*":
                if i < len(text) and text[i] == "*":
                    i += 1
                    if i < len(text) and text[i] == "/":  # treat `**/` as `**`
                        i += 1
                    if i >= len(text):  # `**` at the end: everything (like .gitignore)
                        if kind == "exact":
                            kind = "prefix"
                        else:
                            out += ".*"
                            kind = "regexp"
                    else:  # any number of directories, even none
                        out += "(.*/)?"
                        kind = "regexp"
                    if first:
                        kind = "suffix"
                else:
                    out += "[^/]*"
                    kind = "regexp"
            elif char == "?":
                out += "[^/]"
                kind = "regexp"
            elif char in _ESCAPE:
                out += "\\" + char
            elif char == "\\":
                if i < len(text):
                    out += "\\" + text[i]
                    i += 1
                    kind = "regexp"
                else:
                    out += "\\\\"
            elif char in "[]":
                out += char
                kind = "regexp"
            else:
                out += char
        if kind == "regexp":
            try:
                self.regex = re.compile(out + r"\Z", re.DOTALL)
            except re.error as error:
                raise BadPattern(f"syntax error in pattern {self.text!r}") from error
        self.kind = kind

    def match(self, path: str) -> bool:
        if not self.kind:
            self._compile()
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            if path.endswith(suffix):
                return True
            return suffix.startswith("/") and path == suffix[1:]  # `**/foo` matches `foo`
        assert self.regex is not None
        return self.regex.match(path) is not None


class PatternMatcher:
    """The patterns of one ignore file, in order (moby ``PatternMatcher``)."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns: list[Pattern] = []
        self.exclusions = False
        for raw in patterns:
            text = raw.strip()
            if not text:
                continue
            text = go_clean(text)
            exclusion = text.startswith("!")
            if exclusion:
                if len(text) == 1:
                    raise BadPattern('illegal exclusion pattern: "!"')
                text = text[1:]
                self.exclusions = True
            if not valid_go_pattern(text):
                raise BadPattern(f"syntax error in pattern {text!r}")
            pattern = Pattern(text, exclusion, tuple(text.split("/")))
            pattern._compile()  # regexp errors surface here, not in the middle of a walk
            self.patterns.append(pattern)

    @property
    def allowlist(self) -> bool:
        """An allowlist: everything excluded first (`*`), then what is sent named with `!` exceptions."""
        first = self.patterns[0] if self.patterns else None
        return first is not None and not first.exclusion and first.text in ("*", "**") and self.exclusions

    def matches_exact(self, path: str) -> bool:
        """``MatchesExact``: the last matching pattern decides, no parent directory matching."""
        matched = False
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue
            if pattern.match(path):
                matched = not pattern.exclusion
        return matched

    def matches(self, path: str, parent: Sequence[bool] | None = None) -> tuple[bool, list[bool]]:
        """``MatchesUsingParentResults``: whether ``path`` is excluded, given the per-pattern results of its parent
        directory (None: work them out from the path, like ``MatchesOrParentMatches``). Returns the result and
        this path's per-pattern results for its children."""
        matched = False
        results = [False] * len(self.patterns)
        for index, pattern in enumerate(self.patterns):
            match = bool(parent[index]) if parent else False
            if not match:
                if pattern.exclusion != matched:
                    continue
                match = pattern.match(path)
                if not match and parent is None and "/" in path:
                    dirs = path.split("/")[:-1]
                    match = any(pattern.match("/".join(dirs[: i + 1])) for i in range(len(dirs)))
            results[index] = match
            if match:
                matched = not pattern.exclusion
        return matched, results

    def excluded(self, path: str) -> bool:
        """``MatchesOrParentMatches``: whether ``path`` (or a directory above it) is excluded."""
        path = go_clean(path)
        if path == ".":
            return False  # moby: the context root itself is never excluded
        return self.matches(path)[0]

    def deciding_pattern(self, path: str) -> str | None:
        """The last pattern that matched ``path`` or a parent directory (what to name in a message)."""
        path = go_clean(path)
        dirs = path.split("/")
        candidates = ["/".join(dirs[: i + 1]) for i in range(len(dirs))]
        found = None
        for pattern in self.patterns:
            if any(pattern.match(candidate) for candidate in candidates):
                found = ("!" if pattern.exclusion else "") + pattern.text
        return found

    def may_reinclude_under(self, directory: str) -> bool:
        """Whether an exception pattern could re-include something under an excluded ``directory``: BuildKit's
        walker (fsutil) descends into it only when an exception pattern starts with ``directory/``; otherwise it
        skips the whole directory (so ``!**/*.py`` does not re-include files under an excluded ``data/``)."""
        if not self.exclusions:
            return False
        prefix = directory + "/"
        return any(p.exclusion and (p.text + "/").startswith(prefix) for p in self.patterns)
