"""ML801 dockerignore-missing: whole-context COPY, no ignore file; the message and the starter file."""

from __future__ import annotations

import os

import pytest

from dockerlint_ml.context import BuildContext
from dockerlint_ml.fix import fix_paths
from dockerlint_ml.lint import Linter
from dockerlint_ml.registry import builtin_rules
from dockerlint_ml.settings import Settings

from .helpers import APP, ML_REPO, MiB, lint_context, make


def test_fires_and_says_what_the_context_holds(tmp_path):
    make(tmp_path, ML_REPO)
    (finding,) = lint_context(tmp_path, APP, "ML801")
    assert finding.span.line == 5
    assert "`COPY . .`" in finding.message
    assert "`checkpoints/epoch=3.ckpt` (5.0 GiB)" in finding.message
    assert "`.git/`" in finding.message or "and 3 more" in finding.message
    assert "5.2 GiB" in finding.message  # the total, sparse files at their apparent size


@pytest.mark.parametrize("copy", ["COPY ./ /app", "ADD . /app", "COPY . /srv/", "COPY --chown=1000 . ."])
def test_other_whole_context_forms(tmp_path, copy):
    make(tmp_path, {"app.py": "", ".git/objects/p.pack": 2 * MiB})
    assert lint_context(tmp_path, f"FROM python:3.11-slim\n{copy}\n", "ML801")


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM python:3.11-slim\nCOPY src/ /app/src\n",  # not the whole context
        "FROM python:3.11-slim AS build\nCOPY . .\nFROM python:3.11-slim\nCOPY --from=build /app /app\n",  # not shipped
        "FROM python:3.11-slim\nCOPY --from=builder . .\n",
        "FROM python:3.11-slim\nCOPY $SRC .\n",
    ],
)
def test_silent_when_the_context_is_not_copied(tmp_path, dockerfile):
    make(tmp_path, {"app.py": "", "src/a.py": ""})
    assert lint_context(tmp_path, dockerfile, "ML801") == []


def test_silent_with_a_dockerignore_or_a_dockerfile_specific_one(tmp_path):
    make(tmp_path, {**ML_REPO, ".dockerignore": ".git\n"})
    assert lint_context(tmp_path, APP, "ML801") == []
    os.remove(tmp_path / ".dockerignore")
    make(tmp_path, {"docker/serve.Dockerfile.dockerignore": ".git\n"})
    assert lint_context(tmp_path, APP, "ML801", name="docker/serve.Dockerfile") == []
    assert lint_context(tmp_path, APP, "ML801", name="docker/other.Dockerfile")


def test_silent_without_a_readable_context(tmp_path):
    missing = tmp_path / "nope"
    assert lint_context(tmp_path, APP, "ML801", context=missing) == []
    linter = Linter(Settings(select=("ML801",), extend_select=("ML801",)), builtin_rules())
    assert linter.lint_bytes(APP.encode(), "-", None).findings == []


