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


@pytest.mark.parametrize(
    "table",
    [
        '[tool]\nmllint = { select = ["ML206"], fail-on = "error" }\n',
        'tool.mllint.select = ["ML206"]\ntool.mllint.fail-on = "error"\n',
        '[tool."mllint"]\nselect = ["ML206"]\nfail-on = "error"\n',
    ],
)
def test_every_spelling_of_the_pyproject_table_is_read(capsys, project, table):
    """Discovery skips parsing a pyproject.toml that does not mention mllint at all (start-up time): every
    TOML spelling of the table still names it."""
    dotted_keys_first = table.startswith("tool.")  # dotted keys after [project] would belong to it
    write(
        project / "pyproject.toml",
        table + "[project]\nname = 'x'\n" if dotted_keys_first else "[project]\nname = 'x'\n" + table,
    )
    code, out, _ = run(capsys, "Dockerfile")
    assert "ML206" in out and "ML301" not in out and code == 0


def test_a_broken_pyproject_without_our_table_is_not_our_error(capsys, project, tmp_path):
    """Another tool's broken pyproject.toml does not stop the search upward (it cannot hold [tool.mllint])."""
    write(project / ".mllint.toml", 'select = ["ML206"]\n')
    write(project / "sub" / "pyproject.toml", "[project\nname = \xff\n")
    write(project / "sub" / "Dockerfile", BAD)
    import os

    os.chdir(project / "sub")
    code, out, err = run(capsys, "Dockerfile")
    assert code == 1 and err == "" and "ML206" in out and "ML301" not in out


def test_a_pyproject_with_our_table_that_is_not_utf8_is_one_line(capsys, project):
    (project / "pyproject.toml").write_bytes(b'[tool.mllint]\nselect = ["ML206"]\n# \xff\n')
    code, _, err = run(capsys, "Dockerfile")
    assert code == 2 and err.startswith("mllint: error: ") and "not UTF-8" in err and err.count("\n") == 1


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


SERVER = 'FROM python:3.12-slim\nRUN pip install --no-cache-dir "uvicorn==0.30.1"\nCMD ["uvicorn", "app:app"]\n'


def test_per_file_ignores_turn_rules_off_for_matching_paths(capsys, project):
    write(project / "docker" / "dev" / "Dockerfile", SERVER)
    write(project / "Dockerfile", SERVER)
    write(project / ".mllint.toml", '[per-file-ignores]\n"docker/dev/*" = ["ML301", "ML4"]\n')
    _, out, _ = run(capsys, "--select", "ML301,ML401", "docker/dev/Dockerfile", "Dockerfile")
    lines = out.splitlines()
    assert any(line.startswith("Dockerfile:") and "ML301" in line for line in lines)
    assert not any(line.startswith("docker/dev/Dockerfile") for line in lines)


def test_per_file_ignores_bad_code_is_one_line_error(capsys, project):
    write(project / ".mllint.toml", '[per-file-ignores]\n"x/*" = ["XX1"]\n')
    code, _, err = run(capsys, "Dockerfile")
    assert code == 2 and "per-file-ignores" in err and len(err.strip().splitlines()) == 1


def test_roles_from_config_silence_deployed_image_rules(capsys, project):
    write(project / "docker" / "dev" / "Dockerfile", SERVER)
    write(project / ".mllint.toml", '[roles]\n"docker/dev/*" = "dev"\n')
    code, out, _ = run(capsys, "--select", "ML301", "docker/dev/Dockerfile")
    assert code == 0 and "ML301" not in out
    code, out, _ = run(capsys, "--isolated", "--select", "ML301", "docker/dev/Dockerfile")
    assert code == 1 and "ML301" in out


def test_unknown_role_in_config_is_one_line_error(capsys, project):
    write(project / ".mllint.toml", '[roles]\n"docker/*" = "prod"\n')
    code, _, err = run(capsys, "Dockerfile")
    assert code == 2 and "unknown role 'prod'" in err


def test_several_targets_are_each_linted(capsys, project):
    text = (
        'FROM python:3.12-slim AS api\nCMD ["uvicorn", "app:app"]\n'
        'FROM python:3.12-slim AS worker\nRUN useradd app\nUSER app\nCMD ["python", "-m", "worker"]\n'
    )
    write(project / "Dockerfile", text)
    _, out, _ = run(capsys, "--isolated", "--select", "ML301", "Dockerfile")
    assert "ML301" not in out  # only the last stage ships by default
    _, out, _ = run(capsys, "--isolated", "--select", "ML301", "--target", "api", "--target", "worker", "Dockerfile")
    assert "Dockerfile:1:1: ML301" in out
    write(project / ".mllint.toml", 'targets = ["api", "worker"]\nselect = ["ML301"]\n')
    _, out, _ = run(capsys, "Dockerfile")
    assert "Dockerfile:1:1: ML301" in out


def test_json_and_facts_show_the_role_and_its_signal(capsys, project):
    write(project / "Dockerfile", SERVER)
    _, out, _ = run(capsys, "--isolated", "--format", "json", "Dockerfile")
    import json

    images = json.loads(out)["files"][0]["images"]
    assert images == [{"target": "0", "role": "serving", "role_signal": "`uvicorn` on line 3 starts a server"}]
    _, out, _ = run(capsys, "--isolated", "--facts", "Dockerfile")
    assert "role serving (`uvicorn` on line 3 starts a server)" in out
