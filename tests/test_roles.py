"""Image roles: what each signal says, in the order they are read."""

from __future__ import annotations

import pytest

from dockerlint_ml.parse import parse_bytes
from dockerlint_ml.rules.base import RuleContext


def role_of(text: str, path: str = "Dockerfile", patterns: dict | None = None, target: str | None = None):
    dockerfile = parse_bytes(text.encode(), path)
    return RuleContext(dockerfile, target, role_patterns=patterns or {}).role


@pytest.mark.parametrize(
    ("text", "path", "role"),
    [
        ('FROM python:3.12-slim\nCMD ["uvicorn", "app:app", "--port", "8080"]\n', "Dockerfile", "serving"),
        ("FROM python:3.12-slim\nCMD python -m vllm.entrypoints.openai.api_server\n", "Dockerfile", "serving"),
        ('FROM python:3.12-slim\nCMD ["torchrun", "--nproc-per-node=8", "train.py"]\n', "Dockerfile", "training"),
        ('FROM python:3.12-slim\nCMD ["python", "scripts/train_lora.py"]\n', "Dockerfile", "training"),
        ('FROM python:3.12-slim\nCMD ["python", "-m", "batch_scoring"]\n', "Dockerfile", "batch"),
        ('FROM python:3.12-slim\nCMD ["sleep", "infinity"]\n', "Dockerfile", "dev"),
        ('FROM python:3.12-slim\nCMD ["bash"]\n', "Dockerfile", "dev"),
        ('FROM python:3.12-slim\nCMD ["jupyter", "lab", "--ip=0.0.0.0"]\n', "Dockerfile", "notebook"),
        ('FROM python:3.12-slim\nCMD ["pytest", "-x"]\n', "Dockerfile", "ci"),
        ('FROM python:3.12-slim\nCMD ["mkdocs", "build"]\n', "Dockerfile", "docs"),
        ("FROM python:3.12-slim\nRUN pip install --no-cache-dir numpy==2.1.0\n", "Dockerfile", "base"),
        ('FROM python:3.12-slim\nCMD ["python", "app.py"]\n', ".devcontainer/Dockerfile", "dev"),
        ('FROM python:3.12-slim\nCMD ["python", "app.py"]\n', "ci/Dockerfile", "ci"),
        ('FROM python:3.12-slim\nCMD ["python", "app.py"]\n', "docker/Dockerfile.dev", "dev"),
        ('FROM python:3.12-slim\nCMD ["python", "app.py"]\n', "docs/Dockerfile", "docs"),
        ("FROM python:3.12-slim\nRUN pip install torch\n", "benchmarks/fp8/torchao/Dockerfile", "dev"),
        # a sample server under docs/samples/ is not a docs build
        ('FROM python:3.12-slim\nCMD ["uvicorn", "app:app"]\n', "docs/samples/x/Dockerfile", "serving"),
        # a stage named dev is a dev image even when it starts a server
        ('FROM python:3.12-slim AS dev\nCMD ["uvicorn", "app:app", "--reload"]\n', "Dockerfile", "dev"),
        # EXPOSE of a real port next to an unknown program is a server; a side UI port is not
        ('FROM python:3.12-slim\nEXPOSE 8080\nENTRYPOINT ["/entrypoint.sh"]\n', "Dockerfile", "serving"),
        ('FROM python:3.12-slim\nEXPOSE 8787\nENTRYPOINT ["/entrypoint.sh"]\n', "Dockerfile", "batch"),
        ("FROM python:3.12-slim\nEXPOSE 8080\n", "Dockerfile", "base"),
        ('FROM python:3.12-slim\nEXPOSE 6566\nCMD ["feast", "--help"]\n', "Dockerfile", "batch"),
        # what the base image is for, when the file adds no program
        (
            "FROM quay.io/jupyter/scipy-notebook:2025-01-06\nRUN pip install --no-cache-dir x==1\n",
            "Dockerfile",
            "notebook",
        ),
        (
            "FROM pytorch/torchserve:0.12.0-cpu\nCOPY model-store /home/model-server/model-store\n",
            "Dockerfile",
            "serving",
        ),
        ("FROM mcr.microsoft.com/devcontainers/python:3.12\n", "Dockerfile", "dev"),
        # `ENTRYPOINT []` resets the entrypoint (it runs nothing); `CMD []` is no command
        ('FROM python:3.12-slim\nENTRYPOINT []\nCMD ["/bin/bash"]\n', "Dockerfile", "dev"),
        ('FROM python:3.12-slim\nENTRYPOINT ["uvicorn", "app:app"]\nCMD []\n', "Dockerfile", "serving"),
        ("FROM python:3.12-slim\nENTRYPOINT []\n", "Dockerfile", "base"),
    ],
)
def test_inferred_role(text, path, role):
    assert role_of(text, path).role == role


