"""Rule reference pages (``rules/<ID>.md``), packaged with the wheel as ``dockerlint_ml/pages``."""

from __future__ import annotations

import re
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent / "pages"


def page_text(rule_id: str) -> str | None:
    path = PAGES_DIR / f"{rule_id}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def summary_paragraph(page: str | None) -> str:
    """The "What it does" section as one paragraph of plain text."""
    if not page:
        return ""
    match = re.search(r"^## What it does\n(.*?)(?=^## |\Z)", page, re.MULTILINE | re.DOTALL)
    return " ".join(match.group(1).split()) if match else ""
