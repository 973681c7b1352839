"""Option and environment values of an install command, with the Dockerfile variables expanded where known:
the package indexes it uses (``--index-url``, ``PIP_EXTRA_INDEX_URL``, ``UV_INDEX`` ...) and the Python it runs
with (``python3.11 -m pip``, ``uv pip install --python 3.11``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...model import ShellCommand, Word
from ...records import Record
from ...variables import expand, expand_word

Scope = Mapping[str, "str | None"]


def _env_values(scope: Scope, command: ShellCommand, *names: str) -> list[str]:
    """Values of environment variables (the command's own ``A=1 cmd`` assignments first), variables in them
    expanded where known and kept as written where not (``$TORCH_BACKEND`` stays ``$TORCH_BACKEND``)."""
    merged = dict(scope)
    merged.update(command.assignments)
    values: list[str] = []
    for name in names:
        value = merged.get(name)
        if value:
            values.extend(expand(value, scope)[0].split())
    return values


def _expanded(word: Word, scope: Scope) -> str | None:
    if not word.has_expansion:
        return word.text
    return expand_word(word.text, scope)


def _values(command: ShellCommand, scope: Scope, *names: str, keep_unresolved: bool = False) -> list[str]:
    """Option values with variables expanded; a value with an unknown variable is skipped, or kept as written
    (``https://download.pytorch.org/whl/cu${CUDA}``: an index is named, its variant unknown) with keep_unresolved."""
    assert command.invocation is not None
    found = []
    for option in command.invocation.options:
        if option.name in names and option.value is not None:
            value = _expanded(option.value, scope)
            if value is None and keep_unresolved:
                value = expand(option.value.text, scope)[0]
            if value:
                found.append(value)
    return found


class _Indexes(Record):
    _fields = ("index", "extra", "links")
    index: list[str]
    extra: list[str]
    links: list[str]

    def __init__(self, index: list[str], extra: list[str], links: list[str]) -> None:
        self.index = index
        self.extra = extra
        self.links = links

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was


def _command_indexes(command: ShellCommand, scope: Scope) -> _Indexes:
    uv = command.tool == "uv"
    index = _values(command, scope, "-i", "--index-url", "--default-index", keep_unresolved=True)
    extra = _values(command, scope, "--extra-index-url", "--index", keep_unresolved=True)
    links = _values(command, scope, "-f", "--find-links", keep_unresolved=True)
    if uv:
        index = index or _env_values(scope, command, "UV_INDEX_URL", "UV_DEFAULT_INDEX")
        extra += _env_values(scope, command, "UV_EXTRA_INDEX_URL", "UV_INDEX")
        links += _env_values(scope, command, "UV_FIND_LINKS")
    else:
        index = index or _env_values(scope, command, "PIP_INDEX_URL")
        extra += _env_values(scope, command, "PIP_EXTRA_INDEX_URL")
        links += _env_values(scope, command, "PIP_FIND_LINKS")
    return _Indexes(index, extra, links)


def _python_of_command(command: ShellCommand, scope: Scope) -> str | None:
    match = re.fullmatch(r"(?:python|pip)(\d\.\d+)", command.name)
    if match:
        return match.group(1)
    if command.tool == "uv":
        for value in _values(command, scope, "--python", "-p"):
            found = re.fullmatch(r"(?:python|cpython-?)?(\d\.\d+)(?:\.\d+)?", value)
            if found:
                return found.group(1)
    return None
