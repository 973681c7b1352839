"""Scaffold a rule: its module, its page and its test file (the three files a rule is).

    python tools/new_rule.py ML211 wheel-cache-kept size [--fix safe|unsafe|sometimes] [--severity warning]

writes

* ``dockerlint_ml/rules/<family>/ml211_wheel_cache_kept.py``: metadata, ``check`` and (with ``--fix``) ``fix``;
  the family package discovers it (no list to edit);
* ``rules/ML211.md``: the page, in the shape tests/test_rule_pages.py checks;
* ``tests/rules/test_ml211_wheel_cache_kept.py``: a failing and a passing case.

The placeholder rule works: it flags the word ``todo-ml211`` (and its fix replaces it), so the suite stays green
until you write the real check. Then regenerate the README tables with ``python tools/regen.py``.
``--root DIR`` writes into another checkout (the scaffold's own test uses a temporary copy).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: the ID's hundreds digit -> (family package, family key in output)
FAMILIES = {
    "0": ("correctness", "correctness"),
    "1": ("layers", "cache"),
    "2": ("size", "size"),
    "3": ("security", "security"),
    "4": ("serving", "serving"),
    "5": ("gpu", "gpu"),
    "6": ("artifacts", "artifacts"),
    "7": ("reproducibility", "reproducibility"),
    "8": ("context", "context"),
    "9": ("policy", "policy"),
}
ALIASES = {"cache": "layers", "repro": "reproducibility"}
SEVERITIES = ("error", "warning", "info")
SAFETY = ("safe", "unsafe", "sometimes")


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_]", name))


def module_text(rule_id: str, name: str, family_key: str, severity: str, fix: str | None) -> str:
    marker = f"todo-{rule_id.lower()}"
    model = "Dockerfile, Edit, Finding, Fix, Severity" if fix else "Severity"
    fix_attributes = (
        f'    fix_safety = "{fix}"\n    fix_title = "replace `{marker}` (TODO: say what the fix does)"\n' if fix else ""
    )
    fix_method = ""
    if fix:
        fix_method = f'''
    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        """TODO: the edits that repair ``finding``; None when unsure (the finding is then not fixable)."""
        from ...fix.edits import text_at

        if text_at(dockerfile, finding.span) != MARKER:
            return None  # the text is not what the finding says: never edit blindly
        return Fix("replace `{marker}`", (Edit(finding.span, "done"),){"" if fix == "safe" else ", safe=False"})
'''
    return f'''"""{rule_id} {name}: TODO one-line summary.

Reference page: rules/{rule_id}.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import {model}
from ..base import Problem, Rule, RuleContext

#: TODO: the placeholder check flags this word; replace it with the real check
MARKER = "{marker}"


class {_class_name(name)}(Rule):
    """TODO: what the rule flags, and why."""

    id = "{rule_id}"
    name = "{name}"
    severity = Severity.{severity.upper()}
    summary = "TODO one-line summary ({marker})"
    tags = ("{family_key}",)
{fix_attributes}
    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions():
            for word in instruction.arguments:
                if word.text == MARKER:
                    yield self.problem(word, f"`{{MARKER}}` found: TODO say what to do instead")
{fix_method}'''


def page_text(rule_id: str, name: str, family_key: str, severity: str, fix: str | None) -> str:
    marker = f"todo-{rule_id.lower()}"
    autofix = f"{fix}: replaces `{marker}`" if fix else "none"
    fix_section = "TODO: how to fix it by hand."
    if fix:
        fix_section += f"\n\n`mllint --fix` replaces `{marker}` with `done` ({fix}: TODO why)."
    return f"""# {rule_id} {name}

| severity | family | autofix |
|---|---|---|
| {severity} | {family_key} | {autofix} |

## What it does
TODO: what the rule flags (the placeholder flags the word `{marker}`).

## Why is this bad?
TODO: what it costs in a real image.

## Example
```dockerfile
FROM python:3.11-slim
RUN echo {marker}
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN echo done
```

## Fix
{fix_section}

## Options
None.
"""


def test_text(rule_id: str, name: str, fix: str | None) -> str:
    marker = f"todo-{rule_id.lower()}"
    slug = f"{rule_id.lower()}_{name.replace('-', '_')}"
    fix_test = ""
    if fix:
        unsafe = "" if fix == "safe" else ", unsafe=True"
        fix_test = f'''

