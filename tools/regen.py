"""Regenerate the README's generated tables; ``--check`` exits 1 when one is stale (tests/test_readme.py).

* the rule table (``<!-- rules-table:start -->``): ``mllint --list-rules --format markdown``;
* the autofix table (``<!-- autofix-table:start -->``): every fixable rule's ``fix_title`` and ``fix_safety``;
* the hadolint table (``<!-- hadolint-table:start -->``, when present): ``migrate/hadolint.py``'s DL→ML map.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RULES_MARKERS = ("<!-- rules-table:start -->", "<!-- rules-table:end -->")
AUTOFIX_MARKERS = ("<!-- autofix-table:start -->", "<!-- autofix-table:end -->")
HADOLINT_MARKERS = ("<!-- hadolint-table:start -->", "<!-- hadolint-table:end -->")
SAFETY_ORDER = {"safe": 0, "sometimes": 1, "unsafe": 2}


def rules_table() -> str:
    return subprocess.run(
        [sys.executable, "-m", "dockerlint_ml", "--isolated", "--list-rules", "--format", "markdown"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip


def autofix_table() -> str:
    from dockerlint_ml.registry import builtin_rules

    fixable = [rule for rule in builtin_rules() if rule.fixable]
    fixable.sort(key=lambda rule: (SAFETY_ORDER.get(rule.fix_safety or "", 3), rule.id))
    lines = ["| rule | fix | safe? |", "|---|---|---|"]
    lines += [f"| [{rule.id}](rules/{rule.id}.md) | {rule.fix_title} | {rule.fix_safety} |" for rule in fixable]
    return "\n".join(lines) + "\n"


def between(text: str, markers: tuple[str, str]) -> str:
    start, end = markers
    return text.split(start)[1].split(end)[0]


def replace_between(text: str, markers: tuple[str, str], content: str) -> str:
    start, end = markers
    head, rest = text.split(start)
    tail = rest.split(end)[1]
    return f"{head}{start}\n{content}{end}{tail}"


def regenerated(readme: str) -> str:
    readme = replace_between(readme, RULES_MARKERS, rules_table())
    if HADOLINT_MARKERS[0] in readme:
        from dockerlint_ml.migrate.hadolint import markdown_table

        readme = replace_between(readme, HADOLINT_MARKERS, markdown_table())
    return replace_between(readme, AUTOFIX_MARKERS, autofix_table())


def main(argv: list[str] | None = None) -> int:
    check = "--check" in (sys.argv[1:] if argv is None else argv)
    current = README.read_text(encoding="utf-8")
    new = regenerated(current)
    if check:
        if new != current:
            print("README.md is stale: run `python tools/regen.py`", file=sys.stderr)
            return 1
        return 0
    if new != current:
        README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
