"""tools/new_rule.py: a scaffolded rule is three files (module, page, tests), picked up without editing any list,
and its page examples and tests pass as generated. Run into a temporary copy of the package layout."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT

CHECK = """
import re, sys
from dockerlint_ml.lint import Linter
from dockerlint_ml.registry import builtin_rules
from dockerlint_ml.settings import Settings

rule = next(r for r in builtin_rules() if r.id == "ML299")
assert rule.__module__ == "dockerlint_ml.rules.size.ml299_wheel_cache_kept", rule.__module__
assert rule.family() == "size" and rule.fixable and rule.fix_safety == "safe"
from dockerlint_ml.rules import size
assert rule in size.RULES and [r.id for r in size.RULES] == sorted(r.id for r in size.RULES)
page = open("rules/ML299.md", encoding="utf-8").read()
parts = re.split(r"^(## .+)$", page, flags=re.MULTILINE)
sections = {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}
linter = Linter(Settings(select=("ML299",), extend_select=("ML299",)), builtin_rules())
for heading, fires in (("## Example", True), ("## Use instead", False)):
    blocks = re.findall(r"```dockerfile\\n(.*?)```", sections[heading], re.DOTALL)
    assert blocks, heading
    for block in blocks:
        found = [f.rule for f in linter.lint_bytes(block.encode(), "Dockerfile").findings]
        assert (found == ["ML299"]) == fires, (heading, block, found)
print("ok")
"""


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """The package, the rule pages and the test helpers, copied; the scaffold writes a rule into it."""
    root = tmp_path_factory.mktemp("checkout")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "dockerlint_ml", root / "dockerlint_ml", symlinks=True, ignore=ignore)
    shutil.copytree(ROOT / "rules", root / "rules")
    (root / "tests").mkdir()
    for name in ("__init__.py", "conftest.py"):
        shutil.copy(ROOT / "tests" / name, root / "tests" / name)
    script = str(ROOT / "tools" / "new_rule.py")
    done = subprocess.run(
        [sys.executable, script, "ML299", "wheel-cache-kept", "size", "--fix", "safe", "--root", str(root)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return root


def _run(root, *args: str) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, env=env)


def test_scaffold_writes_three_files(checkout):
    assert (checkout / "dockerlint_ml/rules/size/ml299_wheel_cache_kept.py").is_file()
    assert (checkout / "rules/ML299.md").is_file()
    assert (checkout / "tests/rules/test_ml299_wheel_cache_kept.py").is_file()
    page = (checkout / "rules/ML299.md").read_text(encoding="utf-8")
    assert page.startswith("# ML299 wheel-cache-kept\n") and "| warning | size | safe:" in page


def test_scaffolded_rule_registers_and_its_page_examples_behave(checkout):
    done = _run(checkout, "-c", CHECK)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stdout + done.stderr


def test_scaffolded_tests_pass(checkout):
    done = _run(checkout, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/rules", "--rootdir", str(checkout))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout


def test_scaffolded_files_pass_ruff(checkout):
    ruff = shutil.which("ruff") or str(ROOT / ".venv/bin/ruff")
    files = ["dockerlint_ml/rules/size/ml299_wheel_cache_kept.py", "tests/rules/test_ml299_wheel_cache_kept.py"]
    config = str(ROOT / "pyproject.toml")
    check = subprocess.run([ruff, "check", "--config", config, *files], cwd=checkout, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = subprocess.run(
        [ruff, "format", "--check", "--config", config, *files], cwd=checkout, capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_scaffold_refuses_a_wrong_family_or_a_taken_id(checkout):
    script = str(ROOT / "tools" / "new_rule.py")
    wrong = subprocess.run(
        [sys.executable, script, "ML298", "x", "gpu", "--root", str(checkout)], capture_output=True, text=True
    )
    assert wrong.returncode != 0 and "belongs to the family size" in wrong.stderr
    taken = subprocess.run(
        [sys.executable, script, "ML299", "y", "size", "--root", str(checkout)], capture_output=True, text=True
    )
    assert taken.returncode != 0 and "exists already" in taken.stderr
