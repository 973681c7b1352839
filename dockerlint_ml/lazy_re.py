"""Regular expressions compiled on first use: ``PATTERN = lazy(r"...")`` at module level instead of
``re.compile``. mllint's modules hold ~90 module-level patterns and most are not needed for a given file;
compiling them all at import cost ~10 ms of every start-up. A lazy pattern forwards every method
(``search``, ``match``, ``fullmatch``, ``sub``, ``finditer``, ``pattern``...) to the compiled one.
Pass ``PATTERN.compiled`` where a real ``re.Pattern`` is required (``re.sub(PATTERN, ...)`` is not)."""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["LazyPattern", "lazy"]


class LazyPattern:
    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source, self._flags)
        return compiled

    # the methods rules call, spelled out: cheaper per call than going through __getattr__
    def search(self, *args: Any) -> Any:
        return (self._compiled or self.compiled).search(*args)

    def match(self, *args: Any) -> Any:
        return (self._compiled or self.compiled).match(*args)

    def fullmatch(self, *args: Any) -> Any:
        return (self._compiled or self.compiled).fullmatch(*args)

    def finditer(self, *args: Any) -> Any:
        return (self._compiled or self.compiled).finditer(*args)

    def findall(self, *args: Any) -> Any:
        return (self._compiled or self.compiled).findall(*args)

    def sub(self, *args: Any) -> Any:
        return (self._compiled or self.compiled).sub(*args)

    def split(self, *args: Any) -> Any:
        return (self._compiled or self.compiled).split(*args)

    def __getattr__(self, name: str) -> Any:  # the rest of the Pattern (``pattern``, ``subn``, ``groupindex``...)
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._source!r})"


def lazy(source: str, flags: int = 0) -> Any:
    """A pattern compiled on first use; typed ``Any`` so call sites read as ``re.Pattern`` methods."""
    return LazyPattern(source, flags)
