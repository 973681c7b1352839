"""ML804 copy-source-ignored: COPY/ADD sources `.dockerignore` excludes."""

from __future__ import annotations

import pytest

from .helpers import lint_context, make

FILES = {
    "serve.py": "",
    "requirements.txt": "",
    "models/clf.onnx": "w",
    "models/labels.json": "{}",
    "configs/base.yaml": "",
    "src/pkg/__init__.py": "",
}


@pytest.mark.parametrize(
    ("ignore", "copy"),
    [
        ("models\n", "COPY models/ /models/"),
        ("models\n", "COPY models/clf.onnx /models/"),  # under an excluded directory
        ("/models/\n", "ADD models /models"),
        ("**/*.onnx\n", "COPY models/clf.onnx /m/"),
        ("*.txt\n", "COPY requirements.txt ."),
        ("configs/*.yaml\n", "COPY configs/*.yaml /cfg/"),  # a glob matching only excluded files
        ("*\n!serve.py\n", "COPY src /src"),
        ("!models\nmodels\n", "COPY models /m"),  # last match wins
    ],
)
def test_fires(tmp_path, ignore, copy):
    make(tmp_path, {**FILES, ".dockerignore": ignore})
    (finding,) = lint_context(tmp_path, f"FROM python:3.11-slim\n{copy}\n", "ML804")
    assert finding.span.line == 2


@pytest.mark.parametrize(
    ("ignore", "copy"),
    [
        ("models\n!models/clf.onnx\n", "COPY models/ /models/"),  # partly re-included: sent
        ("*.txt\n!requirements.txt\n", "COPY requirements.txt ."),
        ("models/*.json\n", "COPY models/*.onnx /m/"),
        ("models/*.json\n", "COPY models/* /m/"),  # some matches are sent
        ("src/data\n", "COPY data/ /data/"),  # does not exist here
        ("models\n", "COPY --from=weights /models /models"),
        ("models\n", "COPY $MODELS /models"),
        ("models\n", "COPY . ."),
        ("models\n", "ADD https://example.com/models/clf.onnx /m/"),
        ("*.md\n", "COPY src/ /src/"),
    ],
)
def test_silent(tmp_path, ignore, copy):
    make(tmp_path, {**FILES, ".dockerignore": ignore})
    assert lint_context(tmp_path, f"FROM python:3.11-slim\n{copy}\n", "ML804") == []


def test_message_names_the_pattern_and_the_way_out(tmp_path):
    make(tmp_path, {**FILES, ".dockerignore": "# weights\nmodels\n"})
    (finding,) = lint_context(tmp_path, "FROM python:3.11-slim\nCOPY models/clf.onnx /m/\n", "ML804")
    assert "pattern `models`" in finding.message and "`!models/clf.onnx`" in finding.message


def test_dockerfile_specific_ignore_file_wins(tmp_path):
    make(tmp_path, {**FILES, ".dockerignore": "models\n", "docker/serve.Dockerfile.dockerignore": ".git\n"})
    dockerfile = "FROM python:3.11-slim\nCOPY models /m\n"
    assert lint_context(tmp_path, dockerfile, "ML804", name="docker/serve.Dockerfile") == []
    assert lint_context(tmp_path, dockerfile, "ML804", name="docker/train.Dockerfile")


def test_builder_stages_count(tmp_path):
    make(tmp_path, {**FILES, ".dockerignore": "models\n"})
    dockerfile = "FROM python:3.11 AS build\nCOPY models /m\nFROM python:3.11-slim\nCOPY serve.py .\n"
    assert len(lint_context(tmp_path, dockerfile, "ML804")) == 1


def test_malformed_ignore_file_is_silent(tmp_path):
    make(tmp_path, {**FILES, ".dockerignore": "models\n[\n"})
    assert lint_context(tmp_path, "FROM python:3.11-slim\nCOPY models /m\n", "ML804") == []
