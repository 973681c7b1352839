"""Rule reference pages (``rules/<ID>.md``), packaged with the wheel as ``dockerlint_ml/pages``."""

from __future__ import annotations

import re
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent / "pages"
PROJECT_URL = "https://github.com/dockerlint-ml/dockerlint-ml"


def rule_url(rule_id: str) -> str:
    """Where a rule's page is published (SARIF's helpUri, the language server's codeDescription)."""
    return f"{PROJECT_URL}/blob/main/rules/{rule_id}.md"


def page_text(rule_id: str) -> str | None:
    path = PAGES_DIR / f"{rule_id}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def summary_paragraph(page: str | None, first_only: bool = False) -> str:
    """The "What it does" section (or only its first paragraph) as one paragraph of plain text."""
    if not page:
        return ""
    match = re.search(r"^## What it does\n(.*?)(?=^## |\Z)", page, re.MULTILINE | re.DOTALL)
    if not match:
        return ""
    section = match.group(1).strip().split("\n\n")[0] if first_only else match.group(1)
    return " ".join(section.split())
