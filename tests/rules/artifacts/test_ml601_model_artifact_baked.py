"""ML601 model-artifact-baked: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from dockerlint_ml.model import Severity

from .helpers import _findings


def test_ml601_unversioned_is_warning_versioned_info():
    text = """
        FROM python:3.11-slim
        COPY model.pkl /app/
        COPY latest.pt model-v3.pt resnet50_2024-05-01.onnx /app/
        COPY models/ /models/
        COPY models/bert-base-v1.2/ /models/bert/
        COPY ["weights/model.h5", "/app/"]
        COPY app/ /app/
        """
    findings = _findings(text, "ML601")
    assert [(f.span.line, f.severity) for f in findings] == [
        (2, Severity.WARNING),
        (3, Severity.WARNING),
        (3, Severity.INFO),
        (3, Severity.INFO),
        (4, Severity.WARNING),
        (5, Severity.INFO),
        (6, Severity.WARNING),
    ]
    assert findings[0].span.column == 6 and "no version" in findings[0].message


def test_ml601_only_shipped_stages_and_from_copies():
    text = """
        FROM python:3.11 AS convert
        COPY model.pt /work/
        RUN python convert.py /work/model.pt /out/model-v2.onnx
        FROM python:3.11-slim
        COPY --from=convert /out/model-v2.onnx /app/
        COPY --from=convert /root/.cache/huggingface /home/app/.cache/huggingface
        """
    findings = _findings(text, "ML601")
    assert [(f.span.line, f.severity) for f in findings] == [(5, Severity.INFO), (6, Severity.INFO)]


def test_ml601_near_misses():
    text = """
        ARG MODEL_VERSION=3
        FROM python:3.11-slim
        COPY models/${MODEL_VERSION}/ /models/
        COPY src/models/ /app/models/
        COPY app/models.py config.json bin/ /app/
        COPY <<EOF /app/model.pt
        not really
        EOF
        """
    rows = [(f.span.line, f.severity) for f in _findings(text, "ML601")]
    assert rows == [(3, Severity.INFO)]
