"""Resolved settings: what the CLI and the config file decided. A plain dataclass, so the text path
never imports pydantic (only config.py does, and only when a config file exists)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import Severity

FAIL_ON_LEVELS = ("error", "warning", "info", "never")


@dataclass
class Settings:
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: str = "warning"
    min_severity: Severity = Severity.INFO
    target: str | None = None
    #: several targets (`--target` repeated, `targets = [...]`); each is linted as a shipped image
    targets: tuple[str, ...] = ()
    #: path glob -> role (`roles = { "docker/dev/*" = "dev" }`)
    roles: dict[str, str] = field(default_factory=dict)
    #: path glob -> rule IDs/prefixes ignored for matching files (ruff's `per-file-ignores`)
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    plugins: bool = False
    warn_unused_ignores: bool = False
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: str | None = None  # the config file these came from, for messages


def all_targets(settings: Settings) -> tuple[str | None, ...]:
    """The stages to lint as shipped images: the configured targets, else the last stage (None)."""
    names = tuple(dict.fromkeys((*((settings.target,) if settings.target else ()), *settings.targets)))
    return names or (None,)


def ignored_for_path(path: str, settings: Settings) -> tuple[str, ...]:
    """The rule codes `per-file-ignores` turns off for ``path`` (globs match the path as given, or any tail)."""
    from fnmatch import fnmatchcase

    normalized = path.replace("\\", "/").removeprefix("./")
    codes: list[str] = []
    for pattern, ignored in settings.per_file_ignores.items():
        pattern = pattern.removeprefix("./")
        if fnmatchcase(normalized, pattern) or fnmatchcase(normalized, f"*/{pattern.lstrip('/')}"):
            codes.extend(ignored)
    return tuple(codes)


def _longest_match(rule_id: str, prefixes: tuple[str, ...]) -> int:
    return max((len(prefix) for prefix in prefixes if rule_id.startswith(prefix)), default=-1)


def is_enabled(rule_id: str, enabled_by_default: bool, settings: Settings) -> bool:
    """Selection is decided here and nowhere else: the most specific of select/ignore wins (ignore on a tie).

    Rules that are off by default run only when named by their exact ID in ``select``/``extend-select``.
    """
    select = settings.select or ("ML",)
    selected = max(_longest_match(rule_id, select), _longest_match(rule_id, settings.extend_select))
    ignored = _longest_match(rule_id, settings.ignore)
    if selected < 0 or ignored >= selected:
        return False
    return enabled_by_default or rule_id in settings.select or rule_id in settings.extend_select
