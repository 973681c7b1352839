"""``mllint --import-hadolint FILE``: a ``.hadolint.yaml`` as the equivalent ``[tool.mllint]`` TOML.

Keys with an equivalent become settings; everything else becomes a comment that says why, so the output can
be pasted as is. PyYAML is imported here only (never on the lint path)."""

from __future__ import annotations

import json
import re
from typing import Any

from .hadolint import RULES, ml_rules, sources

LEVELS = {"error": "error", "warning": "warning", "info": "info", "style": "info"}  # mllint has no "style"
THRESHOLDS = {
    "error": "error",
    "warning": "warning",
    "info": "info",
    "style": "info",
    "ignore": "info",
    "none": "never",
}
LABEL_TYPES = ("text", "url", "semver", "hash", "rfc3339", "spdx", "email")  # hadolint's, same names in mllint
RANK = {"info": 0, "warning": 1, "error": 2}
FORMATS = {"tty": "text", "json": "json", "sarif": "sarif", "gitlab_codeclimate": "gitlab", "codeclimate": "gitlab"}
COMMENT_ONLY = {
    "no-color": "use `--no-color` or set NO_COLOR",
    "verbose": "mllint has no verbose mode; `--facts` shows what it inferred",
}


class HadolintConfigError(Exception):
    """A one-line problem with the input file."""


def _plain(value: Any) -> str:
    """``value`` on one line, for a comment (a newline in a YAML key must not end the comment)."""
    text = " ".join(str(value).split()) if isinstance(value, (str, int, float, bool)) else type(value).__name__
    return text if len(text) <= 80 else f"{text[:77]}..."


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _key(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9_-]+", text) else _quote(text)


def _array(items: list[str]) -> str:
    return "[" + ", ".join(_quote(item) for item in items) + "]"


def _codes(path: str, key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, (str, int)) for item in value):
        raise HadolintConfigError(f"{path}: {key}: expected a list of rule codes")
    return [_plain(item).upper() for item in value]


def _unmapped_comment(codes: list[str], what: str) -> list[str]:
    """Comments for codes of ``what`` that mllint cannot express."""
    shellcheck = [code for code in codes if code.startswith("SC")]
    known = [code for code in codes if code in RULES and not ml_rules(code)]
    unknown = [code for code in codes if code not in RULES and not code.startswith("SC")]
    lines = []
    if known:
        lines.append(f"# {what} {', '.join(known)}: no mllint equivalent")
    if shellcheck:
        lines.append(
            f"# {what} {', '.join(shellcheck)}: ShellCheck codes have no equivalent (mllint runs no ShellCheck)"
        )
    if unknown:
        lines.append(f"# {what} {', '.join(unknown)}: not a hadolint rule code")
    return lines


def _ignore(codes: list[str]) -> tuple[list[str], list[str]]:
    """The ML rules to ignore (those whose every hadolint source is ignored) and comments on the rest."""
    rules = list(dict.fromkeys(rule for code in codes for rule in ml_rules(code)))
    ignored, comments = [], _unmapped_comment(codes, "ignored")
    for rule in rules:
        others = [code for code in sources(rule) if code not in codes]
        if others:  # ignoring the whole ML rule would also drop checks hadolint still ran
            mine = ", ".join(code for code in codes if rule in ml_rules(code))
            comments.append(
                f"# ignored {mine} maps to {rule}, which also checks {', '.join(others)}: {rule} stays on "
                f"(add it to ignore to turn it off)"
            )
        else:
            ignored.append(rule)
    return ignored, comments


def _severity(path: str, override: Any, ignored: list[str]) -> tuple[list[str], list[str]]:
    """``[tool.mllint.severity]`` lines from hadolint's ``override``, and comments."""
    if override is None:
        return [], []
    if not isinstance(override, dict):
        raise HadolintConfigError(f"{path}: override: expected a mapping of error/warning/info/style lists")
    chosen: dict[str, tuple[str, list[str]]] = {}  # ML rule -> (level, hadolint codes)
    comments: list[str] = []
    for level, value in override.items():
        if level not in LEVELS:
            comments.append(
                f"# hadolint key override.{_plain(level)} has no equivalent: levels are error, warning, info, style"
            )
            continue
        codes = _codes(path, f"override.{level}", value)
        comments += _unmapped_comment(codes, f"override.{level}")
        for code in codes:
            for rule in ml_rules(code):
                current = chosen.get(rule)
                if current is None or RANK[LEVELS[level]] > RANK[current[0]]:
                    chosen[rule] = (LEVELS[level], [*(current[1] if current else []), code])
                else:
                    current[1].append(code)
    lines = []
    for rule, (level, codes) in sorted(chosen.items()):
        if rule in ignored:
            continue
        note = f"from {', '.join(codes)}"
        others = [code for code in sources(rule) if code not in codes]
        if others:
            note += f"; {rule} also checks {', '.join(others)}"
        lines.append(f'{rule} = "{level}"  # {note}')
    return lines, comments


