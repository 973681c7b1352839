"""Golden-file test of a realistic SARIF log: the results GitHub shows (rule, level, message, region,
fingerprint, uri) for fixtures/realistic/tf-gpu-bad.Dockerfile. Rule help text is left out so editing a
rule page does not churn the golden file. Regenerate with MLLINT_UPDATE_GOLDEN=1 pytest tests/test_sarif_golden.py
after an intended change, and review the diff."""

from __future__ import annotations

import json
import os

from .conftest import FIXTURES, ROOT
from .test_cli import run
from .test_sarif import VALIDATOR

GOLDEN = ROOT / "tests/data/tf-gpu-bad.sarif-results.json"


def test_realistic_sarif_matches_golden(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(FIXTURES)
    config = tmp_path / "mllint.toml"
    config.write_text('[rules.ML705]\nas-of = "2026-11-25"\n')  # end-of-life dates must not move the golden file
    args = ("--config", str(config), "--format", "sarif", "--sarif-root", ".", "realistic/tf-gpu-bad.Dockerfile")
    code, out, _ = run(capsys, *args)
    log = json.loads(out)
    VALIDATOR.validate(log)
    assert code == 1
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    summary = {
        "tool": run_["tool"]["driver"]["name"],
        "category": run_["automationDetails"]["id"],
        "results": [
            {
                "ruleId": result["ruleId"],
                "rule": rules[result["ruleIndex"]]["name"],
                "level": result["level"],
                "message": result["message"]["text"],
                "location": result["locations"][0]["physicalLocation"],
                "fingerprint": result["partialFingerprints"]["primaryLocationLineHash"],
            }
            for result in run_["results"]
        ],
    }
    if os.environ.get("MLLINT_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    assert summary == json.loads(GOLDEN.read_text(encoding="utf-8"))
