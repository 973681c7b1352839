"""CI formats: GitHub Actions workflow commands and GitLab Code Quality JSON."""

from __future__ import annotations

import json
import re

import pytest

from dockerlint_ml.report.github import escape_data, escape_property

from .test_cli import BAD, run, write

COMMAND = re.compile(r"^::(error|warning|notice) ((?:[a-zA-Z]+=[^,:]*)(?:,[a-zA-Z]+=[^,:]*)*)::(.*)$")


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_github_commands_are_well_formed(capsys, project):
    write(project / "Dockerfile", BAD + "CMD ['python']\n")
    code, out, _ = run(capsys, "--format", "github", "--select", "ML001,ML206", "Dockerfile", "missing")
    assert code == 2
    lines = out.splitlines()
    for line in lines:
        assert COMMAND.match(line), line
    assert lines[0] == (
        "::warning file=Dockerfile,line=2,endLine=2,col=5,endColumn=29,title=ML206 pip-cache-kept::"
        "pip install keeps its cache in the image: add `--no-cache-dir` (or set `ENV PIP_NO_CACHE_DIR=1`, "
        "or use `RUN --mount=type=cache,target=/root/.cache/pip`)"
    )
    assert lines[1].startswith("::error file=Dockerfile,line=3,")
    assert lines[-1] == "::error file=missing::no such file or directory"


def test_github_escaping():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_info_maps_to_notice(capsys, project):
    write(project / "Dockerfile", BAD)
    _, out, _ = run(capsys, "--format", "github", "--select", "ML206", "--severity", "ML206=info", "Dockerfile")
    assert out.startswith("::notice ")


def test_gitlab_code_quality(capsys, project):
    write(project / "svc/Dockerfile", BAD)
    code, out, _ = run(capsys, "--format", "gitlab", "--select", "ML206", "svc/Dockerfile")
    issues = json.loads(out)
    assert code == 1 and len(issues) == 1
    issue = issues[0]
    assert issue["check_name"] == "ML206 pip-cache-kept"
    assert issue["severity"] == "major"
    assert issue["location"] == {"path": "svc/Dockerfile", "lines": {"begin": 2, "end": 2}}
    assert re.fullmatch(r"[0-9a-f]{32}:1", issue["fingerprint"])


def test_sarif_category_and_root(capsys, project):
    write(project / "svc/Dockerfile", BAD)
    _, out, _ = run(
        capsys,
        "--format",
        "sarif",
        "--sarif-category",
        "gpu-images",
        "--sarif-root",
        "svc",
        "--select",
        "ML206",
        "svc/Dockerfile",
    )
    log = json.loads(out)
    run_ = log["runs"][0]
    assert run_["automationDetails"]["id"] == "gpu-images"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]}
    assert uris == {"Dockerfile"}
