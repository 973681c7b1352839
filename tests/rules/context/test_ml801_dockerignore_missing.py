"""ML801 dockerignore-missing: whole-context COPY, no ignore file; the message and the starter file."""

from __future__ import annotations

import os

import pytest

from dockerlint_ml.context import BuildContext
from dockerlint_ml.fix import fix_paths
from dockerlint_ml.lint import Linter
from dockerlint_ml.registry import builtin_rules
from dockerlint_ml.settings import Settings

from .helpers import APP, ML_REPO, lint_context, make


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
    make(tmp_path, {"app.py": ""})
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
    make(tmp_path, {"app.py": ".git\n", ".dockerignore": ".git\n"})
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
    make(tmp_path, {"app.py": "", "Dockerfile": APP})
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
    make(tmp_path, {f"z/{i}.txt": "" for i in range(50)})
    (finding,) = lint_context(tmp_path, APP, "ML801", options={"ML801": {"max-entries": 10}})
    assert "the context walk stopped after 11 entries" in finding.message
