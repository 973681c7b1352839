"""Configuration: discovery upward, validation with one-line errors, CLI precedence."""

from __future__ import annotations

import pytest

from .test_cli import BAD, run, write


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "Dockerfile", BAD)
    return tmp_path


def test_pyproject_section_is_found_upward(capsys, project, monkeypatch):
    write(project / "pyproject.toml", '[tool.mllint]\nselect = ["ML206"]\nfail-on = "error"\n')
    (project / "sub").mkdir()
    monkeypatch.chdir(project / "sub")
    code, out, _ = run(capsys, "../Dockerfile")
    assert "ML206" in out and code == 0  # fail-on error from the config


def test_mllint_toml_wins_over_pyproject_in_same_directory(capsys, project):
    write(project / "pyproject.toml", '[tool.mllint]\nignore = ["ML206"]\n')
    write(project / ".mllint.toml", 'select = ["ML206"]\nseverity = { ML206 = "error" }\n')
    code, out, _ = run(capsys, "Dockerfile")
    assert "[error]" in out and code == 1


def test_pyproject_without_section_is_skipped(capsys, project):
    write(project / "pyproject.toml", "[project]\nname = 'x'\n")
    code, out, _ = run(capsys, "--select", "ML206", "Dockerfile")
    assert code == 1 and "ML206" in out


def test_cli_overrides_config(capsys, project):
    write(project / ".mllint.toml", 'select = ["ML001"]\nfail-on = "never"\n')
    code, out, _ = run(capsys, "--select", "ML206", "--fail-on", "warning", "Dockerfile")
    assert "ML206" in out and code == 1


def test_isolated_ignores_config(capsys, project):
    write(project / ".mllint.toml", 'select = ["ML001"]\n')
    code, out, _ = run(capsys, "--isolated", "--select", "ML206", "Dockerfile")
    assert "ML206" in out and code == 1


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('fail-on = "warnings"\n', ".mllint.toml: fail-on: Input should be 'error', 'warning', 'info' or 'never'"),
        ("colour = true\n", ".mllint.toml: colour: unknown key (allowed:"),
        ('select = ["XX1"]\n', ".mllint.toml: select: 'XX1' matches no rule"),
        ('[severity]\nML999 = "error"\n', ".mllint.toml: severity.ML999: no such rule"),
        ("[rules.ML206]\nfoo = 1\n", ".mllint.toml: rules.ML206.foo: unknown option (allowed: none)"),
        ("select = [", ".mllint.toml: invalid TOML"),
    ],
)
def test_bad_config_is_a_one_line_error(capsys, project, toml, expected):
    write(project / ".mllint.toml", toml)
    code, out, err = run(capsys, "Dockerfile")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and expected in err, err


def test_pyproject_error_names_the_table(capsys, project):
    write(project / "pyproject.toml", '[tool.mllint]\nmin-severity = "loud"\n')
    code, _, err = run(capsys, "Dockerfile")
    assert code == 2 and "pyproject.toml: [tool.mllint] min-severity:" in err


def test_explicit_config_file(capsys, project):
    write(project / "conf/lint.toml", 'select = ["ML001"]\n')
    code, out, _ = run(capsys, "--config", "conf/lint.toml", "Dockerfile")
    assert code == 0 and "ML206" not in out
    code, _, err = run(capsys, "--config", "conf/none.toml", "Dockerfile")
    assert code == 2 and "config file not found" in err
