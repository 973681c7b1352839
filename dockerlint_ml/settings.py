"""Resolved settings: what the CLI and the config file decided. A plain dataclass, so the text path
never imports pydantic (only config.py does, and only when a config file exists)."""

from __future__ import annotations

from .model import Severity
from .records import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any

FAIL_ON_LEVELS = ("error", "warning", "info", "never")


class Settings(Record):
    _fields = (
        "select",
        "extend_select",
        "ignore",
        "severity",
        "fail_on",
        "min_severity",
        "target",
        "targets",
        "roles",
        "per_file_ignores",
        "plugins",
        "warn_unused_ignores",
        "hadolint_pragmas",
        "rule_options",
        "source",
        "policy",
        "locked",
        "config_only",
    )
    select: tuple[str, ...]
    extend_select: tuple[str, ...]
    ignore: tuple[str, ...]
    severity: dict[str, Severity]
    fail_on: str
    min_severity: Severity
    target: str | None
    #: several targets (`--target` repeated, `targets = [...]`); each is linted as a shipped image
    targets: tuple[str, ...]
    #: path glob -> role (`roles = { "docker/dev/*" = "dev" }`)
    roles: dict[str, str]
    #: path glob -> rule IDs/prefixes ignored for matching files (ruff's `per-file-ignores`)
    per_file_ignores: dict[str, tuple[str, ...]]
    plugins: bool
    warn_unused_ignores: bool
    #: honour `# hadolint ignore=` pragmas for the mapped ML rules (`hadolint-pragmas = false` turns it off)
    hadolint_pragmas: bool
    rule_options: dict[str, dict[str, Any]]
    source: str | None  # the config file these came from, for messages
    #: the organisation policy (``analysis.policy.Policy``) the ML9xx rules read; None when no config sets one
    policy: Any
    #: rule IDs/prefixes only a config file may silence or downgrade (``locked = ["ML3", "ML9"]``) -> the file
    locked: dict[str, str]
    #: the settings as the config files left them, before command-line overrides: locked rules follow these
    config_only: Settings | None

    def __init__(
        self,
        select: tuple[str, ...] = (),
        extend_select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        severity: dict[str, Severity] | None = None,
        fail_on: str = "warning",
        min_severity: Severity = Severity.INFO,
        target: str | None = None,
        targets: tuple[str, ...] = (),
        roles: dict[str, str] | None = None,
        per_file_ignores: dict[str, tuple[str, ...]] | None = None,
        plugins: bool = False,
        warn_unused_ignores: bool = False,
        hadolint_pragmas: bool = True,
        rule_options: dict[str, dict[str, Any]] | None = None,
        source: str | None = None,
        policy: Any = None,
        locked: dict[str, str] | None = None,
        config_only: Settings | None = None,
    ) -> None:
        self.select = select
        self.extend_select = extend_select
        self.ignore = ignore
        self.severity = ({}) if severity is None else severity
        self.fail_on = fail_on
        self.min_severity = min_severity
        self.target = target
        self.targets = targets
        self.roles = ({}) if roles is None else roles
        self.per_file_ignores = ({}) if per_file_ignores is None else per_file_ignores
        self.plugins = plugins
        self.warn_unused_ignores = warn_unused_ignores
        self.hadolint_pragmas = hadolint_pragmas
        self.rule_options = ({}) if rule_options is None else rule_options
        self.source = source
        self.policy = policy
        self.locked = ({}) if locked is None else locked
        self.config_only = config_only

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was


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


def locked_by(rule_id: str, settings: Settings) -> str | None:
    """The config file that locked ``rule_id`` (``locked = ["ML9"]``), else None."""
    return next((source for code, source in settings.locked.items() if rule_id.startswith(code)), None)


def governing(rule_id: str, settings: Settings) -> Settings:
    """The settings that decide a rule's selection, severity and visibility: for a locked rule, the config
    files' alone (the command line's `--ignore`, `--select`, `--severity`, `--min-severity` do not touch it)."""
    if settings.config_only is not None and settings.locked and locked_by(rule_id, settings):
        return settings.config_only
    return settings


def policy_configured(rule: Any, settings: Settings) -> bool:
    """Whether a policy rule (one with ``policy_keys``) has a configured key; True for every other rule."""
    keys = getattr(rule, "policy_keys", ())
    return not keys or (settings.policy is not None and any(settings.policy.configured(key) for key in keys))
