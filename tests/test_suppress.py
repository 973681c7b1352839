"""Inline suppressions and selection."""

from __future__ import annotations

import pytest

from dockerlint_ml.cli import main
from dockerlint_ml.model import Severity
from dockerlint_ml.rules.correctness import UnusedSuppression
from dockerlint_ml.suppress import apply_suppressions

from .conftest import lint, parse, rule_lines

PIP = "RUN pip install numpy==1.26.4"


def test_ignore_above_instruction():
    findings = lint(f"FROM python:3.11-slim\n# mllint: ignore=ML206\n{PIP}\n{PIP}\n", ["ML206"])
    assert rule_lines(findings, "ML206") == [4]


def test_ignore_block_of_comments_and_lists():
    text = f"FROM python:3.11-slim\n# why: cached on purpose\n# mllint: ignore=ML101, ML206\n{PIP}\n"
    assert rule_lines(lint(text, ["ML206"]), "ML206") == []


def test_ignore_does_not_jump_over_blank_line():
    text = f"FROM python:3.11-slim\n# mllint: ignore=ML206\n\n{PIP}\n"
    assert rule_lines(lint(text, ["ML206"]), "ML206") == [4]


def test_ignore_inside_continuation():
    text = "FROM python:3.11-slim\nRUN apt-get update && \\\n    # mllint: ignore=ML206\n    pip install x==1\n"
    assert rule_lines(lint(text, ["ML206"]), "ML206") == []


def test_ignore_other_rule_keeps_finding():
    text = f"FROM python:3.11-slim\n# mllint: ignore=ML205\n{PIP}\n"
    assert rule_lines(lint(text, ["ML206"]), "ML206") == [3]


def test_ignore_file_with_and_without_ids():
    text = f"FROM python:3.11-slim\n{PIP}\n# mllint: ignore-file=ML2\n"
    assert lint(text, ["ML206"]) == []
    text = f"# mllint: ignore-file\nFROM python:3.11-slim\n{PIP}\nFOO bar\n"
    assert lint(text) == []


def test_unused_ignores_are_reported_on_request():
    text = "FROM python:3.11-slim\n# mllint: ignore=ML206\nRUN pip install --no-cache-dir numpy==1.26.4\n"
    assert lint(text, ["ML206"]) == []
    findings = lint(text, ["ML206", "ML000"], warn_unused_ignores=True)
    assert [(f.rule, f.span.line) for f in findings] == [("ML000", 2)]
    assert "ML206" in findings[0].message


def test_select_prefix_and_most_specific_wins():
    text = f"FROM python:3.11-slim\n{PIP}\nFOO x\n"
    assert {f.rule for f in lint(text, ["ML2"])} == {"ML206"}
    assert {f.rule for f in lint(text, ["ML206"], ignore=("ML2",))} == {"ML206"}
    assert {f.rule for f in lint(text, ["ML2"], ignore=("ML206",))} == set()


# ---------------------------------------------------------------------------------------------------------
# ML000: built by the engine from the ML000 rule class's metadata, severity overrides included

UNUSED = "FROM python:3.11-slim\n# mllint: ignore=ML206\nRUN pip install --no-cache-dir numpy==1.26.4\n"


def _cli(capsys, tmp_path, monkeypatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(UNUSED, encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["--isolated", "--warn-unused-ignores", "--select", "ML000", *args, "Dockerfile"])
    return exited.value.code, capsys.readouterr().out


def test_unused_suppression_honours_severity_override_cli(capsys, tmp_path, monkeypatch):
    code, out = _cli(capsys, tmp_path, monkeypatch, "--severity", "ML000=info", "--fail-on", "warning")
    assert "Dockerfile:2:1: ML000 [info]" in out, out
    assert code == 0
    code, out = _cli(capsys, tmp_path, monkeypatch, "--severity", "ML000=error", "--fail-on", "error")
    assert "ML000 [error]" in out, out
    assert code == 1


def test_unused_suppression_default_cli(capsys, tmp_path, monkeypatch):
    code, out = _cli(capsys, tmp_path, monkeypatch, "--fail-on", "warning")
    assert "Dockerfile:2:1: ML000 [warning] suppression of ML206 silences nothing here: remove it" in out, out
    assert code == 1


def test_unused_suppression_takes_its_metadata_from_the_rule_class(monkeypatch):
    [default] = lint(UNUSED, ["ML000"], warn_unused_ignores=True)
    assert (default.rule, default.name, default.severity) == ("ML000", "unused-suppression", Severity.WARNING)
    monkeypatch.setattr(UnusedSuppression, "severity", Severity.ERROR)
    monkeypatch.setattr(UnusedSuppression, "name", "renamed")
    [changed] = lint(UNUSED, ["ML000"], warn_unused_ignores=True)
    assert (changed.name, changed.severity) == ("renamed", Severity.ERROR)


def test_apply_suppressions_honours_severity_overrides():
    dockerfile = parse(UNUSED)
    [info] = apply_suppressions(dockerfile, [], True, {"ML000": Severity.INFO})
    assert (info.rule, info.severity) == ("ML000", Severity.INFO)
    [default] = apply_suppressions(dockerfile, [], True, {"ML206": Severity.INFO})
    assert default.severity is Severity.WARNING
    assert apply_suppressions(dockerfile, [], False, {"ML000": Severity.INFO}) == []


def test_unused_suppression_honours_severity_override():
    [info] = lint(UNUSED, ["ML000"], warn_unused_ignores=True, severity={"ML000": Severity.INFO})
    assert info.severity is Severity.INFO
    [error] = lint(UNUSED, ["ML000"], warn_unused_ignores=True, severity={"ML000": Severity.ERROR})
    assert error.severity is Severity.ERROR
