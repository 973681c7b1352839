"""ML103 model-fetch-after-source: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import rule_lines
from ..artifacts.helpers import SHA, _findings


def test_ml103_download_after_source_copy():
    text = f"""
        from python:3.11-slim
        workdir /app
        copy requirements.txt .
        run pip install --no-cache-dir -r requirements.txt
        run huggingface-cli download org/early --revision {SHA}
        copy . .
        run python -c "from transformers import pipeline, AutoModel; AutoModel.from_pretrained('org/late')"
        """
    findings = _findings(text, "ML103")
    assert rule_lines(findings, "ML103") == [7]
    assert "`copy . .` (line 6)" in findings[0].message


def test_ml103_per_stage_and_source_dirs():
    text = """
        FROM python:3.11 AS build
        COPY src/ /app/src/
        RUN --mount=type=cache,target=/root/.cache/huggingface \\
            huggingface-cli download org/m --local-dir /models
        FROM python:3.11-slim
        RUN huggingface-cli download org/m --local-dir /models
        COPY --from=build /app /app
        """
    assert rule_lines(_findings(text, "ML103"), "ML103") == [4]


def test_ml103_near_misses():
    text = """
        FROM python:3.11-slim
        COPY requirements.txt pyproject.toml ./
        COPY models/bert-v1/ /models/bert-v1/
        COPY --from=builder /wheels /wheels
        RUN huggingface-cli download org/m
        COPY . .
        RUN python serve.py --check
        """
    assert _findings(text, "ML103") == []
