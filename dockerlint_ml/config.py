"""``[tool.mllint]`` in pyproject.toml or a ``.mllint.toml``: found upward from the working directory,
validated with pydantic (imported only when a config file exists), turned into :class:`Settings`."""

from __future__ import annotations

import os
import sys

from .model import Severity
from .settings import Settings

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

CONFIG_NAMES = (".mllint.toml", "mllint.toml", "pyproject.toml")
#: at most this many files in an `extend` chain
MAX_EXTENDS = 32


class ConfigError(Exception):
    """A one-line error naming the file, the key and what is allowed."""


def _read(path: str | Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None


def _load_toml(path: str | Path, data: bytes | None = None) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        return tomllib.loads((_read(path) if data is None else data).decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 ({error.reason} at byte {error.start})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def _section(path: str | Path, data: dict[str, Any]) -> dict[str, Any] | None:
    if os.path.basename(path) == "pyproject.toml":
        tool = data.get("tool", {})
        return tool.get("mllint") if isinstance(tool, dict) else None
    return data


def discover(start: str | os.PathLike[str]) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config: in each directory upward, ``.mllint.toml`` first, then a pyproject.toml that
    has a ``[tool.mllint]`` table. (``os.path`` until one is found: pathlib is not needed on a plain run.)"""
    directory = os.path.abspath(start)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(directory, name)
            if not os.path.isfile(candidate):
                continue
            data = _read(candidate)
            if name == "pyproject.toml" and b"mllint" not in data:
                continue  # no [tool.mllint] in any spelling: not ours to parse (tomllib costs ~4 ms at start-up)
            section = _section(candidate, _load_toml(candidate, data))
            if section is not None:
                from pathlib import Path

                return Path(candidate), section
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def load_file(path: str | Path) -> tuple[Path, dict[str, Any]]:
    from pathlib import Path

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    section = _section(path, _load_toml(path))
    return path, section or {}


def _where(path: Path) -> str:
    return f"{path}: [tool.mllint]" if path.name == "pyproject.toml" else f"{path}:"


def extend_chain(path: Path, section: dict[str, Any]) -> list[tuple[Path, dict[str, Any]]]:
    """``path``'s config and the files it extends (``extend = "../org/mllint.toml"``, relative to the file that
    says it), base first; a cycle, a missing file or a chain longer than MAX_EXTENDS is a ConfigError."""
    from pathlib import Path

    chain = [(path, section)]
    seen = [path.resolve()]
    current_path, current = path, section
    while "extend" in current:
        target = current["extend"]
        if not isinstance(target, str) or not target.strip():
            raise ConfigError(f"{_where(current_path)} extend: must be the path of a config file")
        base = (current_path.parent / Path(target).expanduser()).resolve()
        if base in seen:
            cycle = " -> ".join(str(p) for p in (*seen[seen.index(base) :], base))
            raise ConfigError(f"{_where(current_path)} extend: cycle ({cycle})")
        if len(seen) >= MAX_EXTENDS:
            raise ConfigError(f"{_where(current_path)} extend: more than {MAX_EXTENDS} files in the chain")
        if not base.is_file():
            raise ConfigError(f"{_where(current_path)} extend: {target!r}: no such file ({base})")
        current_path, current = base, _section(base, _load_toml(base)) or {}
        if not isinstance(current, dict):
            current = {}
        chain.insert(0, (current_path, current))
        seen.append(base)
    return chain


def validate(path: Path, section: dict[str, Any], known_rules: dict[str, Any]) -> Settings:
    """Validate a config table and the files it ``extend`` s; ``known_rules`` maps rule IDs to their Rule classes.

    Each file is validated on its own first (an error names the file it is in), then they are merged, nearer
    file winning key by key as in ruff: a top-level key replaces the base's, ``policy`` keys are merged one by
    one, and ``locked`` accumulates (a repository may lock more rules than its organisation, never fewer)."""
    chain = extend_chain(path, section)
    if len(chain) == 1:
        return _validate(path, section, known_rules)
    for base_path, base_section in chain[:-1]:
        _validate(base_path, base_section, known_rules)
    merged: dict[str, Any] = {}
    policy: dict[str, Any] = {}
    policy_sources: dict[str, str] = {}
    locked: dict[str, str] = {}
    for file_path, file_section in chain:
        for key, value in file_section.items():
            if key == "policy" and isinstance(value, dict):
                policy.update(value)
                policy_sources.update({name: str(file_path) for name in value})
            elif key == "locked" and isinstance(value, list):
                for code in value:
                    locked.setdefault(str(code).upper(), str(file_path))
            elif key != "extend":
                merged[key] = value
    if policy:
        merged["policy"] = policy
    merged["locked"] = list(locked)
    return _validate(path, merged, known_rules, policy_sources, locked)


def _validate(
    path: Path,
    section: dict[str, Any],
    known_rules: dict[str, Any],
    policy_sources: dict[str, str] | None = None,
    locked_sources: dict[str, str] | None = None,
) -> Settings:
    """Validate one config table (or a merged chain, with the file each policy key and lock came from)."""
    from typing import Any, Literal  # noqa: F401  # pydantic resolves the annotations below at run time

    from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

    level = Literal["error", "warning", "info"]

    class PolicyModel(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)

        allowed_registries: list[str] | None = Field(default=None, alias="allowed-registries")
        allowed_images: list[str] | None = Field(default=None, alias="allowed-images")
        denied_images: list[str] | None = Field(default=None, alias="denied-images")
        required_labels: list[str] | None = Field(default=None, alias="required-labels")
        label_schema: dict[str, str] | None = Field(default=None, alias="label-schema")
        strict_labels: StrictBool | None = Field(default=None, alias="strict-labels")  # "yes" is an error
        allowed_indexes: list[str] | None = Field(default=None, alias="allowed-indexes")
        allowed_channels: list[str] | None = Field(default=None, alias="allowed-channels")
        denied_packages: list[str] | None = Field(default=None, alias="denied-packages")
        require: dict[str, list[str]] | None = None

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
        plugins: StrictBool = False
        warn_unused_ignores: StrictBool = Field(default=False, alias="warn-unused-ignores")
        hadolint_pragmas: StrictBool = Field(default=True, alias="hadolint-pragmas")
        rules: dict[str, dict[str, Any]] = {}
        extend: str | None = None
        locked: list[str] = []
        policy: PolicyModel | None = None

    try:
        model = ConfigModel.model_validate(section)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(table)"
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            fields = PolicyModel.model_fields if first["loc"][0] == "policy" else ConfigModel.model_fields
            allowed = ", ".join(sorted(f.alias or name for name, f in fields.items()))
            message = f"unknown key (allowed: {allowed})"
        raise ConfigError(f"{_where(path)} {key}: {message}") from None

    def check_codes(key: str, codes: list[str]) -> None:
        for code in codes:
            if not any(rule_id.startswith(code.upper()) for rule_id in known_rules):
                raise ConfigError(f"{_where(path)} {key}: {code!r} matches no rule (codes look like ML206 or ML2)")

    check_codes("select", model.select)
    check_codes("extend-select", model.extend_select)
    check_codes("ignore", model.ignore)
    check_codes("locked", model.locked)
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
        policy=_policy(path, model.policy, policy_sources) if model.policy is not None else None,
        locked={code.upper(): (locked_sources or {}).get(code.upper(), str(path)) for code in model.locked},
    )


def _policy(path: Path, model: Any, sources: dict[str, str] | None) -> Any:
    """The validated ``policy`` table as an ``analysis.policy.Policy``; values pydantic cannot check (label
    types, requirement specifiers, roles) are checked here, each error naming the key."""
    import re

    from .analysis.policy import INSTRUCTIONS, KEYS, LABEL_TYPES, REQUIREMENTS, Policy, denied_package
    from .roles import ROLES, normalize

    where = f"{_where(path)} policy"
    values = model.model_dump(by_alias=True, exclude_none=True)
    for label, kind in (model.label_schema or {}).items():
        if kind.startswith("regex:"):
            try:
                re.compile(kind[len("regex:") :])
            except re.error as error:
                raise ConfigError(f"{where}.label-schema.{label}: invalid regex ({error})") from None
        elif kind not in LABEL_TYPES:
            allowed = ", ".join((*LABEL_TYPES, "regex:PATTERN"))
            raise ConfigError(f"{where}.label-schema.{label}: unknown type {kind!r} (allowed: {allowed})")
    for text in model.denied_packages or ():
        if denied_package(text) is None:
            raise ConfigError(
                f"{where}.denied-packages: {text!r} is not a package name with an optional PEP 440 version range"
                " (`tensorflow-gpu`, `torch<2.2`)"
            )
    require: dict[str, tuple[str, ...]] = {}
    for role, wanted in (model.require or {}).items():
        name = "all" if role.strip().lower() == "all" else normalize(role)
        if name is None:
            raise ConfigError(f"{where}.require.{role}: unknown role (allowed: all, {', '.join(ROLES)})")
        checked = []
        for item in wanted:
            if item.upper() in INSTRUCTIONS:
                checked.append(item.upper())
            elif item.lower() in REQUIREMENTS:
                checked.append(item.lower())
            else:
                allowed = ", ".join((*INSTRUCTIONS, *REQUIREMENTS))
                raise ConfigError(f"{where}.require.{role}: unknown requirement {item!r} (allowed: {allowed})")
        require[name] = (*require.get(name, ()), *checked)
    origin = sources if sources is not None else {}
    return Policy(
        allowed_registries=tuple(model.allowed_registries or ()),
        allowed_images=tuple(model.allowed_images or ()),
        denied_images=tuple(model.denied_images or ()),
        required_labels=tuple(model.required_labels or ()),
        label_schema=dict(model.label_schema or {}),
        strict_labels=bool(model.strict_labels),
        allowed_indexes=tuple(model.allowed_indexes or ()),
        allowed_channels=tuple(model.allowed_channels or ()),
        denied_packages=tuple(model.denied_packages or ()),
        require=require,
        sources={key: origin.get(key, str(path)) for key in KEYS if key in values},
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
