"""ML603 model-cache-unwritable: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import rule_lines
from .helpers import _findings


def test_ml603_cache_under_root_for_non_root_user():
    text = """
        FROM python:3.11-slim AS base
        ENV HF_HOME=/root/.cache/huggingface \\
            TORCH_HOME=/opt/torch
        FROM base
        RUN useradd -m app
        USER app
        CMD ["python", "serve.py"]
        """
    findings = _findings(text, "ML603")
    assert rule_lines(findings, "ML603") == [2]
    assert "`HF_HOME=/root/.cache/huggingface`" in findings[0].message and "`app`" in findings[0].message


def test_ml603_root_or_unknown_user_or_opened_root():
    root = """
        FROM python:3.11-slim
        ENV HF_HOME=/root/.cache/huggingface
        USER app
        USER root
        """
    unknown = """
        FROM python:3.11-slim
        ARG RUNTIME_USER
        ENV XDG_CACHE_HOME=/root/.cache
        USER $RUNTIME_USER
        """
    opened = """
        FROM python:3.11-slim
        ENV TRANSFORMERS_CACHE=/root/.cache/hf
        RUN useradd -m app && mkdir -p /root/.cache/hf && chmod -R a+rwx /root
        USER app
        """
    overridden = """
        FROM python:3.11-slim
        ENV HF_HOME=/root/.cache/huggingface
        ENV HF_HOME=/home/app/.cache/huggingface
        USER 1000
        """
    for text in (root, unknown, opened, overridden):
        assert _findings(text, "ML603") == [], text


def test_ml603_runtime_download_without_home():
    text = """
        FROM vllm/vllm-openai:v0.5.0
        RUN useradd -r -s /bin/false vllm
        USER vllm
        ENTRYPOINT ["vllm", "serve", "meta-llama/Meta-Llama-3-8B-Instruct", "--port", "8000"]
        """
    findings = _findings(text, "ML603")
    assert rule_lines(findings, "ML603") == [4]
    assert "`meta-llama/Meta-Llama-3-8B-Instruct`" in findings[0].message and "useradd -r" in findings[0].message


def test_ml603_runtime_download_near_misses():
    with_home = """
        FROM vllm/vllm-openai:v0.5.0
        RUN useradd -m vllm
        USER vllm
        CMD vllm serve meta-llama/Meta-Llama-3-8B-Instruct
        """
    cache_set = """
        FROM ghcr.io/huggingface/text-generation-inference:2.0
        RUN useradd -r tgi
        ENV HF_HOME=/data
        USER tgi
        CMD ["text-generation-launcher", "--model-id", "org/model"]
        """
    local_model = """
        FROM vllm/vllm-openai:v0.5.0
        RUN useradd -r vllm
        USER vllm
        CMD ["vllm", "serve", "/models/llama"]
        """
    home_made_later = """
        FROM vllm/vllm-openai:v0.5.0
        RUN useradd -r vllm && mkdir -p /home/vllm && chown vllm /home/vllm
        USER vllm
        CMD ["vllm", "serve", "org/model"]
        """
    download_dir = """
        FROM vllm/vllm-openai:v0.5.0
        RUN useradd -M vllm
        USER vllm
        CMD ["vllm", "serve", "org/model", "--download-dir", "/tmp/models"]
        """
    for text in (with_home, cache_set, local_model, home_made_later, download_dir):
        assert _findings(text, "ML603") == [], text


def test_ml603_tgi_with_busybox_adduser():
    text = """
        FROM ghcr.io/huggingface/text-generation-inference:2.0
        RUN adduser -D -H tgi
        USER tgi:tgi
        CMD text-generation-launcher --model-id=org/model --port 8080
        """
    assert rule_lines(_findings(text, "ML603"), "ML603") == [4]
