"""Where users meet mllint: the GitHub Action's structure and the pre-commit hook, end to end."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

BAD = "FROM python:3.11-slim\nRUN pip install torch==2.3.1\n"


def test_action_inputs_and_steps():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert set(inputs) == {"paths", "config", "fail-on", "sarif-file", "category", "upload"}
    for name, spec in inputs.items():
        assert spec["description"], name
        assert "default" in spec, name
    assert inputs["upload"]["default"] == "true"
    steps = action["runs"]["steps"]
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    scripts = "\n".join(step.get("run", "") for step in steps)
    assert "pip install" in scripts and "--format sarif" in scripts and "--sarif-category" in scripts
    assert steps[-1]["run"].count("exit") >= 1  # the job still fails per fail-on after the upload


def test_pre_commit_hook_definition_matches_all_dockerfile_names():
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = hooks["mllint"]
    assert hook["entry"].startswith("mllint") and hook["language"] == "python"
    pattern = re.compile(hook["files"])
    for name in ("Dockerfile", "dockerfile", "Dockerfile.gpu", "Dockerfile-gpu", "svc/app.dockerfile", "Containerfile"):
        assert pattern.search(name), name
    for name in ("README.md", "dockerfile_test.py/x", "src/main.py", "Dockerfile.md/x"):
        assert not pattern.search(name), name


@pytest.mark.parametrize(
    "name",
    [
        "Dockerfile", "dockerfile", "Dockerfile.gpu", "Dockerfile-gpu", "Dockerfile_cuda", "Dockerfile.cpp",
        "Dockerfile.rocm", "Dockerfile.ubi9", "Dockerfile.nix", "Dockerfile.go",
        "app.dockerfile", "x86.cu118.base.dockerfile", "Containerfile",
        "Containerfile.fedora", "Dockerfile.dockerignore", "Dockerfile.j2", "Dockerfile-uv.jinja",
        "dockerfile_test.sh", "dockerfile_devel_gpu_test.sh", "dockerfile_utils.py", "Dockerfile.md",
        "Dockerfile.txt", "Dockerfile.yaml", "Dockerfile.orig", "Dockerfile.patch", "README.md", "main.py",
    ],
)  # fmt: skip
def test_pre_commit_hooks_and_the_directory_search_take_the_same_files(name):
    """A file pre-commit hands to mllint is one `mllint DIR` and the language server would lint, and back."""
    from dockerlint_ml.files import is_dockerfile_name

    for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text()):
        taken = bool(re.search(hook["files"], f"src/{name}")) and not re.search(hook["exclude"], f"src/{name}")
        assert taken is is_dockerfile_name(name), (hook["id"], name)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pre_commit_try_repo_end_to_end(tmp_path):
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed (pip install '.[test]' installs it)")
    if not (ROOT / ".git").exists():
        pytest.skip("needs this repository as a git checkout")
    work = tmp_path / "work"
    names = ["Dockerfile", "Dockerfile.gpu", "svc/app.dockerfile", "Containerfile"]
    for name in names:
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(BAD)
    (work / "README.md").write_text("RUN pip install torch\n")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_COMMITTER_NAME": "t"}
    env.update(GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_EMAIL="t@example.com")
    subprocess.run(["git", "init", "-q"], cwd=work, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=work, check=True, env=env)
    done = subprocess.run(
        [str(pre_commit), "try-repo", str(ROOT), "mllint", "--all-files", "--verbose"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    for name in names:
        assert re.search(rf"^{re.escape(name)}:2:5: ML206 \[warning\]", output, re.MULTILINE), output
    assert "README.md" not in output.split("mllint (lint ML Dockerfiles)")[-1]
