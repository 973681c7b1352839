"""The command line: paths, formats, selection, exit codes and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dockerlint_ml.cli import main

BAD = "FROM python:3.11-slim\nRUN pip install torch==2.3.1\n"
GOOD = "FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.3.1\n"


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return exited.value.code, out, err


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_findings_exit_1_with_self_contained_lines(capsys, project):
    write(project / "Dockerfile", BAD)
    code, out, err = run(capsys, "--select", "ML206", "Dockerfile")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("Dockerfile:2:5: ML206 [warning] pip install keeps its cache")
    assert lines[-2:] == ["1 warning in 1 file.", "[*] 1 fixable with --fix."]
    assert err == ""


def test_clean_file_exit_0(capsys, project):
    write(project / "Dockerfile", GOOD)
    code, out, _ = run(capsys, "--select", "ML206", "Dockerfile")
    assert code == 0
    assert out == "No problems found in 1 file.\n"


def test_fail_on_threshold(capsys, project):
    write(project / "Dockerfile", BAD)
    assert run(capsys, "--select", "ML206", "--fail-on", "error", "Dockerfile")[0] == 0
    assert run(capsys, "--select", "ML206", "--fail-on", "never", "Dockerfile")[0] == 0
    assert run(capsys, "--select", "ML206", "--fail-on", "info", "Dockerfile")[0] == 1


def test_severity_override_and_min_severity(capsys, project):
    write(project / "Dockerfile", BAD)
    code, out, _ = run(capsys, "--select", "ML206", "--severity", "ML206=error", "Dockerfile")
    assert "[error]" in out and code == 1
    code, out, _ = run(
        capsys, "--select", "ML206", "--severity", "ML206=info", "--min-severity", "warning", "Dockerfile"
    )
    assert "ML206" not in out and code == 0


def test_missing_file_is_one_line_error_and_others_still_linted(capsys, project):
    write(project / "Dockerfile", BAD)
    code, out, err = run(capsys, "--select", "ML206", "missing.Dockerfile", "Dockerfile")
    assert code == 2
    assert err == "mllint: error: missing.Dockerfile: no such file or directory\n"
    assert "Dockerfile:2:5: ML206" in out


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"FROM a\x00b\n", "binary file"),
        (b"FROM a\nRUN \xff\n", "not valid UTF-8"),
    ],
)
def test_unreadable_content(capsys, project, content, reason):
    (project / "Dockerfile").write_bytes(content)
    code, _, err = run(capsys, "Dockerfile")
    assert code == 2
    assert err.startswith("mllint: error: Dockerfile: ") and reason in err
    assert err.count("\n") == 1


def test_directory_is_searched_case_insensitively(capsys, project):
    for name in ("Dockerfile", "svc/Dockerfile.gpu", "svc/app.dockerfile", "x/Containerfile", "y/dockerfile"):
        write(project / name, BAD)
    write(project / "node_modules/pkg/Dockerfile", BAD)
    write(project / "README.md", "not a dockerfile")
    code, out, _ = run(capsys, "--select", "ML206", "--quiet")
    paths = sorted(line.split(":")[0] for line in out.splitlines())
    assert paths == sorted(
        ["Dockerfile", "svc/Dockerfile.gpu", "svc/app.dockerfile", "x/Containerfile", "y/dockerfile"]
    )
    assert code == 1


def test_directory_without_dockerfiles(capsys, project):
    (project / "empty").mkdir()
    code, _, err = run(capsys, "empty")
    assert code == 2 and "no Dockerfiles found" in err


def test_stdin_with_filename(capsys, project, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BAD.encode())))
    code, out, _ = run(capsys, "--select", "ML206", "--stdin-filename", "svc/Dockerfile", "-")
    assert code == 1 and out.startswith("svc/Dockerfile:2:5: ML206")


def test_json_output_shape(capsys, project):
    write(project / "Dockerfile", BAD)
    code, out, _ = run(capsys, "--select", "ML206", "--format", "json", "Dockerfile", "nope")
    data = json.loads(out)
    assert code == 2
    assert data["errors"] == [{"path": "nope", "message": "no such file or directory"}]
    finding = data["findings"][0]
    assert {k: finding[k] for k in ("path", "line", "column", "end_line", "end_column", "rule", "severity")} == {
        "path": "Dockerfile",
        "line": 2,
        "column": 5,
        "end_line": 2,
        "end_column": 29,
        "rule": "ML206",
        "severity": "warning",
    }
    assert finding["name"] == "pip-cache-kept" and finding["stage"] == "0"


def test_output_file(capsys, project):
    write(project / "Dockerfile", BAD)
    code, out, _ = run(capsys, "--select", "ML206", "--output", "report.txt", "Dockerfile")
    assert code == 1 and out == ""
    assert "ML206" in (project / "report.txt").read_text()


def test_show_source_adds_caret(capsys, project):
    write(project / "Dockerfile", BAD)
    _, out, _ = run(capsys, "--select", "ML206", "--show-source", "Dockerfile")
    lines = out.splitlines()
    assert lines[1] == "    RUN pip install torch==2.3.1"
    assert lines[2] == "        " + "^" * 24


def test_usage_errors_are_one_line(capsys, project):
    code, out, err = run(capsys, "--bogus")
    assert out == ""
    assert code == 2 and err.startswith("mllint: error: ") and err.count("\n") == 1
    code, _, err = run(capsys, "--select", "XX9")
    assert code == 2 and "matches no rule" in err
    code, _, err = run(capsys, "--severity", "ML206=loud")
    assert code == 2 and "ID=LEVEL" in err


@pytest.mark.parametrize("context", ["missing-dir", "Dockerfile"])
def test_context_must_be_an_existing_directory(capsys, project, context):
    # a typo in --context used to lint with no context at all and print "No problems found"
    write(project / "Dockerfile", "FROM python:3.11-slim\nCOPY . .\n")
    code, out, err = run(capsys, "--isolated", "--select", "ML8", "--context", context, "Dockerfile")
    assert code == 2 and out == ""
    assert err.startswith("mllint: error: ") and "--context" in err and err.count("\n") == 1


def test_target_selects_final_stage(capsys, project):
    write(project / "Dockerfile", "FROM python:3.11-slim AS build\nRUN pip install x==1\nFROM python:3.11-slim\n")
    assert run(capsys, "--select", "ML206", "Dockerfile")[0] == 0
    assert run(capsys, "--select", "ML206", "--target", "build", "Dockerfile")[0] == 1
    code, _, err = run(capsys, "--target", "nope", "Dockerfile")
    assert code == 2 and "no such stage" in err


def test_list_rules_and_explain(capsys, project):
    code, out, _ = run(capsys, "--list-rules", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and {"ML001", "ML206"} <= {row["id"] for row in rows}
    code, out, _ = run(capsys, "--explain", "ml206")
    assert code == 0 and out.startswith("# ML206 pip-cache-kept")
    assert run(capsys, "--explain", "ML999")[0] == 2


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("mllint ")


def test_no_color_unless_tty(capsys, project):
    write(project / "Dockerfile", BAD)
    _, out, _ = run(capsys, "--select", "ML206", "Dockerfile")
    assert "\x1b[" not in out


def test_module_entry_point_runs(tmp_path):
    (tmp_path / "Dockerfile").write_text(BAD)
    done = subprocess.run(
        [sys.executable, "-m", "dockerlint_ml", "--select", "ML206", "Dockerfile"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    assert done.returncode == 1 and "ML206" in done.stdout


def test_directory_search_leaves_templates_out(capsys, project):
    write(project / "docker" / "Dockerfile.j2", "FROM {{ base }}\n")
    write(project / "docker" / "Dockerfile-uv.jinja", "FROM {{ base }}\n")
    write(project / "docker" / "Dockerfile", "FROM python:3.12-slim\n")
    _, out, _ = run(capsys, "--isolated", "docker")
    assert "jinja" not in out and ".j2" not in out and "ML001" not in out


def test_directory_search_leaves_out_files_only_named_like_dockerfiles(capsys, project):
    """tensorflow/serving keeps `dockerfile_test.sh` scripts next to its Dockerfiles; Docker reads
    `Dockerfile.dockerignore`: linting either was a run of false ML001 errors."""
    write(project / "docker" / "tests" / "dockerfile_devel_test.sh", "#!/bin/bash\ndeclare -r X=1\nsource a.sh\n")
    write(project / "docker" / "Dockerfile.dockerignore", "*.pyc\n.git\n")
    write(project / "docker" / "dockerfile_utils.py", "import os\n")
    write(project / "docker" / "Dockerfile.cpp", "FROM python:3.12-slim\nUSER 1000\n")
    code, out, _ = run(capsys, "--isolated", "--select", "ML001", "docker")
    assert code == 0 and out == "No problems found in 1 file.\n"
