"""The engine: rule crashes are contained, findings are sorted and de-duplicated, stages are named."""

from __future__ import annotations

from dockerlint_ml.lint import Linter, fails
from dockerlint_ml.model import Severity
from dockerlint_ml.rules.base import Rule
from dockerlint_ml.rules.size import PipCacheKept
from dockerlint_ml.settings import Settings


class Boom(Rule):
    id = "ZZ001"
    name = "boom"
    severity = Severity.ERROR
    summary = "always crashes"

    def check(self, ctx):
        raise ValueError("kaput")


class Twice(Rule):
    id = "ZZ002"
    name = "twice"
    severity = Severity.INFO
    summary = "reports every FROM twice, out of order"

    def check(self, ctx):
        for instruction in reversed(list(ctx.instructions("FROM"))):
            yield self.problem(instruction, "same")
            yield self.problem(instruction, "same")


SOURCE = b"FROM python:3.11-slim AS build\nRUN pip install x==1\nFROM build AS app\nRUN pip install y==2\n"


def test_a_crashing_rule_keeps_other_findings_and_reports_an_error():
    result = Linter(Settings(select=("ZZ", "ML206")), [Boom, PipCacheKept]).lint_bytes(SOURCE, "Dockerfile")
    assert [f.rule for f in result.findings] == ["ML206", "ML206"]
    assert result.error == "internal error in rule ZZ001 (ValueError: kaput); please report it"


def test_findings_sorted_deduplicated_with_stage_labels():
    result = Linter(Settings(select=("ZZ002",)), [Twice]).lint_bytes(SOURCE, "Dockerfile")
    assert [(f.span.line, f.stage) for f in result.findings] == [(1, "build"), (3, "app")]


def test_fails_threshold():
    result = Linter(Settings(select=("ZZ002",)), [Twice]).lint_bytes(SOURCE, "Dockerfile")
    assert fails(result.findings, "info") and not fails(result.findings, "warning")
    assert not fails(result.findings, "never")