def _labels(path: str, schema: Any) -> tuple[dict[str, str], list[str]]:
    if schema is None:
        return {}, []
    if not isinstance(schema, dict):
        raise HadolintConfigError(f"{path}: label-schema: expected a mapping of label name to type")
    labels: dict[str, str] = {}
    comments: list[str] = []
    for name, kind in schema.items():
        if isinstance(kind, str) and kind in LABEL_TYPES:
            labels[str(name)] = str(kind)
        else:
            comments.append(
                f"# label-schema {_plain(name)}: type {_plain(kind)!r} is not one of {', '.join(LABEL_TYPES)}: left out"
            )
    return labels, comments


def convert(text: str, path: str) -> str:
    """The ``[tool.mllint]`` TOML equivalent to the hadolint config ``text`` read from ``path``."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise HadolintConfigError(f"{path}: invalid YAML{where}: {problem}") from None
    except RecursionError:
        raise HadolintConfigError(f"{path}: invalid YAML: too deeply nested") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise HadolintConfigError(f"{path}: expected a mapping of hadolint settings, got {type(data).__name__}")

    main: list[str] = []
    notes: list[str] = []  # comments printed under [tool.mllint]
    policy: list[str] = []
    ignored, comments = _ignore(_codes(path, "ignored", data.get("ignored")))
    if ignored:
        main.append(f"ignore = {_array(ignored)}")
    notes += comments
    severity, comments = _severity(path, data.get("override"), ignored)
    notes += comments

    threshold = data.get("failure-threshold")
    if data.get("no-fail") is True:
        main.append('fail-on = "never"  # hadolint no-fail: true')
    elif threshold is not None:
        if str(threshold) not in THRESHOLDS:
            raise HadolintConfigError(
                f"{path}: failure-threshold: {_plain(threshold)!r} is not one of {', '.join(THRESHOLDS)}"
            )
        main.append(f'fail-on = "{THRESHOLDS[str(threshold)]}"  # hadolint failure-threshold: {threshold}')
    if data.get("disable-ignore-pragma") is True:
        main.append("hadolint-pragmas = false  # hadolint disable-ignore-pragma: true")
        notes.append(
            "# `# mllint: ignore=` comments still work; to make rules that no inline comment can silence, "
            "list them in locked"
        )

    registries = data.get("trustedRegistries", data.get("trusted-registries"))
    if registries is not None:
        registries = [registries] if isinstance(registries, str) else registries
        if not isinstance(registries, list) or not all(isinstance(item, str) for item in registries):
            raise HadolintConfigError(f"{path}: trustedRegistries: expected a registry or a list of registries")
        policy.append(f"allowed-registries = {_array(registries)}")
    labels, comments = _labels(path, data.get("label-schema"))
    notes += comments
    if labels:
        policy.append(f"required-labels = {_array(list(labels))}  # hadolint requires every label-schema label")
    if "strict-labels" in data:
        if not isinstance(data["strict-labels"], bool):
            raise HadolintConfigError(f"{path}: strict-labels: expected true or false")
        policy.append(f"strict-labels = {'true' if data['strict-labels'] else 'false'}")

    handled = {"ignored", "override", "failure-threshold", "no-fail", "disable-ignore-pragma", "trustedRegistries"}
    handled |= {"trusted-registries", "label-schema", "strict-labels"}
    for key, value in data.items():
        if key in handled:
            continue
        if key in ("format", "output-format"):
            mllint = FORMATS.get(str(value))
            advice = f"use `--format {mllint}`" if mllint else "mllint's formats are text, json, sarif, github, gitlab"
            notes.append(f"# hadolint key {_plain(key)} has no equivalent: {advice}")
        elif key in COMMENT_ONLY:
            notes.append(f"# hadolint key {key} has no equivalent: {COMMENT_ONLY[key]}")
        else:
            notes.append(f"# hadolint key {_plain(key)} has no equivalent: left out")

    out = [
        f"# [tool.mllint] for pyproject.toml, converted from {_plain(path)} by `mllint --import-hadolint`",
        "# (in a .mllint.toml, drop the `tool.mllint` prefix: [tool.mllint.policy] becomes [policy])",
        "[tool.mllint]",
        *main,
        *notes,
    ]
    if severity:
        out += ["", "[tool.mllint.severity]", *severity]
    if policy or labels:
        out += ["", "[tool.mllint.policy]", *policy]
    if labels:
        out += ["", "[tool.mllint.policy.label-schema]", *(f'{_key(name)} = "{kind}"' for name, kind in labels.items())]
    return "\n".join(out) + "\n"


def convert_file(path: str) -> str:
    """:func:`convert` on a file; a missing or unreadable file is a :class:`HadolintConfigError`."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise HadolintConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise HadolintConfigError(f"{path}: not UTF-8 text") from None
    return convert(text, path)
