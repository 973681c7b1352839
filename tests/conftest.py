"""Shared test helpers: lint a Dockerfile given as text, with selected rules."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from pathlib import Path

import pytest

from dockerlint_ml.fix import fix_source
from dockerlint_ml.lint import Linter
from dockerlint_ml.model import Finding
from dockerlint_ml.parse import parse_text
from dockerlint_ml.registry import builtin_rules
from dockerlint_ml.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def lint(
    text: str, select: Iterable[str] = (), *, dedent: bool = True, path: str = "Dockerfile", **settings: object
) -> list[Finding]:
    """Lint ``text`` (dedented) as ``path`` with the rules in ``select`` (all default rules when empty)."""
    source = textwrap.dedent(text).lstrip("\n") if dedent else text
    chosen = tuple(select)
    linter = Linter(Settings(select=chosen, extend_select=chosen, **settings), builtin_rules())  # type: ignore[arg-type]
    result = linter.lint_bytes(source.encode("utf-8"), path)
    assert result.error is None, result.error
    return result.findings


def rule_lines(findings: Iterable[Finding], rule: str) -> list[int]:
    """The lines where ``rule`` fired."""
    return [finding.span.line for finding in findings if finding.rule == rule]


def linter(select: Iterable[str] = ()) -> Linter:
    """A linter with the rules in ``select`` (all default rules when empty)."""
    chosen = tuple(select)
    return Linter(Settings(select=chosen, extend_select=chosen), builtin_rules())


def fixed(text: str, select: Iterable[str] = (), *, unsafe: bool = False, dedent: bool = True) -> str:
    """``text`` (dedented) after ``--fix`` (``--unsafe-fixes`` too when ``unsafe``) with the rules in ``select``."""
    source = textwrap.dedent(text).lstrip("\n") if dedent else text
    new, _result, _count = fix_source(source.encode("utf-8"), "Dockerfile", linter(select), unsafe)
    return new


def dd(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def parse(text: str):
    return parse_text(textwrap.dedent(text).lstrip("\n"))


@pytest.fixture
def lint_text():
    return lint