def test_unreadable_context_is_silent(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    context = make(tmp_path / "ctx", {"app.py": ""})
    os.chmod(context, 0)
    try:
        assert lint_context(tmp_path, APP, "ML801", context=context) == []
    finally:
        os.chmod(context, 0o755)


def _fix(tmp_path, unsafe=True, write=True):
    linter = Linter(Settings(select=("ML801",), extend_select=("ML801",)), builtin_rules())
    return fix_paths(
        (str(tmp_path / "Dockerfile"),),
        linter,
        unsafe=unsafe,
        write=write,
        stdin_filename=None,
        build_context=lambda path: BuildContext(tmp_path),
    )


def test_fix_writes_a_starter_dockerignore(tmp_path):
    make(tmp_path, {**ML_REPO, "Dockerfile": APP.replace("COPY . .", "COPY data/val.parquet data/\nCOPY . .")})
    run = _fix(tmp_path)
    text = (tmp_path / ".dockerignore").read_text()
    lines = text.splitlines()
    assert {".git", "**/.env", "**/__pycache__", "**/.ipynb_checkpoints", ".venv", "checkpoints"} <= set(lines)
    assert "data" not in lines  # a COPY names it: excluding it would break the build
    assert run.applied == 1 and run.results[0].findings == []
    assert (tmp_path / "Dockerfile").read_text().count("COPY") == 3  # the Dockerfile is untouched


def test_fix_is_unsafe_and_never_overwrites(tmp_path):
    make(tmp_path, {"app.py": "", ".env": "TOKEN=x\n", "Dockerfile": APP})
    _fix(tmp_path, unsafe=False)
    assert not (tmp_path / ".dockerignore").exists()
    run = _fix(tmp_path, write=False)
    assert "+++ " + str(tmp_path / ".dockerignore") in run.diff and not (tmp_path / ".dockerignore").exists()
    # created between the lint and the write: kept as it is
    (tmp_path / ".dockerignore").write_text("mine\n")
    finding = lint_context(tmp_path, APP, "ML801")
    assert finding == []
    assert (tmp_path / ".dockerignore").read_text() == "mine\n"


def test_partial_walk_says_so(tmp_path):
    make(tmp_path, {"model.safetensors": 2 * MiB, **{f"z/{i}.txt": "" for i in range(50)}})
    (finding,) = lint_context(tmp_path, APP, "ML801", options={"ML801": {"max-entries": 10}})
    assert "the context walk stopped after 11 entries" in finding.message


# Only a context holding something concrete to exclude is worth a warning


def test_silent_on_a_context_of_plain_source(tmp_path):
    # axolotl's case: 11 MiB of source and images, nothing ML802/ML803 would name
    files = {f"docs/images/{i}.png": 500_000 for i in range(20)}
    files.update({"src/pkg/__init__.py": "", "README.md": "# x\n", "tests/fixtures/tiny.pt": 4096})
    make(tmp_path, files)
    assert lint_context(tmp_path, APP, "ML801") == []


def test_credentials_alone_are_worth_it(tmp_path):
    make(tmp_path, {"serve.py": "", ".env": "WANDB_API_KEY=abc\n"})
    (finding,) = lint_context(tmp_path, APP, "ML801")
    assert "credential files: `.env`" in finding.message


# `.git` is never advised out when the build runs git on the copied tree

GIT_REPO: dict[str, str | int] = {
    "serve.py": "",
    ".git/HEAD": "ref: refs/heads/main\n",
    ".git/objects/pack/p.pack": 30 * MiB,
    "checkpoints/best.ckpt": 2 * MiB,
}

GIT_AFTER_COPY = "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN git rev-parse HEAD > /app/REVISION\n"


def test_git_used_after_copy_keeps_git_out_of_message_and_starter(tmp_path):
    make(tmp_path, {**GIT_REPO, "Dockerfile": GIT_AFTER_COPY})
    (finding,) = lint_context(tmp_path, GIT_AFTER_COPY, "ML801")
    assert "`.git/`" not in finding.message and "`.git`, " not in finding.message
    assert "keep `.git`: line 4 runs `git rev-parse HEAD`" in finding.message
    assert "`checkpoints/best.ckpt`" in finding.message
    _fix(tmp_path)
    lines = (tmp_path / ".dockerignore").read_text().splitlines()
    assert ".git" not in lines and "checkpoints" in lines


def test_git_used_and_nothing_else_is_silent(tmp_path):
    make(tmp_path, {"serve.py": "", ".git/objects/p.pack": 30 * MiB})
    assert lint_context(tmp_path, GIT_AFTER_COPY, "ML801") == []


@pytest.mark.parametrize(
    "dockerfile",
    [
        # in a stage built FROM the stage that copies
        "FROM python:3.11-slim AS src\nCOPY . /app\nFROM src\nRUN cd /app && git describe --tags\n",
        # axolotl: `git config` (not --global) in the copied tree
        'FROM python:3.11-slim\nCOPY . .\nRUN git config remote.origin.fetch "+refs/heads/*"\n',
        # a builder stage: the starter `.dockerignore` applies to its `COPY . .` too
        "FROM python:3.11 AS build\nCOPY . /src\nRUN git -C /src log -1\nFROM python:3.11-slim\nCOPY . .\n",
        # a bind mount of the context
        "FROM python:3.11-slim\nCOPY . .\nRUN --mount=type=bind,target=/src git -C /src describe\n",
    ],
)
def test_git_use_forms(tmp_path, dockerfile):
    make(tmp_path, GIT_REPO)
    (finding,) = lint_context(tmp_path, dockerfile, "ML801")
    assert "`.git/`" not in finding.message and "keep `.git`" in finding.message


def test_setuptools_scm_project_installed_keeps_git(tmp_path):
    pyproject = '[build-system]\nrequires = ["setuptools>=64", "setuptools_scm>=8"]\n'
    make(tmp_path, {**GIT_REPO, "pyproject.toml": pyproject})
    dockerfile = "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -e .\n"
    (finding,) = lint_context(tmp_path, dockerfile, "ML801")
    assert "keep `.git`: line 4 runs `pip install --no-cache-dir …` and `pyproject.toml`" in finding.message
    make(tmp_path, {"pyproject.toml": '[build-system]\nrequires = ["setuptools>=64"]\n'})
    (finding,) = lint_context(tmp_path, dockerfile, "ML801")
    assert "`.git/` (30.0 MiB)" in finding.message  # a static version: `.git` is not needed


@pytest.mark.parametrize(
    "dockerfile",
    [
        APP,  # no git at all
        "FROM python:3.11-slim\nRUN git rev-parse HEAD || true\nCOPY . .\n",  # before the COPY
        "FROM python:3.11-slim\nCOPY . .\nRUN git config --global user.name ci\n",  # the user's config only
        "FROM python:3.11-slim\nCOPY . .\nRUN git --version\n",
        # the git commands of a fresh clone are the clone's
        "FROM python:3.11-slim\nCOPY . .\nRUN git clone https://x.org/r.git /r && cd /r && git checkout 1a2b3c4\n",
        # a stage that does not build on the copying one
        "FROM python:3.11-slim AS tools\nRUN git init /t && git -C /t status\nFROM python:3.11-slim\nCOPY . .\n",
    ],
)
def test_git_named_when_the_build_does_not_use_it(tmp_path, dockerfile):
    make(tmp_path, {**GIT_REPO, "Dockerfile": dockerfile})
    (finding,) = lint_context(tmp_path, dockerfile, "ML801")
    assert "`.git/` (30.0 MiB)" in finding.message and "keep `.git`" not in finding.message
    _fix(tmp_path)
    assert ".git" in (tmp_path / ".dockerignore").read_text().splitlines()
