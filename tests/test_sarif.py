"""SARIF output: valid against the official 2.1.0 schema, with what GitHub code scanning reads."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from .test_cli import BAD, run, write

# A copy of ../shared/schemas/sarif-schema-2.1.0.json (OASIS SARIF 2.1.0 errata 01), so the tests run anywhere.
SCHEMA = json.loads((Path(__file__).resolve().parent / "data/sarif-schema-2.1.0.json").read_text())
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def sarif(capsys, *args: str) -> tuple[int, dict]:
    code, out, _ = run(capsys, "--format", "sarif", *args)
    log = json.loads(out)
    VALIDATOR.validate(log)
    return code, log


def test_sarif_is_valid_and_complete(capsys, project):
    write(project / "svc/Dockerfile", BAD + "CMD ['python']\n")
    code, log = sarif(capsys, "svc/Dockerfile")
    assert code == 1
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "mllint" and driver["semanticVersion"]
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == sorted(ids) and {"ML001", "ML206"} <= set(ids)
    for result in run_["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": "svc/Dockerfile", "uriBaseId": "%SRCROOT%"}
        assert location["region"]["startLine"] >= 1
        assert result["partialFingerprints"]["primaryLocationLineHash"]
    warning = next(r for r in run_["results"] if r["ruleId"] == "ML206")
    assert warning["level"] == "warning"  # emitted although it is SARIF's default
    assert warning["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 2,
        "startColumn": 5,
        "endLine": 2,
        "endColumn": 29,
    }
    assert run_["automationDetails"]["id"] == "mllint/"


def test_rule_metadata_for_github(capsys, project):
    write(project / "Dockerfile", BAD)
    _, log = sarif(capsys, "Dockerfile")
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    rule = rules["ML206"]
    assert rule["defaultConfiguration"]["level"] == "warning"
    assert rule["help"]["markdown"].startswith("# ML206 pip-cache-kept")
    assert rule["helpUri"].endswith("/rules/ML206.md")
    assert len(rule["fullDescription"]["text"]) <= 1000
    assert rule["properties"]["problem.severity"] == "warning"
    for rule in rules.values():
        if "security" in rule["properties"]["tags"]:
            assert isinstance(rule["properties"]["security-severity"], str)


def test_unreadable_input_becomes_notification(capsys, project):
    write(project / "Dockerfile", BAD)
    code, log = sarif(capsys, "Dockerfile", "missing")
    invocation = log["runs"][0]["invocations"][0]
    assert code == 2 and invocation["executionSuccessful"] is False
    assert "missing" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_output_is_byte_identical_across_runs(capsys, project):
    write(project / "Dockerfile", BAD)
    first = run(capsys, "--format", "sarif", "Dockerfile")[1]
    second = run(capsys, "--format", "sarif", "Dockerfile")[1]
    assert first == second


def test_fingerprint_survives_lines_inserted_above(capsys, project):
    write(project / "Dockerfile", BAD)
    _, before = sarif(capsys, "--select", "ML206", "Dockerfile")
    write(project / "Dockerfile", "# a comment\nARG X=1\n" + BAD)
    _, after = sarif(capsys, "--select", "ML206", "Dockerfile")

    def prints(log):
        return [r["partialFingerprints"]["primaryLocationLineHash"] for r in log["runs"][0]["results"]]

    assert prints(before) == prints(after)
    assert before["runs"][0]["results"][0]["locations"] != after["runs"][0]["results"][0]["locations"]
