"""The README stays true: its rule table is generated from the registry, its commands exist."""

from __future__ import annotations

import re
import subprocess
import sys

from .conftest import ROOT

START, END = "<!-- rules-table:start -->", "<!-- rules-table:end -->"


def generated_table() -> str:
    done = subprocess.run(
        [sys.executable, "-m", "dockerlint_ml", "--isolated", "--list-rules", "--format", "markdown"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return done.stdout


def test_rules_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    current = readme.split(START)[1].split(END)[0].strip()
    assert current == generated_table().strip(), (
        "README rule table is stale: regenerate it with "
        "`python -m dockerlint_ml --isolated --list-rules --format markdown`"
    )


def test_readme_names_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && mllint path/to/Dockerfile" in readme
    assert "pip install '.[test]' && pytest" in readme
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "pip install '.[test]'" in ci and re.search(r"^pytest\b", ci, re.MULTILINE)
