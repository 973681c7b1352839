"""ML602 model-downloaded-at-build: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from dockerlint_ml.model import Severity

from ...conftest import rule_lines
from .helpers import SHA, _findings


def test_ml602_reports_tradeoff_and_pin():
    text = f"""
        FROM python:3.11-slim
        RUN huggingface-cli download org/unpinned
        RUN huggingface-cli download org/pinned --revision {SHA}
        """
    findings = _findings(text, "ML602")
    assert rule_lines(findings, "ML602") == [2, 3]
    assert "image grows" in findings[0].message and "not pinned" in findings[0].message
    assert "--revision <commit sha>" in findings[0].message
    assert "pinned to a fixed revision" in findings[1].message
    assert all(f.severity is Severity.INFO for f in findings)


def test_ml602_build_stage_only_unpinned():
    text = f"""
        FROM python:3.11 AS fetch
        RUN huggingface-cli download org/a --revision {SHA} --local-dir /m/a
        RUN huggingface-cli download org/b --local-dir /m/b
        FROM python:3.11-slim
        COPY --from=fetch /m /m
        """
    findings = _findings(text, "ML602")
    assert rule_lines(findings, "ML602") == [3]
    assert "image grows" not in findings[0].message


def test_ml602_silent_without_downloads():
    text = """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir huggingface_hub==0.23.4 && \\
            curl -fsSL https://example.com/setup.sh -o /tmp/setup.sh
        RUN huggingface-cli login --token "$HF_TOKEN"
        COPY model.onnx /m/
        """
    assert _findings(text, "ML602") == []


def test_ml602_message_redacts_url_credentials():
    text = "FROM python:3.11-slim\nRUN curl -fsSLo m.pt https://me:s3cretFAKE@models.example.com/m/model.pt\n"
    (finding,) = _findings(text, "ML602")
    assert "s3cretFAKE" not in finding.message and "https://***@models.example.com" in finding.message


def test_ml602_framework_download_clis():
    # the real-world case: kserve's paddleserving sample fetches its model with paddle_serving_app
    text = """
        FROM python:3.11-slim
        RUN python -m paddle_serving_app.package --get_model lac && tar -xzvf lac.tar.gz
        RUN python -m spacy download en_core_web_sm
        RUN python -m spacy download en_core_web_sm-3.7.1 --direct
        RUN ollama serve & sleep 5 && ollama pull llama3:8b
        RUN modelscope download --model Qwen/Qwen2-7B-Instruct --local_dir /models
        RUN modelscope download --model=Qwen/Qwen2-7B-Instruct --revision v1.0.0
        RUN modelscope download --model Qwen/Qwen2-7B-Instruct --revision master
        """
    findings = _findings(text, "ML602")
    assert rule_lines(findings, "ML602") == [2, 3, 4, 5, 6, 7, 8]
    unpinned = [f.span.line for f in findings if "not pinned" in f.message]
    assert unpinned == [3, 6, 8]
    assert "`spacy download en_core_web_sm-X.Y.Z --direct`" in findings[1].message
    assert "`ollama pull llama3:8b`" in findings[3].message


def test_ml602_framework_clis_that_download_nothing():
    text = """
        FROM python:3.11-slim
        RUN python -m paddle_serving_app.package --list_model
        RUN python -m spacy info && python -m spacy validate
        RUN ollama list && ollama --version
        RUN modelscope login --token x
        RUN pip download spacy==3.7.4 -d /wheels
        """
    assert _findings(text, "ML602") == []
