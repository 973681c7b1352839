"""Hostile and broken input: every case has one documented behaviour (README, "Bad input").

An input that cannot be read as a Dockerfile is one line on stderr, ``mllint: error: PATH: reason``, the
other inputs of the same run are still linted and reported, and the exit code is 2. Input that *is* text is
always linted: syntax problems are ML001 findings, never errors, tracebacks or hangs.
"""

from __future__ import annotations

import os
import re
import time

import pytest

from dockerlint_ml.files import MAX_FILE_BYTES

from .test_cli import BAD, run, write

ERROR_LINE = re.compile(r"^mllint: error: (?P<path>.+?): (?P<reason>[^\n]+)$")


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    write(tmp_path / "Dockerfile", BAD)  # a good neighbour: it must still be linted
    return tmp_path


def lint_with_neighbour(capsys, path: str, *extra: str) -> tuple[int, str, str]:
    """Lint ``path`` next to ./Dockerfile (one ML206 finding); the neighbour's finding must be reported."""
    code, out, err = run(capsys, "--select", "ML001,ML206", *extra, path, "Dockerfile")
    assert "Traceback" not in out + err
    assert "Dockerfile:2:5: ML206" in out, out
    return code, out, err


def one_error(err: str, path: str) -> str:
    """The reason of the single one-line error about ``path``."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    match = ERROR_LINE.match(lines[0])
    assert match and match["path"] == path, err
    return match["reason"]


# ---------------------------------------------------------------------------------------------------------
# Inputs that cannot be read: one line, exit 2, the others still linted


def test_missing_path(capsys, project):
    code, _, err = lint_with_neighbour(capsys, "nope/Dockerfile")
    assert code == 2 and one_error(err, "nope/Dockerfile") == "no such file or directory"


def test_broken_symlink_is_missing(capsys, project):
    os.symlink(project / "gone", project / "Dockerfile.link")
    code, _, err = lint_with_neighbour(capsys, "Dockerfile.link")
    assert code == 2 and one_error(err, "Dockerfile.link") == "no such file or directory"


def test_unreadable_file(capsys, project):
    path = write(project / "secret.Dockerfile", BAD)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: mode 000 does not stop reading")
        code, _, err = lint_with_neighbour(capsys, "secret.Dockerfile")
        assert code == 2 and one_error(err, "secret.Dockerfile") == "permission denied"
    finally:
        path.chmod(0o644)


def test_directory_without_dockerfiles(capsys, project):
    write(project / "src/app.py", "print('hi')\n")
    code, _, err = lint_with_neighbour(capsys, "src")
    assert code == 2 and one_error(err, "src") == "no Dockerfiles found in this directory"


def test_binary_file(capsys, project):
    (project / "blob.Dockerfile").write_bytes(b"FROM x\n\x00\x01\x02\xff")
    code, _, err = lint_with_neighbour(capsys, "blob.Dockerfile")
    assert code == 2 and one_error(err, "blob.Dockerfile") == "binary file (contains NUL bytes), not a Dockerfile"


def test_invalid_utf8(capsys, project):
    (project / "latin1.Dockerfile").write_bytes("FROM python\nLABEL author=Jürgen\n".encode("latin-1"))
    code, _, err = lint_with_neighbour(capsys, "latin1.Dockerfile")
    assert code == 2 and one_error(err, "latin1.Dockerfile") == "not valid UTF-8 (byte 26)"


def test_file_over_the_size_limit(capsys, project):
    """The per-file guard: more than 10 MiB is refused from its size alone (a sparse file: nothing is read)."""
    with open(project / "huge.Dockerfile", "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    code, _, err = lint_with_neighbour(capsys, "huge.Dockerfile")
    assert code == 2
    assert one_error(err, "huge.Dockerfile") == "file is too large (10 MiB; the limit is 10 MiB)"


def test_stdin_over_the_size_limit(capsys, project, monkeypatch):
    import io
    import sys

    data = b"FROM python:3.11\n" + b"#" * MAX_FILE_BYTES
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, _, err = lint_with_neighbour(capsys, "-")
    assert code == 2 and one_error(err, "-") == "file is too large (10 MiB; the limit is 10 MiB)"


def test_fifo_is_refused_without_opening_it(capsys, project):
    """Opening a FIFO with no writer blocks forever: the reader checks the file type first."""
    os.mkfifo(project / "pipe.Dockerfile")
    started = time.monotonic()
    code, _, err = lint_with_neighbour(capsys, "pipe.Dockerfile")
    assert time.monotonic() - started < 5
    assert code == 2 and one_error(err, "pipe.Dockerfile") == "not a regular file (FIFO, socket or device)"


def test_fifo_found_by_the_directory_walk(capsys, project):
    os.mkfifo(project / "svc-Dockerfile")  # not a Dockerfile name: skipped
    (project / "svc").mkdir()
    os.mkfifo(project / "svc/Dockerfile")  # a Dockerfile name: found, then refused
    code, _, err = lint_with_neighbour(capsys, "svc")
    assert code == 2 and one_error(err, "svc/Dockerfile") == "not a regular file (FIFO, socket or device)"


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_device_path(capsys, project, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    code, _, err = lint_with_neighbour(capsys, device)
    assert code == 2 and one_error(err, device) == "not a regular file (FIFO, socket or device)"


def test_symlink_loops_are_not_followed(capsys, project):
    (project / "svc").mkdir()
    write(project / "svc/Dockerfile", BAD)
    os.symlink(project / "svc", project / "svc/loop")  # svc/loop -> svc
    os.symlink("..", project / "svc/up")  # svc/up -> .
    os.symlink(project / "svc/Dockerfile", project / "svc/Dockerfile.again")  # a symlinked file is linted
    os.symlink("self.Dockerfile", project / "svc/self.Dockerfile")  # a file link to itself
    code, out, err = run(capsys, "--select", "ML206", "svc")
    assert code == 2
    assert one_error(err, "svc/self.Dockerfile") == "Too many levels of symbolic links"
    assert [line.split(":")[0] for line in out.splitlines() if "ML206" in line] == [
        "svc/Dockerfile",
        "svc/Dockerfile.again",
    ]


def test_many_errors_are_one_line_each_in_input_order(capsys, project):
    (project / "blob.Dockerfile").write_bytes(b"\x00")
    code, out, err = run(capsys, "--select", "ML206", "missing", "blob.Dockerfile", "Dockerfile")
    assert code == 2
    assert err.splitlines() == [
        "mllint: error: missing: no such file or directory",
        "mllint: error: blob.Dockerfile: binary file (contains NUL bytes), not a Dockerfile",
    ]
    assert "Dockerfile:2:5: ML206" in out


# ---------------------------------------------------------------------------------------------------------
# Text that is linted: no error line; syntax problems are ML001 findings


def lint_one(capsys, project, data: bytes, *extra: str) -> tuple[int, list[str], str]:
    (project / "case.Dockerfile").write_bytes(data)
    code, out, err = run(capsys, "--isolated", "-q", *extra, "case.Dockerfile")
    assert err == "" and "Traceback" not in out
    return code, [line for line in out.splitlines() if line.startswith("case.Dockerfile:")], out


def test_utf8_bom_is_skipped(capsys, project):
    code, lines, _ = lint_one(capsys, project, b"\xef\xbb\xbf" + BAD.encode(), "--select", "ML001,ML206")
    assert (
        code == 1
        and lines == [line for line in lines if "ML206" in line]
        and lines[0].startswith("case.Dockerfile:2:5: ML206")
    )


def test_cr_only_line_endings(capsys, project):
    code, lines, _ = lint_one(capsys, project, BAD.replace("\n", "\r").encode(), "--select", "ML001,ML206")
    assert code == 1 and len(lines) == 1 and lines[0].startswith("case.Dockerfile:2:5: ML206")


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", b"# just a comment\n# syntax=docker/dockerfile:1\n"])
def test_empty_or_comments_only_is_clean(capsys, project, data):
    """Like hadolint: a file without instructions has nothing to lint (exit 0), it is not an input error."""
    code, lines, out = lint_one(capsys, project, data)
    assert code == 0 and lines == [] and out == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"RUN echo hi\n", "1:1: ML001 [error] no FROM instruction: a Dockerfile must start a stage"),
        (b"FROM python:3.11\nFROB x\n", "2:1: ML001 [error] unknown instruction `FROB`: check the spelling"),
        (b"FROM python:3.11\nRUN <<EOF\necho\n", "2:1: ML001 [error] unterminated heredoc <<EOF: add a line `EOF`"),
        (b'FROM python:3.11\nCMD ["a", "b"\n', "2:1: ML001 [error] CMD looks like exec form but is not a valid"),
        (b"FROM python:3.11\nCMD ['python']\n", "2:1: ML001 [error] CMD looks like exec form but is not a valid"),
    ],
    ids=["no-from", "unknown-instruction", "unterminated-heredoc", "unterminated-json", "single-quoted-json"],
)
def test_syntax_problems_are_ml001(capsys, project, data, message):
    code, lines, _ = lint_one(capsys, project, data, "--select", "ML001")
    assert code == 1 and any(line.startswith(f"case.Dockerfile:{message}") for line in lines), lines


@pytest.mark.parametrize(
    "data",
    [
        b"FROM python:3.11\nRUN echo 'no closing quote\n",
        b'FROM python:3.11\nRUN echo "no closing quote && pip install x\n',
        b"FROM python:3.11\nENV A='no closing quote\n",
        b"FROM python:3.11\nRUN pip install torch \\\n",  # continuation at end of file
        b"FROM python:3.11\nRUN pip install torch \\",
        b"FROM python:3.11\nRUN \\\n\n# only comments follow\n",
        b"FROM python:3.11\nRUN $(\n",
        b"FROM python:3.11\nRUN <<\n",
        b"FROM\nARG\nCOPY\nONBUILD\nHEALTHCHECK\n",
        b"\\\n\\\n\\",
        b"# escape=`\nFROM python:3.11\nRUN echo `\n",
    ],
)
def test_unterminated_text_is_linted(capsys, project, data):
    """Docker reads these (the shell may fail later at build time): linted, never an input error."""
    code, _, _ = lint_one(capsys, project, data)
    assert code in (0, 1)


def test_continuation_at_end_of_file_keeps_the_instruction(capsys, project):
    code, lines, _ = lint_one(capsys, project, b"FROM python:3.11\nRUN pip install torch \\\n", "--select", "ML206")
    assert code == 1 and lines[0].startswith("case.Dockerfile:2:5: ML206")


# ---------------------------------------------------------------------------------------------------------
# Big inputs: linear time, every one well under the 10 MiB guard. Timings on the 2-core dev box are in the
# comments (whole CLI run, all default rules).


def lint_big(capsys, project, data: bytes) -> tuple[int, list[str]]:
    assert len(data) < MAX_FILE_BYTES
    code, lines, _ = lint_one(capsys, project, data, "--select", "ML001,ML206,ML301,ML306")
    assert code in (0, 1)
    return code, lines


def test_two_megabyte_single_line(capsys, project):  # ~0.5 s
    data = b"FROM python:3.11\nRUN pip install " + b"x" * 2_000_000 + b" && echo " + b"y " * 10_000 + b"\n"
    _, lines = lint_big(capsys, project, data)
    assert any(line.startswith("case.Dockerfile:2:5: ML206") for line in lines)


def test_two_hundred_thousand_lines(capsys, project):  # ~5 s
    block = (
        b"# a comment\n\nRUN apt-get update && \\\n  # inside\n\n  pip install --no-cache-dir torch==2.3.1\n"
        b"LABEL org.example.a=b\nENV A=1 B=$A\nWORKDIR /app\nCOPY a /b/\n"
    )
    data = b"FROM python:3.11-slim\n" + block * 20_000 + b"RUN pip install x\n"
    assert data.count(b"\n") > 200_000
    _, lines = lint_big(capsys, project, data)
    assert lines[-1].startswith("case.Dockerfile:200002:5: ML206")


def test_fifty_thousand_continuation_lines(capsys, project):  # ~3 s
    """One RUN of 50 000 physical lines, a command every tenth line (rules that look at 'later commands'
    in the same RUN used to be quadratic here)."""
    lines_ = [b"  pkg%d \\\n" % i if i % 10 else b"  && apt-get install -y pkg%d \\\n" % i for i in range(50_000)]
    data = b"FROM python:3.11\nRUN apt-get update \\\n" + b"".join(lines_) + b"  && pip install torch\n"
    _, lines = lint_big(capsys, project, data)
    assert lines[-1].startswith("case.Dockerfile:50003:6: ML206")


def test_thousands_of_sh_c_in_one_run(capsys, project):  # ~2 s; was quadratic (150 s)
    data = b"FROM python:3.11\nRUN " + b" && ".join(b"sh -c 'curl -k https://x/y'" for _ in range(16_000)) + b"\n"
    _, lines = lint_big(capsys, project, data)
    assert sum("ML306" in line for line in lines) == 16_000  # one per command: every nested command was seen


def nested_sh_c(depth: int, script: str = "pip install torch") -> str:
    """``sh -c "$(sh -c "$(... pip install torch ...)")"``: each level is a real `sh -c` whose script runs the
    next level. Quotes inside ``$( )`` start afresh, so the text grows linearly (escaping a quoted script
    for another quoted level doubles the backslashes each time)."""
    for _ in range(depth):
        script = f'sh -c "$({script})"'
    return script


def test_two_hundred_nested_sh_c(capsys, project):  # ~0.05 s; was 2^depth (a hang)
    data = f"FROM python:3.11\nRUN {nested_sh_c(200)}\n".encode()
    _, lines = lint_big(capsys, project, data)
    assert len([line for line in lines if "ML206" in line]) == 1


def test_deeply_quoted_sh_c(capsys, project):
    """Literal nesting with escaped quotes (the size grows ~3x a level: cap at 12 levels, ~1 MB)."""
    import shlex

    script = "pip install torch"
    for _ in range(12):
        script = "sh -c " + shlex.quote(script)
    _, lines = lint_big(capsys, project, f"FROM python:3.11\nRUN {script}\n".encode())
    assert len([line for line in lines if "ML206" in line]) == 1


def test_thousands_of_git_clones_in_one_run(capsys, project):  # ~1 s; was quadratic
    data = b"FROM python:3.11\nRUN " + b" && \\\n  ".join(
        b"git clone https://github.com/a/b%d" % i for i in range(5_000)
    )
    code, _, _ = lint_one(capsys, project, data + b"\n", "--select", "ML701,ML305")
    assert code in (0, 1)


def test_deep_stage_chain(capsys, project):  # ~1 s for 500 stages
    data = b"FROM python:3.11 AS s0\n" + b"".join(
        b"FROM s%d AS s%d\nENV A%d=1\n" % (i - 1, i, i) for i in range(1, 500)
    )
    code, _, _ = lint_one(capsys, project, data)
    assert code in (0, 1)


def test_ordinary_text_never_has_nul_check_false_positive():
    """The binary check is about NUL bytes only: any other control character is text."""
    from dockerlint_ml.parse import parse_bytes

    dockerfile = parse_bytes(b"FROM python:3.11\nRUN echo \x01\x7f\x1b[0m\n")
    assert [i.keyword for i in dockerfile.instructions] == ["FROM", "RUN"]


def test_per_file_time_limit_turns_a_slow_file_into_an_error(capsys, project):
    # 60 000 ENV lines take about a second here; a 0.05 s limit must give up on that file only
    write(project / "slow.Dockerfile", "FROM python:3.11-slim\n" + "".join(f"ENV V{i}={i}\n" for i in range(60_000)))
    code, out, err = lint_with_neighbour(capsys, "slow.Dockerfile", "--timeout", "0.05")
    assert code == 2
    message = one_error(err, "slow.Dockerfile")
    assert message.startswith("gave up after 0.05 s") and "--timeout" in message
    assert "Dockerfile:2:5: ML206" in out  # the neighbour was still linted
