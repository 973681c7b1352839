"""Realistic ML Dockerfiles: each declares the findings it expects (`# expect: ML206 line 25`); good ones
expect none. Findings are mapped to the first line of the instruction that contains them and compared
as sets, under the default rule set. See fixtures/realistic/README.md."""

from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path

import pytest

from dockerlint_ml.lint import Linter
from dockerlint_ml.registry import builtin_rules
from dockerlint_ml.settings import Settings

from .conftest import FIXTURES

FILES = sorted((FIXTURES / "realistic").glob("*.Dockerfile"))
EXPECT = re.compile(r"^# expect: (?:none|(ML\d{3}) line (\d+))\s*$", re.MULTILINE)


def expected(path: Path) -> set[tuple[str, int]]:
    matches = EXPECT.findall(path.read_text(encoding="utf-8"))
    assert matches, f"{path.name} declares no `# expect:` lines"
    return {(rule, int(line)) for rule, line in matches if rule}


def actual(path: Path) -> set[tuple[str, int]]:
    # end-of-life judgements are pinned to a day, so the expectations do not drift as releases age
    settings = Settings(rule_options={"ML705": {"as-of": "2026-11-25"}})
    result = Linter(settings, builtin_rules()).lint_bytes(path.read_bytes(), str(path))
    assert result.error is None, result.error
    starts = [instruction.span.line for instruction in result.dockerfile.instructions]
    return {(f.rule, starts[bisect_right(starts, f.span.line) - 1]) for f in result.findings}


def test_there_are_good_and_bad_fixtures():
    names = [path.name for path in FILES]
    assert sum(name.endswith("-good.Dockerfile") for name in names) >= 5
    assert sum(name.endswith("-bad.Dockerfile") for name in names) >= 5


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_fixture_findings_match_expectations(path):
    want, got = expected(path), actual(path)
    assert got == want, f"missing: {sorted(want - got)}, unexpected: {sorted(got - want)}"
    if path.name.endswith("-good.Dockerfile"):
        assert not want
