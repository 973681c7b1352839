"""ML802 large-files-in-context: what `.dockerignore` lets through, with Docker's pattern semantics."""

from __future__ import annotations

import shutil

import pytest

from .helpers import APP, GiB, MiB, lint_context, make

MODEL_REPO = {
    "serve.py": "",
    "requirements.txt": "",
    "checkpoints/best.safetensors": 5 * GiB,
    "data/shard-0.parquet": 70 * MiB,
    "src/tokenizer.json": "{}",
}


def test_fires_with_largest_paths_and_total(tmp_path):
    make(tmp_path, {**MODEL_REPO, ".dockerignore": "# nothing useful\n*.md\n"})
    (finding,) = lint_context(tmp_path, APP, "ML802")
    assert finding.span.line == 5
    assert "`checkpoints/best.safetensors` (5.0 GiB)" in finding.message
    assert "`data/shard-0.parquet` (70.0 MiB)" in finding.message
    assert "5.1 GiB" in finding.message


@pytest.mark.parametrize(
    "ignore",
    [
        "checkpoints\ndata\n",
        "/checkpoints/\n/data\n",  # a leading `/` is dropped
        "**/*.safetensors\n**/*.parquet\n",
        "*\n!serve.py\n!requirements.txt\n!src\n",
        "checkpoints/**\ndata/*\n",
    ],
)
def test_silent_when_excluded(tmp_path, ignore):
    make(tmp_path, {**MODEL_REPO, ".dockerignore": ignore})
    assert lint_context(tmp_path, APP, "ML802") == []


@pytest.mark.parametrize(
    ("ignore", "reported"),
    [
        ("*.safetensors\n*.parquet\n", "checkpoints/best.safetensors"),  # `*` does not cross `/`
        ("checkpoints\ndata\n!checkpoints/best.safetensors\n", "checkpoints/best.safetensors"),  # `!` re-includes
        ("src/data\ncheckpoints\n", "data/shard-0.parquet"),  # anchored: `src/data` is not `data`
        ("**/*.parquet\n!data/shard-0.parquet\ncheckpoints\n", "data/shard-0.parquet"),  # last match wins
    ],
)
def test_fires_on_what_the_patterns_let_through(tmp_path, ignore, reported):
    make(tmp_path, {**MODEL_REPO, ".dockerignore": ignore})
    (finding,) = lint_context(tmp_path, APP, "ML802")
    assert f"`{reported}`" in finding.message


def test_git_and_virtualenv_are_one_item_each(tmp_path):
    files = {"serve.py": "", ".git/objects/p.pack": 2 * MiB, "env/pyvenv.cfg": "", "env/lib/x.so": 3 * MiB}
    make(tmp_path, {**files, ".dockerignore": "*.md\n"})
    (finding,) = lint_context(tmp_path, APP, "ML802")
    assert "`.git/` (2.0 MiB)" in finding.message and "`env/` (3.0 MiB)" in finding.message
    assert "p.pack" not in finding.message


def test_directory_copy(tmp_path):
    make(tmp_path, {"models/clf.onnx": 200 * MiB, "app/main.py": "", ".dockerignore": ".git\n"})
    dockerfile = "FROM python:3.11-slim\nCOPY app/ /app/\nCOPY models/ /models/\n"
    (finding,) = lint_context(tmp_path, dockerfile, "ML802")
    assert finding.span.line == 3 and "`models/clf.onnx`" in finding.message


def test_small_fixtures_and_plain_files_are_silent(tmp_path):
    files = {"tests/data/tiny.npy": 4096, "assets/logo.zip": 10_000, "src/big.py": 2 * MiB, ".dockerignore": ".git"}
    make(tmp_path, files)
    assert lint_context(tmp_path, APP, "ML802") == []


def test_threshold_option(tmp_path):
    make(tmp_path, {"vocab.txt": 20 * MiB, ".dockerignore": ".git\n"})
    assert lint_context(tmp_path, APP, "ML802") == []
    assert lint_context(tmp_path, APP, "ML802", options={"ML802": {"threshold-mib": 10}})


