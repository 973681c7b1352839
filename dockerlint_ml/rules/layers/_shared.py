"""Helpers that several rules of the layers family use (no other family imports them)."""

from __future__ import annotations

import re

from ...lazy_re import lazy
from ...model import Instruction
from ..common import context_sources as context_sources  # moved to common: ML8xx uses it too

# Source copies (shared by the layer-order rules)

_MANIFEST_NAME = lazy(
    r"""(
        .*requirements.*\.(txt|in) | .*constraints.*\.txt | requirements | reqs
      | pyproject\.toml | setup\.cfg | setup\.py | manifest\.in | poetry\.lock | poetry\.toml | uv\.lock | uv\.toml
      | pdm\.lock | pipfile | pipfile\.lock | pip\.conf | \.python-version
      | (environment|env|conda)([._-].*)?\.ya?ml | conda-lock\.ya?ml | .*\.lock
      | package\.json | package-lock\.json | npm-shrinkwrap\.json | yarn\.lock | pnpm-lock\.yaml | \.npmrc
      | \.yarnrc(\.yml)? | readme(\..*)? | licen[cs]e(\..*)?
    )""",
    re.VERBOSE,
)

#: a directory of requirements files: `requirements/`, `reqs/`, `requirements_cpu/`, `requirements-gpu/`
_REQUIREMENTS_DIRECTORY = lazy(r"(?:requirements|reqs)(?:[_-][a-z0-9_-]+)?")

_MANIFEST_EXTENSIONS = (".txt", ".in", ".toml", ".lock", ".cfg", ".yml", ".yaml", ".json")


def is_manifest(path: str) -> bool:
    """Whether a COPY source is clearly a dependency manifest (requirements file, lock file, ...)."""
    parts = [part for part in path.lower().strip().rstrip("/").split("/") if part not in ("", ".")]
    if not parts:
        return False
    name = parts[-1]
    if _MANIFEST_NAME.fullmatch(name):
        return True
    if any(char in name for char in "*?["):  # `package*.json`, `requirements*.txt`, `*.lock`
        return bool(_MANIFEST_NAME.fullmatch(re.sub(r"[*?]|\[[^]]*\]", "", name))) or name.endswith(
            _MANIFEST_EXTENSIONS
        )
    if _REQUIREMENTS_DIRECTORY.fullmatch(name):
        return True  # `COPY requirements_cpu/ /opt/requirements_cpu/`: a folder of requirements files
    return (
        len(parts) > 1 and _REQUIREMENTS_DIRECTORY.fullmatch(parts[-2]) is not None and name.endswith((".txt", ".in"))
    )


def is_source_copy(instruction: Instruction) -> bool:
    """A COPY/ADD of the whole context or of anything that is not clearly a manifest (unknown -> False)."""
    return any("$" not in word.text and not is_manifest(word.text) for word in context_sources(instruction))


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
