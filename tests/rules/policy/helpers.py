"""Lint a Dockerfile under a policy written as TOML (policy rules fire only when a config sets their key)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from dockerlint_ml.config import load_file, validate
from dockerlint_ml.context import BuildContext
from dockerlint_ml.lint import Linter
from dockerlint_ml.model import Finding
from dockerlint_ml.registry import builtin_rules

RULES = builtin_rules()


def settings_for(tmp: Path, toml: str, name: str = ".mllint.toml"):
    path = tmp / name
    path.write_text(textwrap.dedent(toml), encoding="utf-8")
    return validate(*load_file(path), {rule.id: rule for rule in RULES})


def policy_lint(tmp: Path, toml: str, dockerfile: str, select: tuple[str, ...] = ("ML9",)) -> list[Finding]:
    """``dockerfile`` (dedented) linted as tmp/Dockerfile, tmp its build context, under ``[policy]`` ``toml``."""
    settings = settings_for(tmp, toml)
    settings.select = select
    source = textwrap.dedent(dockerfile).lstrip("\n")
    (tmp / "Dockerfile").write_text(source, encoding="utf-8")
    result = Linter(settings, RULES).lint_bytes(source.encode(), str(tmp / "Dockerfile"), BuildContext(tmp))
    assert result.error is None, result.error
    return result.findings


def lines(findings: list[Finding], rule: str) -> list[int]:
    return [finding.span.line for finding in findings if finding.rule == rule]
