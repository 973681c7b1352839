"""The entry point: a plain ``mllint FILE…`` skips click and runs ``app.execute`` with the default options;
everything else goes through the click command. Both must behave the same, and the console script must end
the process cleanly (flushed output, right exit code) although it exits hard."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from dockerlint_ml import cli
from dockerlint_ml.app import Options
from dockerlint_ml.cli import plain_paths, run
from dockerlint_ml.command import command

from .conftest import ROOT

FIXTURES = sorted(path for path in (ROOT / "fixtures").rglob("*") if path.is_file())


@pytest.mark.parametrize(
    ("args", "plain"),
    [
        (["Dockerfile"], True),
        (["a/Dockerfile", "b/Dockerfile.gpu", "dir"], True),
        ([], False),  # the current directory is searched: click's default
        (["-"], False),  # standard input
        (["--", "Dockerfile"], False),
        (["Dockerfile", "--select", "ML2"], False),
        (["-q", "Dockerfile"], False),
        (["Dockerfile", ""], False),
        (["--version"], False),
    ],
)
def test_only_plain_paths_skip_click(args, plain):
    assert plain_paths(args) is plain


def test_options_defaults_are_the_click_defaults():
    """The plain path uses ``Options()``: its defaults must be what click would pass for an empty command line."""
    parsed = command.make_context("mllint", [], resilient_parsing=False)
    for name, value in parsed.params.items():
        assert getattr(Options(), name) == value, name
    assert set(parsed.params) == set(Options.__annotations__)


def test_options_reject_an_unknown_option():
    with pytest.raises(TypeError, match="no option"):
        Options(("Dockerfile",), colour=True)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda path: str(path.relative_to(ROOT / "fixtures")))
def test_plain_path_and_click_agree_on_every_fixture(capsys, monkeypatch, fixture):
    monkeypatch.chdir(fixture.parent)
    fast = run([fixture.name]), capsys.readouterr()
    assert fast == through_click(monkeypatch, capsys, [fixture.name])


def through_click(monkeypatch, capsys, args: list[str]) -> tuple:
    """What ``run(args)`` gives when the plain path is not taken."""
    with monkeypatch.context() as patch:
        patch.setattr(cli, "plain_paths", lambda _args: False)
        return run(args), capsys.readouterr()


def test_plain_path_errors_are_one_line_like_click(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text("FROM python:3.11-slim\n", encoding="utf-8")
    (tmp_path / ".mllint.toml").write_text("select = 3\n", encoding="utf-8")
    fast = run(["Dockerfile"]), capsys.readouterr()
    assert fast == through_click(monkeypatch, capsys, ["Dockerfile"])
    assert fast[0] == 2 and fast[1].err.startswith("mllint: error: ") and fast[1].err.count("\n") == 1


def test_click_is_not_imported_on_the_plain_path(tmp_path):
    probe = "import sys; from dockerlint_ml.cli import run; run(sys.argv[1:]); print('click' in sys.modules)"
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\n", encoding="utf-8")
    plain = subprocess.run([sys.executable, "-c", probe, "Dockerfile"], cwd=tmp_path, capture_output=True, text=True)
    parsed = subprocess.run(
        [sys.executable, "-c", probe, "-q", "Dockerfile"], cwd=tmp_path, capture_output=True, text=True
    )
    assert plain.stdout.splitlines()[-1] == "False"
    assert parsed.stdout.splitlines()[-1] == "True"


def console(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dockerlint_ml", *args], cwd=cwd, capture_output=True, text=True)


def test_console_script_flushes_its_report_before_the_hard_exit(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nRUN pip install torch==2.3.1\n", encoding="utf-8")
    done = console("Dockerfile", cwd=tmp_path)
    assert done.returncode == 1
    assert "ML206" in done.stdout and done.stdout.endswith("fixable with --fix.\n")
    report = json.loads(console("--select", "ML206", "--format", "json", "Dockerfile", cwd=tmp_path).stdout)
    assert [finding["line"] for finding in report["findings"]] == [2]


def test_console_script_exit_codes_and_errors(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nUSER 1000\n", encoding="utf-8")
    assert console("--select", "ML206", "Dockerfile", cwd=tmp_path).returncode == 0
    missing = console("missing/Dockerfile", cwd=tmp_path)
    assert missing.returncode == 2 and missing.stderr.startswith("mllint: error: missing/Dockerfile")
    bad_option = console("--no-such-option", cwd=tmp_path)
    assert bad_option.returncode == 2 and "Traceback" not in bad_option.stderr


def test_console_script_survives_a_reader_that_goes_away(tmp_path):
    """``mllint … | head -1``: the pipe closes early; no traceback, no hang."""
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\n" + "RUN pip install torch\n" * 3000, encoding="utf-8")
    reader = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    done = subprocess.run(
        [sys.executable, "-m", "dockerlint_ml", "Dockerfile"], cwd=tmp_path, stdout=reader.stdin, stderr=subprocess.PIPE
    )
    reader.stdin.close()
    reader.wait()
    assert "Traceback" not in done.stderr.decode()
    assert done.returncode in (1, 120)


def test_the_click_command_is_the_documented_interface():
    assert isinstance(command, click.Command)
    names = {option for param in command.params for option in param.opts}
    assert {"--select", "--fix", "--lsp", "--format"} <= names


def test_time_limit_interrupts_and_restores_the_previous_handler():
    import signal
    import threading
    import time

    from dockerlint_ml.batch import FileTimeout, TimeLimit

    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(FileTimeout), TimeLimit(0.05):
        time.sleep(2)
    assert signal.getsignal(signal.SIGALRM) == before
    with TimeLimit(5):
        pass
    assert signal.getsignal(signal.SIGALRM) == before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)

    outcome = []

    def in_a_thread():  # no SIGALRM outside the main thread: the work runs without a limit
        with TimeLimit(0.01):
            time.sleep(0.05)
        outcome.append("done")

    worker = threading.Thread(target=in_a_thread)
    worker.start()
    worker.join()
    assert outcome == ["done"]
