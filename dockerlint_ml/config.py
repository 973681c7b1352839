"""``[tool.mllint]`` in pyproject.toml or a ``.mllint.toml``: found upward from the working directory,
validated with pydantic (imported only when a config file exists), turned into :class:`Settings`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .model import Severity
from .settings import Settings

CONFIG_NAMES = (".mllint.toml", "pyproject.toml")


class ConfigError(Exception):
    """A one-line error naming the file, the key and what is allowed."""


def _load_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def _section(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        return tool.get("mllint") if isinstance(tool, dict) else None
    return data


def discover(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config: in each directory upward, ``.mllint.toml`` first, then a pyproject.toml that
    has a ``[tool.mllint]`` table."""
    for directory in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                section = _section(candidate, _load_toml(candidate))
                if section is not None:
                    return candidate, section
    return None


def load_file(path: Path) -> tuple[Path, dict[str, Any]]:
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    section = _section(path, _load_toml(path))
    return path, section or {}


def _where(path: Path) -> str:
    return f"{path}: [tool.mllint]" if path.name == "pyproject.toml" else f"{path}:"


def validate(path: Path, section: dict[str, Any], known_rules: dict[str, Any]) -> Settings:
    """Validate a config table; ``known_rules`` maps rule IDs to their Rule classes."""
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field, ValidationError

    level = Literal["error", "warning", "info"]

    class ConfigModel(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)

        select: list[str] = []
        extend_select: list[str] = Field(default=[], alias="extend-select")
        ignore: list[str] = []
        severity: dict[str, level] = {}
        fail_on: Literal["error", "warning", "info", "never"] = Field(default="warning", alias="fail-on")
        min_severity: level = Field(default="info", alias="min-severity")
        target: str | None = None
        targets: list[str] = []
        roles: dict[str, str] = {}
        per_file_ignores: dict[str, list[str]] = Field(default={}, alias="per-file-ignores")
        plugins: bool = False
        warn_unused_ignores: bool = Field(default=False, alias="warn-unused-ignores")
        hadolint_pragmas: bool = Field(default=True, alias="hadolint-pragmas")
        rules: dict[str, dict[str, Any]] = {}

    try:
        model = ConfigModel.model_validate(section)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(table)"
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            allowed = ", ".join(sorted(f.alias or name for name, f in ConfigModel.model_fields.items()))
            message = f"unknown key (allowed: {allowed})"
        raise ConfigError(f"{_where(path)} {key}: {message}") from None

    def check_codes(key: str, codes: list[str]) -> None:
        for code in codes:
            if not any(rule_id.startswith(code.upper()) for rule_id in known_rules):
                raise ConfigError(f"{_where(path)} {key}: {code!r} matches no rule (codes look like ML206 or ML2)")

    check_codes("select", model.select)
    check_codes("extend-select", model.extend_select)
    check_codes("ignore", model.ignore)
    for pattern, codes in model.per_file_ignores.items():
        check_codes(f"per-file-ignores.{pattern!r}", codes)
    from .roles import ROLES, normalize

    roles: dict[str, str] = {}
    for pattern, role in model.roles.items():
        normalized = normalize(role)
        if normalized is None:
            raise ConfigError(f"{_where(path)} roles.{pattern!r}: unknown role {role!r} (allowed: {', '.join(ROLES)})")
        roles[pattern] = normalized
    for rule_id in model.severity:
        if rule_id.upper() not in known_rules:
            raise ConfigError(f"{_where(path)} severity.{rule_id}: no such rule")
    rule_options: dict[str, dict[str, Any]] = {}
    for rule_id, options in model.rules.items():
        rule = known_rules.get(rule_id.upper())
        if rule is None:
            raise ConfigError(f"{_where(path)} rules.{rule_id}: no such rule")
        rule_options[rule.id] = validate_rule_options(f"{_where(path)} rules.{rule_id}", rule, options)
    return Settings(
        select=tuple(code.upper() for code in model.select),
        extend_select=tuple(code.upper() for code in model.extend_select),
        ignore=tuple(code.upper() for code in model.ignore),
        severity={rule_id.upper(): Severity(value) for rule_id, value in model.severity.items()},
        fail_on=model.fail_on,
        min_severity=Severity(model.min_severity),
        target=model.target,
        targets=tuple(model.targets),
        roles=roles,
        per_file_ignores={
            pattern: tuple(code.upper() for code in codes) for pattern, codes in model.per_file_ignores.items()
        },
        plugins=model.plugins,
        warn_unused_ignores=model.warn_unused_ignores,
        hadolint_pragmas=model.hadolint_pragmas,
        rule_options=rule_options,
        source=str(path),
    )


def validate_rule_options(where: str, rule: Any, options: dict[str, Any]) -> dict[str, Any]:
    """Each option must be one the rule declares, with the type of its default."""
    declared = dict(rule.options)
    for name, value in options.items():
        if name not in declared:
            allowed = ", ".join(sorted(declared)) or "none"
            raise ConfigError(f"{where}.{name}: unknown option (allowed: {allowed})")
        default = declared[name]
        if isinstance(default, (list, tuple)):
            if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
                raise ConfigError(f"{where}.{name}: must be a list of strings")
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}.{name}: must be true or false")
        elif isinstance(default, (int, float)) and not isinstance(default, bool):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise ConfigError(f"{where}.{name}: must be a number")
        elif isinstance(default, str) and not isinstance(value, str):
            raise ConfigError(f"{where}.{name}: must be a string")
    return dict(options)
