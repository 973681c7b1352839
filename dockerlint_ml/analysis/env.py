"""Environment values: how a boolean variable reads, and the last value an ENV gives a variable along a
stage's lineage."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Stage, Word
from ..variables import expand

#: the words on/off parsers (pip's ``strtobool``, git-lfs, npm/conda config) read as "off"
OFF_WORDS = frozenset({"0", "false", "no", "off"})


def env_flag(value: str | None) -> bool | None:
    """How a boolean environment variable reads to tools that parse on/off words (pip's ``PIP_NO_CACHE_DIR``,
    git-lfs's ``GIT_LFS_SKIP_SMUDGE``): None when unset, False when empty or an off word (``0``, ``false``,
    ``no``, ``off``, any case), True for anything else."""
    if value is None:
        return None
    return value.strip().lower() not in OFF_WORDS | {""}


def env_off(value: str | None) -> bool:
    """Whether a value is spelled as an off word (``0``, ``false``, ``no``, ``off``, any case): the explicit
    opt-out a setting like npm's ``strict-ssl`` or conda's ``ssl_verify`` reads. Unset or empty is not."""
    return value is not None and value.strip().lower() in OFF_WORDS


def python_env_flag(value: str | None) -> bool | None:
    """CPython's rule for its flag variables (``PYTHONUNBUFFERED``, ``PYTHONDONTWRITEBYTECODE``): None when
    unset; any non-empty value turns it on except one that reads as the integer 0 (``0``, ``00``, ``+0``)."""
    if value is None:
        return None
    stripped = value.strip()
    if not stripped:
        return False
    try:
        return int(stripped) != 0
    except ValueError:
        return True


def last_env_values(lineage: Iterable[Stage]) -> dict[str, tuple[str, Word]]:
    """The last value each ENV variable gets along ``lineage`` (variables expanded; an unknown one stays in the
    text), with the word that sets it. A bare ``ENV NAME`` (no value) does not count."""
    values: dict[str, tuple[str, Word]] = {}
    for stage in lineage:
        for instruction in stage.of("ENV"):
            for name, value, word in instruction.pairs():
                if value is not None:
                    values[name] = (expand(value, instruction.scope)[0], word)
    return values
