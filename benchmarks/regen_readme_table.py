"""Rewrite the README's rule table from the registry (the test test_readme.py checks it is current)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- rules-table:start -->", "<!-- rules-table:end -->"


def main() -> None:
    table = subprocess.run(
        [sys.executable, "-m", "dockerlint_ml", "--isolated", "--list-rules", "--format", "markdown"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head, rest = readme.split(START)
    tail = rest.split(END)[1]
    (ROOT / "README.md").write_text(f"{head}{START}\n{table}{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
