"""Helpers of the tests in tests/rules/serving/ (module-level in test_rules_serving.py before)."""

from __future__ import annotations

from dockerlint_ml.rules.base import RuleContext
from dockerlint_ml.rules.serving import is_serving_image

from ...conftest import lint, parse, rule_lines


def _serving(text: str, target: str | None = None) -> bool:
    return is_serving_image(RuleContext(parse(text), target))


def _lines(text: str, rule: str, **settings: object) -> list[int]:
    return rule_lines(lint(text, [rule], **settings), rule)


ROOT_LOCAL = """
    FROM python:3.11-slim AS builder
    COPY requirements.txt .
    RUN pip install --user --no-cache-dir -r requirements.txt
    FROM python:3.11-slim
    RUN useradd --create-home app
    COPY --from=builder /root/.local /root/.local
    ENV PATH=/root/.local/bin:$PATH
    USER app
    CMD ["uvicorn", "app:app"]
"""
