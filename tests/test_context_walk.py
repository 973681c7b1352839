"""The bounded, confined walk of the build context (BuildContext.walk)."""

from __future__ import annotations

import os
import time

from dockerlint_ml.context import BuildContext

from .rules.context.helpers import GiB, make


def test_walk_prunes_excluded_directories_and_keeps_sizes(tmp_path):
    make(tmp_path, {"a.py": "x", "data/1.bin": 10, "data/keep.csv": "k", "w/big.pt": 5 * GiB})
    make(tmp_path, {".dockerignore": "data\n"})
    walk = BuildContext(tmp_path).walk()
    assert dict(walk.files) == {"a.py": 1, "w/big.pt": 5 * GiB, ".dockerignore": 5}
    assert not walk.partial and walk.ignore_label == ".dockerignore"
    make(tmp_path, {".dockerignore": "data\n!data/keep.csv\n"})
    assert "data/keep.csv" in dict(BuildContext(tmp_path).walk().files)


def test_walk_never_follows_symlinks_nor_leaves(tmp_path):
    make(tmp_path, {"a.py": ""})
    os.symlink("/", tmp_path / "root")
    os.symlink("/etc/passwd", tmp_path / "passwd")
    walk = BuildContext(tmp_path).walk()
    assert {path for path, _ in walk.files} == {"a.py", "root", "passwd"}
    assert walk.dirs == []


def test_huge_context_with_a_symlink_to_root_is_bounded(tmp_path):
    for d in range(60):
        directory = tmp_path / f"d{d}"
        directory.mkdir()
        for f in range(1000):
            (directory / f"{f}.txt").touch()
    os.symlink("/", tmp_path / "slash")
    start = time.monotonic()
    walk = BuildContext(tmp_path).walk()
    assert time.monotonic() - start < 2.0
    assert len(walk.files) == 60_001 and not walk.partial
    start = time.monotonic()
    limited = BuildContext(tmp_path).walk(max_entries=5_000)
    assert limited.partial and limited.walked == 5_001 and time.monotonic() - start < 1.0


def test_walk_is_cached_and_time_bounded(tmp_path):
    make(tmp_path, {f"{i}.txt": "" for i in range(3000)})
    context = BuildContext(tmp_path)
    assert context.walk() is context.walk()
    assert context.walk(max_seconds=0.0).partial


def test_unreadable_or_malformed(tmp_path):
    assert BuildContext(tmp_path / "missing").walk() is None
    make(tmp_path, {".dockerignore": "[\n"})
    assert BuildContext(tmp_path).walk() is None  # Docker refuses such a file: unknown


def test_glob_and_kind(tmp_path):
    make(tmp_path, {"m/a.onnx": "", "m/b.json": "", "x.txt": ""})
    os.symlink(tmp_path / "m", tmp_path / "link")
    context = BuildContext(tmp_path)
    assert context.glob("m/*.onnx") == ["m/a.onnx"]
    assert context.glob("link/*") == []  # never through a symlink
    assert context.glob("../*") == []
    assert context.kind("m") == "dir" and context.kind("link") == "other" and context.kind("nope") is None


def test_a_pool_walks_a_shared_context_once(tmp_path, monkeypatch):
    """1 000 Dockerfiles in one directory share one context: it is walked once per run, not once per file."""
    from dockerlint_ml.context import BuildContext, ContextPool

    for index in range(3):
        (tmp_path / f"Dockerfile.{index}").write_text("FROM scratch\nCOPY . /\n")
    walked: list[str] = []
    real = BuildContext._walk

    def counting(self, *args):
        walked.append(str(self.root))
        return real(self, *args)

    monkeypatch.setattr(BuildContext, "_walk", counting)
    pool = ContextPool()
    first, second = pool.context(tmp_path), pool.context(tmp_path)
    assert first is not second  # each Dockerfile keeps its own object (its `choice`)
    assert first.walk().files == second.walk().files
    assert walked == [str(tmp_path.resolve())]
    (tmp_path / ".dockerignore").write_text("*.tmp\n")
    pool = ContextPool()
    walks = [pool.context(tmp_path).walk(str(tmp_path / f"Dockerfile.{index}")) for index in range(3)]
    assert walks[0] is walks[1] is walks[2] and len(walked) == 2  # one walk through the shared .dockerignore
    ContextPool().context(tmp_path).walk()  # another run walks again
    assert len(walked) == 3
