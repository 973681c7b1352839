"""mllint executes nothing, fetches nothing and writes nothing but the ``--output`` file.

The CLI runs in-process on the realistic fixtures with process creation and sockets replaced by functions
that raise, and a ``sys.addaudithook`` hook records every file opened for writing, every exec/spawn and
every socket connect while it runs.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from dockerlint_ml.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "realistic"
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_FORBIDDEN_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork")
_FORBIDDEN_EVENTS += ("socket.connect", "socket.getaddrinfo", "urllib.Request", "ctypes.dlopen")
_recording: list[tuple[str, str]] | None = None
_scanned: list[str] = []


def _audit(event: str, args: tuple) -> None:
    if _recording is None:
        return
    if event == "open" and args:
        path, mode, flags = [*args, None, None][:3]
        writing = any(c in mode for c in "wax+") if isinstance(mode, str) else bool((flags or 0) & _WRITE_FLAGS)
        if writing:
            _recording.append(("write", os.fsdecode(path) if isinstance(path, (str, bytes)) else repr(path)))
    elif event.startswith(_FORBIDDEN_EVENTS):
        _recording.append((event, repr(args)[:200]))
    elif event in ("os.scandir", "os.listdir") and args:  # directory reads (the build-context walk)
        _scanned.append(os.fsdecode(args[0]) if isinstance(args[0], (str, bytes)) else repr(args[0]))


sys.addaudithook(_audit)  # hooks cannot be removed; it records only while `_recording` is a list


class Forbidden(AssertionError):
    pass


def _refuse(*args: object, **kwargs: object) -> None:
    raise Forbidden(f"mllint tried to run or connect: {args!r}")


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A working directory holding copies of the realistic fixtures, with exec and network refused."""
    global _recording
    for fixture in FIXTURES.glob("*.Dockerfile"):
        shutil.copy(fixture, tmp_path / fixture.name)
    (tmp_path / "requirements.txt").write_text("torch==2.3.1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # importing a report module must not write .pyc
    for name in ("socket", "create_connection", "getaddrinfo"):
        monkeypatch.setattr(socket, name, _refuse)
    monkeypatch.setattr(subprocess, "Popen", _refuse)
    for name in ("system", "popen", "execv", "execve", "execvp", "fork", "posix_spawn", "spawnv"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, _refuse)
    before = sorted(p.name for p in tmp_path.iterdir())
    _recording = []
    yield tmp_path, before
    _recording = None


def mllint(capsys, *args: str) -> int:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "Forbidden" not in out + err
    return exited.value.code


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "text", "--show-source"),
        ("--format", "json"),
        ("--format", "sarif"),
        ("--format", "github"),
        ("--format", "gitlab"),
        ("--facts",),
        ("--facts", "--format", "json"),
        ("--diff",),
        ("--diff", "--unsafe-fixes"),
        ("--warn-unused-ignores", "--extend-select", "ML"),
    ],
    ids=lambda args: " ".join(args),
)
def test_lint_runs_nothing_fetches_nothing_writes_nothing(capsys, sandbox, monkeypatch, args):
    directory, before = sandbox
    stdin = (FIXTURES / "torch-gpu-bad.Dockerfile").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = mllint(capsys, *args, ".", "-")  # `-` too: standard input is read, never written
    assert code in (0, 1)
    assert _recording == []
    assert sorted(p.name for p in directory.iterdir()) == before


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "gitlab"])
def test_output_writes_exactly_one_file(capsys, sandbox, output_format):
    directory, before = sandbox
    (directory / "out").mkdir()
    before = sorted([*before, "out"])
    global _recording
    _recording = []
    code = mllint(capsys, "--format", output_format, "--output", "out/report.txt", ".")
    assert code in (0, 1)
    assert sorted(p.name for p in directory.iterdir()) == before
    assert [p.name for p in (directory / "out").iterdir()] == ["report.txt"]
    assert (directory / "out/report.txt").stat().st_size > 0
    writes = [path for event, path in _recording if event == "write"]
    assert [os.path.realpath(p) for p in writes] == [os.path.realpath(directory / "out/report.txt")]
    assert [event for event, _ in _recording if event != "write"] == []


def test_the_sandbox_notices(sandbox):
    """Negative control: the hook and the patches do catch a write, a process and a connection."""
    directory, _ = sandbox
    with open(directory / "x.txt", "w") as handle:
        handle.write("x")
    assert _recording == [("write", str(directory / "x.txt"))]
    with pytest.raises(Forbidden):
        subprocess.run(["true"])
    with pytest.raises(Forbidden):
        socket.create_connection(("example.com", 80))
    with pytest.raises(Forbidden):
        os.system("true")


def test_context_walk_stays_inside_and_writes_nothing(capsys, sandbox):
    """ML8xx walk a build context: with a symlink to `/` in it, an excluded data directory and a `.env`,
    every directory listed is inside the context and nothing is written (the ML801 fix is only a diff)."""
    directory, _ = sandbox
    context = directory / "ctx"
    (context / "data").mkdir(parents=True)
    (context / "data" / "x.parquet").write_bytes(b"0" * 10)
    (context / ".env").write_text("A=1\n")
    (context / "app.py").write_text("")
    os.symlink("/", context / "slash")
    dockerfile = directory / "ctx.Dockerfile"
    dockerfile.write_text("FROM python:3.11-slim\nCOPY data/ /data/\nCOPY . .\n")
    before = sorted(p.name for p in context.iterdir())
    global _recording
    _recording = []
    _scanned.clear()
    for args in (("--diff", "--unsafe-fixes"), ("--facts",), ()):
        code = mllint(capsys, "--isolated", "--select", "ML8", *args, "--context", str(context), str(dockerfile))
        assert code in (0, 1)
    assert _recording == []
    assert sorted(p.name for p in context.iterdir()) == before
    _recording = None
    (context / ".dockerignore").write_text("data\n")
    _recording = []
    assert mllint(capsys, "--isolated", "--select", "ML8", "--context", str(context), str(dockerfile)) == 1
    assert _recording == []
    root = os.path.realpath(context)
    assert _scanned and all(os.path.realpath(p).startswith(root) for p in _scanned), _scanned
