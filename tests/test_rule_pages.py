"""Every rule has a page in rules/, and the page's examples are linted: the docs can never lie.

Page shape (ruff's): `# ID name`, a severity/family/autofix table, then `## What it does`,
`## Why is this bad?`, `## Example` (blocks that must fire the rule), `## Use instead` (blocks that must
not), `## Fix`, `## Options`. Examples are ```dockerfile fenced blocks.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dockerlint_ml.registry import builtin_rules

from .conftest import ROOT
from .conftest import lint as lint_text

PAGES = ROOT / "rules"
REQUIRED_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix", "## Options")
ENGINE_RULES = {"ML000"}  # produced by the engine, not by check(): its example is tested in test_suppress


def _blocks(section: str) -> list[str]:
    return re.findall(r"```dockerfile\n(.*?)```", section, re.DOTALL)


def _sections(page: str) -> dict[str, str]:
    parts = re.split(r"^(## .+)$", page, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


RULES = builtin_rules()


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_page_exists_with_all_sections(rule):
    page = (PAGES / f"{rule.id}.md").read_text(encoding="utf-8")
    assert page.startswith(f"# {rule.id} {rule.name}\n")
    for section in REQUIRED_SECTIONS:
        assert f"\n{section}\n" in page, f"{rule.id}.md lacks {section}"
    assert rule.severity.value in page.split("## What it does")[0]


def _context_of(section: str, block: str) -> str | None:
    """The ```context block just before ``block`` (build-context rules, ML8xx): one file per line, ``path``,
    ``path  5G`` (a sparse file of that size) or ``path = text`` (``\\n`` for line breaks)."""
    found = re.search(r"```context\n(.*?)```\s*```dockerfile\n" + re.escape(block) + "```", section, re.DOTALL)
    return found.group(1) if found else None


def _lint_in(tmp: Path, spec: str | None, block: str, rule_id: str) -> list:
    """Lint ``block`` as ``tmp/Dockerfile`` with ``tmp`` (built from ``spec``) as its build context."""
    from dockerlint_ml.context import BuildContext
    from dockerlint_ml.lint import Linter
    from dockerlint_ml.settings import Settings

    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for line in (spec or "").splitlines():
        path, _, text = (part.strip() for part in line.partition(" = "))
        path, _, size = path.partition("  ")
        if not path:
            continue
        target = tmp / path.strip()
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(text.replace("\\n", "\n").encode())
            if size.strip():
                handle.truncate(int(float(size.strip()[:-1]) * units[size.strip()[-1]]))
    (tmp / "Dockerfile").write_text(block, encoding="utf-8")
    linter = Linter(Settings(select=(rule_id,), extend_select=(rule_id,)), builtin_rules())
    return linter.lint_bytes(block.encode(), str(tmp / "Dockerfile"), BuildContext(tmp)).findings


def _policy_linter(tmp: Path, page: str, rule_id: str):
    """A policy rule (ML9xx) fires only under a policy: its page shows one in a ```toml block (the first on the
    page), which the examples are linted with."""
    from dockerlint_ml.config import load_file, validate
    from dockerlint_ml.lint import Linter

    found = re.search(r"```toml\n(.*?)```", page, re.DOTALL)
    assert found, f"{rule_id}.md: a policy rule's page shows the policy its examples need in a ```toml block"
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / ("pyproject.toml" if "[tool.mllint" in found.group(1) else ".mllint.toml")
    path.write_text(found.group(1), encoding="utf-8")
    settings = validate(*load_file(path), {rule.id: rule for rule in RULES})
    settings.select = settings.extend_select = (rule_id,)
    return Linter(settings, RULES)


@pytest.mark.parametrize("rule", [r for r in RULES if r.id not in ENGINE_RULES], ids=lambda rule: rule.id)
def test_page_examples(rule, tmp_path):
    page = (PAGES / f"{rule.id}.md").read_text(encoding="utf-8")
    sections = _sections(page)
    failing, passing = _blocks(sections["## Example"]), _blocks(sections["## Use instead"])
    assert failing and passing, f"{rule.id}.md needs a failing and a passing ```dockerfile example"

    def lint(block: str, select: list[str], dedent: bool, section: str) -> list:
        if rule.family() == "policy":
            return _policy_linter(tmp_path / "policy", page, rule.id).lint_bytes(block.encode(), "Dockerfile").findings
        if rule.family() != "context":
            return lint_text(block, select, dedent=dedent)
        return _lint_in(tmp_path / "ctx", _context_of(sections[section], block), block, rule.id)

    for block in failing:
        fired = {f.rule for f in lint(block, [rule.id], False, "## Example")}
        assert rule.id in fired, f"{rule.id} did not fire on:\n{block}"
    for block in passing:
        fired = [f for f in lint(block, [rule.id], False, "## Use instead") if f.rule == rule.id]
        assert not fired, f"{rule.id} fired on its passing example:\n{block}\n{fired}"


def test_no_orphan_pages():
    ids = {rule.id for rule in RULES}
    orphans = sorted(path.stem for path in PAGES.glob("ML*.md") if path.stem not in ids)
    assert not orphans, f"pages without a rule: {orphans}"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_page_table_matches_the_rule(rule):
    lines = (PAGES / f"{rule.id}.md").read_text(encoding="utf-8").splitlines()
    assert lines[2] == "| severity | family | autofix |", f"{rule.id}.md: the table is not where expected"
    severity, family, autofix = (cell.strip() for cell in lines[4].strip().strip("|").split("|"))
    assert severity.split()[0] == rule.severity.value
    assert ("off by default" in severity) == (not rule.enabled_by_default)
    assert family == rule.family()
    assert (autofix != "none") == rule.fixable, f"{rule.id}.md says autofix `{autofix}`"