def test_declared_role_wins_and_names_its_line():
    text = '# mllint: role=dev\nFROM python:3.12-slim\nCMD ["uvicorn", "app:app"]\n'
    found = role_of(text)
    assert (found.role, found.signal) == ("dev", "`# mllint: role=dev` on line 1")


def test_config_pattern_wins_over_inference():
    text = 'FROM python:3.12-slim\nCMD ["uvicorn", "app:app"]\n'
    found = role_of(text, "repo/docker/dev/Dockerfile", {"docker/dev/*": "dev"})
    assert found.role == "dev" and "docker/dev/*" in found.signal


def test_role_follows_the_target():
    text = 'FROM python:3.12-slim AS test\nCMD ["pytest"]\nFROM python:3.12-slim AS api\nCMD ["uvicorn", "a:b"]\n'
    assert role_of(text).role == "serving"
    assert role_of(text, target="test").role == "ci"


def test_a_docs_generator_program_is_a_docs_image():
    text = 'FROM golang:1.25\nENTRYPOINT ["./gen-crd-api-reference-docs"]\nCMD ["-out-file", "README.md"]\n'
    assert role_of(text).role == "docs"
    assert role_of('FROM python:3.12-slim\nCMD ["python", "build_docs.py"]\n').role == "docs"
    assert role_of('FROM python:3.12-slim\nCMD ["python", "docstring_server.py"]\n').role == "batch"


def test_directories_above_the_project_say_nothing_about_the_role(tmp_path, monkeypatch):
    """A checkout in `/builds/ci/app` (or `/home/me/tests/app`) is not a CI image: only the path inside the
    project counts (relative to the working directory, else to the nearest `.git`/`pyproject.toml`)."""
    from dockerlint_ml.roles import project_path

    project = tmp_path / "ci" / "app"
    (project / "docker").mkdir(parents=True)
    (project / ".git").mkdir()
    dockerfile = project / "docker" / "Dockerfile"
    dockerfile.write_text('FROM python:3.11-slim\nEXPOSE 8000\nCMD ["uvicorn", "app:app"]\n')
    monkeypatch.chdir(tmp_path)
    assert project_path(str(dockerfile)) == "ci/app/docker/Dockerfile"  # below the working directory: as given
    monkeypatch.chdir("/")
    assert project_path(str(dockerfile)) == "docker/Dockerfile"  # elsewhere: relative to the project root
    assert project_path("ci/Dockerfile") == "ci/Dockerfile"
    from .conftest import lint

    findings = lint(dockerfile.read_text(), ["ML301"], path=str(dockerfile))
    assert [f.rule for f in findings] == ["ML301"]  # a serving image, not a CI one


def test_size_rules_skip_ci_images():
    from .conftest import lint

    text = 'FROM python:3.11-slim\nRUN pip install kubernetes==29.0.0\nCMD ["python", "migrate.py"]\n'
    assert {f.rule for f in lint(text, ["ML301", "ML206"], path="tools/migration/Dockerfile")} == {"ML301", "ML206"}
    assert [f.rule for f in lint(text, ["ML206"], path="ci/Dockerfile")] == []  # as ML703: not for CI images
