"""Organisation policy: `[policy]` validation, `extend` chains, `locked` rules, policy output, and no ML9xx
finding ever without a policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dockerlint_ml.cli import main
from dockerlint_ml.config import ConfigError, discover, validate
from dockerlint_ml.lint import Linter
from dockerlint_ml.registry import builtin_rules
from dockerlint_ml.settings import Settings

from .conftest import FIXTURES

RULES = builtin_rules()
KNOWN = {rule.id: rule for rule in RULES}
BAD = "FROM python:3.11\n# mllint: ignore=ML901\nFROM python:3.11-slim\nCMD python app.py\n"


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return exited.value.code, out, err


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def settings_in(directory: Path) -> Settings:
    found = discover(directory)
    assert found is not None
    return validate(found[0], found[1], KNOWN)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- no policy, no ML9xx ---------------------------------------------------------------------------------


def test_without_a_policy_no_policy_rule_ever_fires():
    linter = Linter(Settings(), RULES)
    assert not [rule for rule in linter.rules if rule.id.startswith("ML9")]
    explicit = Linter(Settings(select=("ML9",), extend_select=tuple(k for k in KNOWN if k.startswith("ML9"))), RULES)
    assert explicit.rules == []
    paths = [p for p in FIXTURES.rglob("*") if p.is_file() and "ockerfile" in p.name]
    assert len(paths) > 10
    for path in paths:
        findings = Linter(Settings(), RULES).lint_bytes(path.read_bytes(), str(path)).findings
        assert not [f for f in findings if f.rule.startswith("ML9")], path


def test_without_a_policy_the_cli_reports_no_policy_finding_on_the_fixtures(capsys):
    _code, out, _ = run(capsys, "--isolated", "--format", "json", "--extend-select", "ML9", str(FIXTURES))
    findings = json.loads(out)["findings"]
    assert findings and not [f for f in findings if f["rule"].startswith("ML9") or "policy" in f]


def test_only_the_rules_of_configured_keys_run(tmp_path):
    write(tmp_path / ".mllint.toml", '[policy]\ndenied-packages = ["tensorflow-gpu"]\n')
    ids = {rule.id for rule in Linter(settings_in(tmp_path), RULES).rules if rule.id.startswith("ML9")}
    assert ids == {"ML905"}


# --- validation --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[policy]\nallowed-registry = ["x"]\n', "policy.allowed-registry: unknown key (allowed: allowed-channels"),
        ('[policy]\nallowed-registries = "nvcr.io"\n', "policy.allowed-registries: Input should be a valid list"),
        ('[policy]\nlabel-schema = { v = "version" }\n', "policy.label-schema.v: unknown type 'version'"),
        ('[policy]\nlabel-schema = { v = "regex:(" }\n', "policy.label-schema.v: invalid regex"),
        ('[policy]\nrequire = { servers = ["USER"] }\n', "policy.require.servers: unknown role"),
        ('[policy]\nrequire = { serving = ["READINESS"] }\n', "policy.require.serving: unknown requirement"),
        ('[policy]\nstrict-labels = "maybe"\n', "policy.strict-labels:"),
        ('locked = ["XX1"]\n', "locked: 'XX1' matches no rule"),
        ("extend = 3\n", "extend: must be the path of a config file"),
        ('extend = "missing.toml"\n', "extend: 'missing.toml': no such file"),
    ],
)
def test_bad_policy_values_are_one_line_errors_naming_file_and_key(capsys, project, toml, expected):
    write(project / ".mllint.toml", toml)
    write(project / "Dockerfile", "FROM python:3.11-slim\n")
    code, _, err = run(capsys, "Dockerfile")
    assert code == 2 and err.count("\n") == 1
    assert f"{project / '.mllint.toml'}:" in err and expected in err, err


def test_policy_in_pyproject_and_mllint_toml(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.mllint.policy]\nallowed-registries = ["nvcr.io"]\n')
    assert settings_in(tmp_path).policy.allowed_registries == ("nvcr.io",)
    write(tmp_path / "sub" / "mllint.toml", '[policy]\nallowed-registries = ["registry.corp"]\n')
    settings = settings_in(tmp_path / "sub")
    assert settings.policy.allowed_registries == ("registry.corp",)
    assert settings.policy.sources == {"allowed-registries": str(tmp_path / "sub" / "mllint.toml")}


# --- extend -----------------------------------------------------------------------------------------------


def test_extend_chain_of_three_merges_policy_key_by_key(tmp_path):
    write(
        tmp_path / "org" / "policy.toml",
        'locked = ["ML9"]\nfail-on = "error"\n[policy]\nallowed-registries = ["nvcr.io"]\n'
        'denied-packages = ["tensorflow-gpu"]\n',
    )
    write(
        tmp_path / "team" / "pyproject.toml",
        '[tool.mllint]\nextend = "../org/policy.toml"\nignore = ["ML201"]\n'
        '[tool.mllint.policy]\nallowed-registries = ["nvcr.io", "registry.corp"]\n',
    )
    write(
        tmp_path / "team" / "repo" / ".mllint.toml",
        'extend = "../pyproject.toml"\nlocked = ["ML3"]\n[policy]\nrequired-labels = ["team"]\n',
    )
    settings = settings_in(tmp_path / "team" / "repo")
    policy = settings.policy
    assert policy.allowed_registries == ("nvcr.io", "registry.corp")
    assert policy.denied_packages == ("tensorflow-gpu",) and policy.required_labels == ("team",)
    assert policy.sources == {
        "allowed-registries": str((tmp_path / "team" / "pyproject.toml").resolve()),
        "denied-packages": str((tmp_path / "org" / "policy.toml").resolve()),
        "required-labels": str(tmp_path / "team" / "repo" / ".mllint.toml"),
    }
    assert settings.fail_on == "error" and settings.ignore == ("ML201",)
    assert settings.locked == {
        "ML9": str((tmp_path / "org" / "policy.toml").resolve()),
        "ML3": str(tmp_path / "team" / "repo" / ".mllint.toml"),
    }


def test_an_error_in_an_extended_file_names_that_file(tmp_path):
    write(tmp_path / "org.toml", "[policy]\nallowed-images = [1]\n")
    write(tmp_path / "repo" / ".mllint.toml", 'extend = "../org.toml"\n')
    with pytest.raises(ConfigError, match=r"org\.toml: policy\.allowed-images\.0"):
        settings_in(tmp_path / "repo")


def test_extend_cycles_are_reported(capsys, project):
    write(project / ".mllint.toml", 'extend = "a/b.toml"\n')
    write(project / "a" / "b.toml", 'extend = "../.mllint.toml"\n')
    write(project / "Dockerfile", "FROM python:3.11-slim\n")
    code, _, err = run(capsys, "Dockerfile")
    assert code == 2 and "extend: cycle" in err and err.count("\n") == 1
    write(project / ".mllint.toml", 'extend = ".mllint.toml"\n')
    assert "extend: cycle" in run(capsys, "Dockerfile")[2]


# --- locked -----------------------------------------------------------------------------------------------

POLICY = 'locked = ["ML9"]\n[policy]\nallowed-registries = ["nvcr.io"]\n'


def test_inline_ignore_does_not_silence_a_locked_rule(capsys, project):
    write(project / ".mllint.toml", POLICY)
    write(project / "Dockerfile", "# mllint: ignore=ML901\nFROM python:3.11-slim\n")
    code, out, _ = run(capsys, "--format", "json", "Dockerfile")
    findings = [f for f in json.loads(out)["findings"] if f["rule"] == "ML901"]
    assert code == 1 and len(findings) == 1
    assert findings[0]["message"].endswith(
        f"(locked by policy in {project / '.mllint.toml'}: inline ignore not honoured)"
    )
    assert findings[0]["policy"] == {"file": str(project / ".mllint.toml"), "key": "allowed-registries"}
    write(project / "Dockerfile", "# mllint: ignore-file\nFROM python:3.11-slim\n")
    assert "ML901" in run(capsys, "Dockerfile")[1]


def test_unlocked_policy_rules_honour_inline_ignores(capsys, project):
    write(project / ".mllint.toml", POLICY.replace('locked = ["ML9"]\n', ""))
    write(project / "Dockerfile", "# mllint: ignore=ML901\nFROM python:3.11-slim\n")
    assert run(capsys, "--select", "ML9", "Dockerfile")[0] == 0
    assert run(capsys, "--select", "ML9", "--ignore", "ML901", "Dockerfile")[0] == 0


@pytest.mark.parametrize(
    "flags",
    [
        ("--ignore", "ML901"),
        ("--ignore", "ML9"),
        ("--select", "ML2"),
        ("--severity", "ML901=info", "--min-severity", "warning"),
        ("--min-severity", "error", "--severity", "ML901=warning"),
    ],
)
def test_the_command_line_cannot_silence_or_downgrade_a_locked_rule(capsys, project, flags):
    write(project / ".mllint.toml", POLICY)
    write(project / "Dockerfile", "FROM python:3.11-slim\n")
    code, out, _ = run(capsys, *flags, "Dockerfile")
    assert code == 1 and "ML901 [error]" in out


def test_a_config_file_can_still_silence_a_locked_rule(capsys, project):
    write(project / ".mllint.toml", POLICY + "")
    write(project / ".mllint.toml", 'locked = ["ML9"]\nignore = ["ML901"]\n[policy]\nallowed-registries = ["x.io"]\n')
    write(project / "Dockerfile", "FROM python:3.11-slim\n")
    assert "ML901" not in run(capsys, "Dockerfile")[1]


# --- output for policy owners -----------------------------------------------------------------------------


def test_list_rules_marks_policy_rules_and_whether_configured(capsys, project):
    rows = {row["id"]: row for row in json.loads(run(capsys, "--list-rules", "--format", "json")[1])}
    assert rows["ML901"]["policy"]["configured"] is False and rows["ML901"]["enabled"] is False
    assert rows["ML201"]["policy"] is None
    write(project / ".mllint.toml", POLICY)
    rows = {row["id"]: row for row in json.loads(run(capsys, "--list-rules", "--format", "json")[1])}
    assert rows["ML901"]["policy"] == {
        "keys": ["allowed-registries", "allowed-images", "denied-images"],
        "configured": True,
    }
    assert rows["ML901"]["enabled"] and not rows["ML905"]["enabled"]
    text = run(capsys, "--list-rules")[1]
    assert "[policy: denied-packages; not configured: off]" in text


def test_sarif_results_carry_the_policy_source(capsys, project):
    write(project / ".mllint.toml", POLICY)
    write(project / "Dockerfile", "FROM python:3.11-slim\n")
    log = json.loads(run(capsys, "--format", "sarif", "--sarif-root", str(project), "Dockerfile")[1])
    results = [r for r in log["runs"][0]["results"] if r["ruleId"] == "ML901"]
    assert results[0]["properties"]["policy"] == {"file": str(project / ".mllint.toml"), "key": "allowed-registries"}


def test_booleans_are_strict(tmp_path):
    """`strict-labels = "yes"` is a one-line error, not a silent `true` (TOML has real booleans)."""
    import subprocess
    import sys

    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\n")
    for config in ('[policy]\nstrict-labels = "yes"\nlabel-schema = { team = "text" }\n', 'hadolint-pragmas = "no"\n'):
        (tmp_path / ".mllint.toml").write_text(config)
        done = subprocess.run(
            [sys.executable, "-m", "dockerlint_ml", "Dockerfile"], cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 2 and "valid boolean" in done.stderr and done.stderr.count("\n") == 1