def test_{slug}_fix():
    text = "FROM python:3.11-slim\\nRUN echo {marker}\\n"
    linter = Linter(Settings(select=("{rule_id}",), extend_select=("{rule_id}",)), builtin_rules())
    new, result, applied = fix_source(text.encode(), "Dockerfile", linter{unsafe})
    assert new == "FROM python:3.11-slim\\nRUN echo done\\n" and applied == 1 and result.findings == []
'''
    imports = ""
    if fix:
        imports = (
            "from dockerlint_ml.fix import fix_source\nfrom dockerlint_ml.lint import Linter\n"
            "from dockerlint_ml.registry import builtin_rules\nfrom dockerlint_ml.settings import Settings\n\n"
        )
    return f'''"""{rule_id} {name}: detection{" and fix" if fix else ""}."""

from __future__ import annotations

{imports}from ..conftest import lint, rule_lines


def test_{slug}_fires():
    findings = lint(
        """
        FROM python:3.11-slim
        RUN echo {marker}
        """,
        ["{rule_id}"],
    )
    assert rule_lines(findings, "{rule_id}") == [2]


def test_{slug}_passes():
    assert lint("FROM python:3.11-slim\\nRUN echo done\\n", ["{rule_id}"]) == []
{fix_test}'''


def scaffold(rule_id: str, name: str, family: str, *, fix: str | None, severity: str, root: Path) -> list[Path]:
    if not re.fullmatch(r"ML\d{3}", rule_id):
        raise SystemExit(f"{rule_id}: an ID is ML and three digits")
    if not re.fullmatch(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", name):
        raise SystemExit(f"{name}: a name is lowercase words joined by hyphens")
    package, family_key = FAMILIES.get(rule_id[2], (None, None))
    if package is None or ALIASES.get(family, family) != package:
        raise SystemExit(f"{rule_id} belongs to the family {package or '(none)'}, not {family}")
    slug = f"{rule_id.lower()}_{name.replace('-', '_')}"
    family_dir = root / "dockerlint_ml" / "rules" / package
    if list(family_dir.glob(f"{rule_id.lower()}_*.py")) or (root / "rules" / f"{rule_id}.md").exists():
        raise SystemExit(f"{rule_id} exists already")
    files = {
        family_dir / f"{slug}.py": module_text(rule_id, name, family_key, severity, fix),
        root / "rules" / f"{rule_id}.md": page_text(rule_id, name, family_key, severity, fix),
        root / "tests" / "rules" / f"test_{slug}.py": test_text(rule_id, name, fix),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    init = root / "tests" / "rules" / "__init__.py"
    if not init.exists():  # once: the per-rule test package
        init.write_text("", encoding="utf-8")
    return list(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("id", help="ML and three digits; the hundreds digit is the family")
    parser.add_argument("name", help="lowercase, hyphenated (pip-cache-kept)")
    parser.add_argument("family", help="the family package: " + ", ".join(p for p, _ in FAMILIES.values()))
    parser.add_argument("--fix", choices=SAFETY, help="also scaffold a fix of this safety")
    parser.add_argument("--severity", choices=SEVERITIES, default="warning")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to write into")
    args = parser.parse_args(argv)
    written = scaffold(args.id, args.name, args.family, fix=args.fix, severity=args.severity, root=args.root)
    for path in written:
        print(f"created {path}")
    print("next: write the check (and fix), the page and the tests; then `python tools/regen.py`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
