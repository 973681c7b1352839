"""Tests of several gpu rules, or of the helpers they share."""

from __future__ import annotations

from ...conftest import lint


def test_ml506_does_not_repeat_ml501_on_the_same_install():
    text = """
        FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04
        RUN pip install --no-cache-dir torch==2.3.1
    """
    findings = lint(text, ["ML501", "ML506"])
    assert [(f.rule, f.span.line) for f in findings] == [("ML501", 2)]


def test_knowledge_is_loaded_lazily():
    import subprocess
    import sys

    code = (
        "import sys; from dockerlint_ml.rules import gpu, reproducibility; from dockerlint_ml import knowledge; "
        "assert knowledge.load.cache_info().currsize == 0; assert 'tomllib' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_plain_python_image_loads_no_gpu_tables():
    import subprocess
    import sys

    code = (
        "from tests.conftest import lint; from dockerlint_ml import knowledge; "
        "lint('FROM python:3.11-slim\\nRUN pip install --no-cache-dir fastapi==0.111.0 numpy==1.26.4\\n', ['ML5']); "
        # only the base-image table (the image role reads it) is loaded: a lookup of it is a cache hit
        "info = knowledge.load.cache_info(); assert info.currsize <= 1, info; "
        "knowledge.load('base_images'); assert knowledge.load.cache_info().currsize == 1, knowledge.load.cache_info()"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