def test_no_ignore_file_is_ml801s_case(tmp_path):
    make(tmp_path, MODEL_REPO)
    assert lint_context(tmp_path, APP, "ML802") == []


def test_dockerfile_specific_ignore_takes_precedence(tmp_path):
    make(tmp_path, {**MODEL_REPO, ".dockerignore": "checkpoints\ndata\n", "Dockerfile.dockerignore": ".git\n"})
    (finding,) = lint_context(tmp_path, APP, "ML802")
    assert "`Dockerfile.dockerignore` does not exclude" in finding.message
    make(tmp_path, {".dockerignore": ".git\n", "Dockerfile.dockerignore": "checkpoints\ndata\n"})
    assert lint_context(tmp_path, APP, "ML802") == []


def test_only_shipped_stages(tmp_path):
    make(tmp_path, {**MODEL_REPO, ".dockerignore": ".git\n"})
    dockerfile = "FROM python:3.11 AS build\nCOPY . .\nFROM python:3.11-slim\nCOPY --from=build /x /x\n"
    assert lint_context(tmp_path, dockerfile, "ML802") == []


def test_git_not_named_when_the_build_runs_git_on_the_copied_tree(tmp_path):
    files = {"serve.py": "", ".git/objects/p.pack": 30 * MiB, "env/pyvenv.cfg": "", "env/lib/x.so": 3 * MiB}
    make(tmp_path, {**files, ".dockerignore": "*.md\n"})
    dockerfile = "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN git rev-parse HEAD > REVISION\n"
    (finding,) = lint_context(tmp_path, dockerfile, "ML802")
    assert "`env/` (3.0 MiB)" in finding.message and ".git" not in finding.message
    shutil.rmtree(tmp_path / "env")
    assert lint_context(tmp_path, dockerfile, "ML802") == []  # `.git` alone: nothing to report
    # the same context without git in the build: `.git` is reported
    (finding,) = lint_context(tmp_path, dockerfile.replace("git rev-parse HEAD", "echo 1"), "ML802")
    assert "`.git/` (30.0 MiB)" in finding.message


def test_package_data_beside_an_init_is_source_not_an_artifact(tmp_path):
    """roboflow/inference ships a 1.3 MiB `bpe_simple_vocab_16e6.txt.gz` inside its Python package: the code
    reads it at run time, so excluding it (the advice) would break the image."""
    files = {
        "serve.py": "",
        ".dockerignore": "*.md\n",
        "inference/models/encoder/__init__.py": "",
        "inference/models/encoder/bpe_simple_vocab_16e6.txt.gz": 2 * MiB,
        "exports/model.onnx": 300 * MiB,
        "inference/models/encoder/weights.safetensors": 80 * MiB,  # over the size threshold: reported anyway
    }
    make(tmp_path, files)
    (finding,) = lint_context(tmp_path, APP, "ML802")
    assert "bpe_simple_vocab" not in finding.message
    assert "`exports/model.onnx`" in finding.message and "weights.safetensors" in finding.message


def test_an_allowlist_ignore_file_chose_what_is_sent(tmp_path):
    """InvokeAI's `.dockerignore` is `*` then `!invokeai`: a 2 MiB `tokenizer.json.gz` inside was sent on
    purpose (the code loads it). Only a file over the size threshold is still worth a word."""
    files = {
        ".dockerignore": "*\n!app\n",
        "app/tok.json.gz": 2 * MiB,
        "app/main.py": "",
    }
    make(tmp_path, files)
    dockerfile = 'FROM python:3.12-slim\nCOPY app /app\nCMD ["python", "/app/main.py"]\n'
    assert lint_context(tmp_path, dockerfile, "ML802") == []
    make(tmp_path, {"app/weights.safetensors": 80 * MiB})
    (finding,) = lint_context(tmp_path, dockerfile, "ML802")
    assert "weights.safetensors" in finding.message and "tok.json.gz" not in finding.message
