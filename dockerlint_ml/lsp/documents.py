"""The engine as the language server uses it: settings per document, linting a buffer, fixing it all.

No pygls import here (the benchmark and the unit tests drive this module directly). Settings come from the
``.mllint.toml`` / ``pyproject.toml`` found upward from the document's directory, as ``mllint FILE`` run there
finds them; they are re-read when any candidate file's mtime or size changes (a few ``stat`` calls per lint,
so an edited config is picked up without a file watcher). The build context is the document's directory.
Each document keeps the instructions its last lint parsed (:class:`ParseMemory`), so an edit re-parses
(tree-sitter included) only the instructions it touched.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import CONFIG_NAMES
from ..files import is_dockerfile_name
from ..lint import FileResult, Linter
from ..model import Instruction, SyntaxProblem
from ..parse import InputError

#: a lint that takes longer is abandoned (a pathological file): the last good diagnostics stay
LINT_TIMEOUT = 5.0
#: seconds a document's build context (its reads and its walk) is reused between lints
CONTEXT_TTL = 10.0
_MAX_CACHED_CONFIGS = 16
_MAX_DOCUMENTS = 64  # parse memories kept (one per open document; the oldest is dropped beyond)


class LintProblem(Exception):
    """Linting could not produce diagnostics (bad config, unreadable buffer, timeout): one log line."""


@dataclass(frozen=True)
class Outcome:
    """What linting one version of a document gave: findings with fixes attached, the parsed model."""

    result: FileResult
    linter: Linter
    #: an engine error to log while still showing ``result.findings`` (a rule that crashed)
    warning: str | None = None


def wants(path: str | None) -> bool:
    """Whether a document is linted: named like a Dockerfile (the CLI's directory-search rule)."""
    return path is not None and is_dockerfile_name(os.path.basename(path))


def _signature(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """Every config candidate upward from ``directory`` that exists, with its mtime and size."""
    found = []
    for folder in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            try:
                info = os.stat(candidate)
            except OSError:
                continue
            found.append((str(candidate), info.st_mtime_ns, info.st_size))
    return tuple(found)


_Parsed = tuple[Instruction, tuple[SyntaxProblem, ...]]


class ParseMemory(MutableMapping[Hashable, _Parsed]):
    """The instructions one document's last parse made, offered to the next parse (a
    :data:`~dockerlint_ml.parse.ParseCache`). Two generations: a parse reads the previous version's entries
    and keeps those it used or made; :meth:`next_version` drops the rest, so the memory stays the size of one
    version of the document however long the editing session."""

    def __init__(self) -> None:
        self._previous: dict[Hashable, _Parsed] = {}
        self._current: dict[Hashable, _Parsed] = {}

    def next_version(self) -> None:
        self._previous, self._current = self._current, {}

    def __getitem__(self, key: Hashable) -> _Parsed:
        try:
            return self._current[key]
        except KeyError:
            value = self._current[key] = self._previous[key]  # KeyError when neither has it
            return value

    def __setitem__(self, key: Hashable, value: _Parsed) -> None:
        self._current[key] = value

    def __delitem__(self, key: Hashable) -> None:
        found = self._current.pop(key, None) is not None
        if self._previous.pop(key, None) is None and not found:
            raise KeyError(key)

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._previous.keys() | self._current.keys())

    def __len__(self) -> int:
        return len(self._previous.keys() | self._current.keys())


class Engine:
    """Linters per configuration, cached by the configuration files' signature; a parse memory per document."""

    def __init__(self) -> None:
        self._linters: dict[tuple, Linter | str] = {}
        self._memories: dict[str, ParseMemory] = {}
        self._pool: Any = None
        self._pool_since = 0.0

    def context_for(self, path: str) -> Any:
        """The build context of a document (its directory). Contexts come from a pool renewed every
        ``CONTEXT_TTL`` seconds: a keystroke must not walk a large context again (up to 1.5 s), and files
        added to the context are seen within seconds."""
        import time

        from ..context import ContextPool

        now = time.monotonic()
        if self._pool is None or now - self._pool_since > CONTEXT_TTL:
            self._pool, self._pool_since = ContextPool(), now
        return self._pool.context(os.path.dirname(os.path.abspath(path)))

    def memory_for(self, path: str) -> ParseMemory:
        """The parse memory of the document at ``path``, rolled over to a new version."""
        memory = self._memories.pop(path, None)
        if memory is None:
            memory = ParseMemory()
        if len(self._memories) >= _MAX_DOCUMENTS:
            del self._memories[next(iter(self._memories))]  # the least recently linted
        self._memories[path] = memory  # re-inserted: most recently linted last
        memory.next_version()
        return memory

    def forget(self, path: str) -> None:
        """Drop the parse memory of a closed document."""
        self._memories.pop(path, None)

    def linter_for(self, path: str) -> Linter:
        """The linter for a document at ``path``; raises :class:`LintProblem` for a config error."""
        directory = Path(os.path.dirname(os.path.abspath(path)))
        key = _signature(directory)
        cached = self._linters.get(key)
        if cached is None:
            cached = self._load(directory)
            if len(self._linters) >= _MAX_CACHED_CONFIGS:
                self._linters.clear()
            self._linters[key] = cached
        if isinstance(cached, str):
            raise LintProblem(cached)
        return cached

    @staticmethod
    def _load(directory: Path) -> Linter | str:
        from ..config import ConfigError, discover, validate
        from ..registry import PluginError, all_rules
        from ..settings import Settings

        try:
            found = discover(directory)
            rules = all_rules(found is not None and found[1].get("plugins") is True)
            settings = Settings() if found is None else validate(found[0], found[1], {rule.id: rule for rule in rules})
        except (ConfigError, PluginError) as error:
            return str(error)
        return Linter(settings, rules)

    def lint(self, path: str, text: str) -> Outcome:
        """Lint the editor's ``text`` of the document at ``path``; raises :class:`LintProblem`."""
        from ..batch import FileTimeout, TimeLimit

        linter = self.linter_for(path)
        context = self.context_for(path)
        memory = self.memory_for(path)
        try:
            with TimeLimit(LINT_TIMEOUT):
                result = linter.lint_bytes(text.encode("utf-8", "surrogatepass"), path, context, memory)
                if result.dockerfile is not None and any(f.rule in linter.fixable_rules for f in result.findings):
                    from ..fix import attach_fixes

                    result = attach_fixes(result, linter.rules)
        except FileTimeout:
            raise LintProblem(f"gave up after {LINT_TIMEOUT:g} s (a pathological file?)") from None
        if result.dockerfile is None:  # the buffer could not be parsed at all (NUL bytes, too large, ...)
            raise LintProblem(result.error or "could not be parsed")
        return Outcome(result, linter, result.error)

    def fix_all(self, path: str, text: str) -> str | None:
        """The text with every safe fix applied (re-linted to a fixpoint, as ``mllint --fix``); None if none."""
        from ..batch import FileTimeout, TimeLimit
        from ..fix import fix_source

        linter = self.linter_for(path)
        context = self.context_for(path)
        try:
            with TimeLimit(LINT_TIMEOUT):
                new_text, _remaining, applied = fix_source(
                    text.encode("utf-8", "surrogatepass"), path, linter, False, context
                )
        except (FileTimeout, InputError):
            return None
        return new_text if applied and new_text is not None and new_text != text else None
