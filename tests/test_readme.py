"""The README stays true: its rule and autofix tables are generated from the rules (tools/regen.py), its
commands exist."""

from __future__ import annotations

import importlib.util
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
        "README rule table is stale: regenerate it with `python tools/regen.py`"
    )


def _regen():
    spec = importlib.util.spec_from_file_location("regen", ROOT / "tools" / "regen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_autofix_table_is_current():
    """The autofix table states each fix and its safety from the rule classes (`fix_title`, `fix_safety`)."""
    regen = _regen()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    current = regen.between(readme, regen.AUTOFIX_MARKERS).strip()
    assert current == regen.autofix_table().strip(), (
        "README autofix table is stale: regenerate it with `python tools/regen.py`"
    )
    assert "| [ML206](rules/ML206.md) | add `--no-cache-dir` to the pip install | safe |" in current
    assert "| [ML101](rules/ML101.md) |" in current and current.count("\n") == 13


def test_regen_check_passes_on_the_current_readme():
    assert _regen().main(["--check"]) == 0


def test_readme_names_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && mllint path/to/Dockerfile" in readme
    assert "pip install '.[test]' && pytest" in readme
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "pip install '.[test]'" in ci and re.search(r"^pytest\b", ci, re.MULTILINE)
