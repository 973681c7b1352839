"""hadolint migration: `# hadolint ignore=` pragmas, the DL→ML table and `mllint --import-hadolint`."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from dockerlint_ml.migrate import hadolint
from dockerlint_ml.migrate.hadolint_config import convert
from dockerlint_ml.registry import builtin_rules

from .conftest import ROOT, lint, rule_lines
from .test_cli import run, write

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PIP = "RUN pip install numpy==1.26.4"
APT = "RUN apt-get update && apt-get install -y curl"


# --- pragmas ---------------------------------------------------------------------------------------------------


def test_ignore_applies_to_the_next_instruction_only():
    text = f"FROM python:3.11-slim\n# hadolint ignore=DL3042\n{PIP}\n{PIP}\n"
    assert rule_lines(lint(text, ["ML206"]), "ML206") == [4]


def test_several_codes_with_spaces_and_a_reason():
    text = f"FROM python:3.11-slim\n#hadolint ignore = DL3015 , DL3009  # apt kept on purpose\n{APT}\n{APT}\n"
    findings = lint(text, ["ML204", "ML205"])
    assert rule_lines(findings, "ML204") == [4]
    assert rule_lines(findings, "ML205") == [4]


def test_pragma_above_other_comments_but_not_across_a_blank_line():
    assert lint(f"FROM python:3.11-slim\n# hadolint ignore=DL3042\n# cache needed\n{PIP}\n", ["ML206"]) == []
    assert rule_lines(lint(f"FROM python:3.11-slim\n# hadolint ignore=DL3042\n\n{PIP}\n", ["ML206"]), "ML206") == [4]


def test_pragma_inside_a_continuation_covers_that_instruction():
    text = "FROM python:3.11-slim\nRUN echo hi && \\\n    # hadolint ignore=DL3042\n    pip install x==1\n"
    assert lint(text, ["ML206"]) == []


def test_corpus_shape_pragma_over_a_continued_pip_install():
    # jupyter/docker-stacks' pytorch-notebook writes `# hadolint ignore=DL3013` above a multi-line pip install;
    # ML703 reports on a continuation line, which is inside the instruction the pragma covers
    body = "RUN pip install -v --no-cache-dir \\\n    'torch' \\\n    'torchaudio'\n"
    assert rule_lines(lint(f"FROM python:3.11-slim\n{body}", ["ML703"]), "ML703") == [3]
    assert lint(f"FROM python:3.11-slim\n# hadolint ignore=DL3013\n{body}", ["ML703"]) == []


def test_global_ignore_covers_the_whole_file():
    text = f"FROM python:3.11-slim\n{PIP}\n{APT}\n{PIP}\n# hadolint global ignore=DL3042\n"
    findings = lint(text, ["ML206", "ML205"])
    assert rule_lines(findings, "ML206") == []
    assert rule_lines(findings, "ML205") == [3]  # other rules are untouched


def test_unknown_and_unmapped_codes_are_ignored_silently():
    for codes in ("SC2086", "DL3003", "DL9999", "XX1"):
        text = f"FROM python:3.11-slim\n# hadolint ignore={codes}\n{PIP}\n"
        findings = lint(text, ["ML206", "ML000"], warn_unused_ignores=True)
        assert [f.rule for f in findings] == ["ML206"], codes


def test_mapped_code_among_unknown_ones_still_works():
    text = f"FROM python:3.11-slim\n# hadolint ignore=SC2086,DL3042,SC1091\n{PIP}\n"
    assert lint(text, ["ML206"]) == []


def test_many_hadolint_codes_to_one_ml_rule():
    text = "FROM python:3.11-slim\nRUN apk add curl\n# hadolint ignore=DL3040\nRUN dnf install -y curl\n"
    assert rule_lines(lint(text, ["ML208"]), "ML208") == [2]


def test_one_hadolint_code_to_several_ml_rules(monkeypatch):
    # no shipped row maps one code to several rules today; the mechanism must handle it when one does
    monkeypatch.setitem(hadolint.RULES, "DL3009", ("apt lists", ("ML204", "ML205"), ""))
    text = f"FROM python:3.11-slim\n# hadolint ignore=DL3009\n{APT}\n{APT}\n"
    findings = lint(text, ["ML204", "ML205"])
    assert rule_lines(findings, "ML204") == [4]
    assert rule_lines(findings, "ML205") == [4]


def test_hadolint_pragmas_are_never_reported_unused_but_mllint_ones_are():
    clean = "RUN pip install --no-cache-dir numpy==1.26.4"
    text = f"FROM python:3.11-slim\n# hadolint ignore=DL3042\n{clean}\n# mllint: ignore=ML206\n{clean}\n"
    findings = lint(text, ["ML206", "ML000"], warn_unused_ignores=True)
    assert [(f.rule, f.span.line) for f in findings] == [("ML000", 4)]


def test_not_a_pragma():
    for comment in ("# hadolint shell=bash", "# see hadolint ignore=DL3042 docs", "# hadolint ignore="):
        text = f"FROM python:3.11-slim\n{comment}\n{PIP}\n"
        assert rule_lines(lint(text, ["ML206"]), "ML206") == [3], comment


def test_hadolint_pragmas_false_setting():
    text = f"FROM python:3.11-slim\n# hadolint ignore=DL3042\n{PIP}\n# hadolint global ignore=DL3042\n"
    assert rule_lines(lint(text, ["ML206"], hadolint_pragmas=False), "ML206") == [3]
    assert rule_lines(lint(text, ["ML206"]), "ML206") == []


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_hadolint_pragmas_false_in_config(capsys, project):
    write(project / "Dockerfile", f"FROM python:3.11-slim\n# hadolint ignore=DL3042\n{PIP}\n# mllint: ignore=ML205\n")
    write(project / "pyproject.toml", '[tool.mllint]\nselect = ["ML206"]\nhadolint-pragmas = false\n')
    code, out, _ = run(capsys, "Dockerfile")
    assert code == 1 and "Dockerfile:3:5: ML206" in out
    write(project / "pyproject.toml", '[tool.mllint]\nselect = ["ML206"]\nhadolint-pragmas = true\n')
    assert run(capsys, "Dockerfile")[0] == 0
    write(project / "pyproject.toml", '[tool.mllint]\nhadolint-pragmas = "maybe"\n')
    code, _, err = run(capsys, "Dockerfile")
    assert code == 2 and "hadolint-pragmas" in err and len(err.strip().splitlines()) == 1


def test_lint_path_loads_the_table_only_for_files_that_mention_hadolint(tmp_path):
    probe = (
        "import sys; from dockerlint_ml.cli import main\n"
        "try: main(['--isolated', sys.argv[1]])\nexcept SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if 'hadolint' in m or m == 'yaml'), file=sys.stderr)"
    )
    loaded = {}
    for name, comment in (("plain", "# pinned"), ("pragma", "# hadolint ignore=DL3042")):
        write(tmp_path / name, f"FROM python:3.11-slim\n{comment}\n{PIP}\n")
        done = subprocess.run(
            [sys.executable, "-c", probe, str(tmp_path / name)], capture_output=True, text=True, cwd=ROOT
        )
        loaded[name] = done.stderr.strip().splitlines()[-1]
    assert loaded["plain"] == "[]"
    assert loaded["pragma"] == "['dockerlint_ml.migrate.hadolint']"  # never yaml on the lint path


# --- the table -------------------------------------------------------------------------------------------------


def test_table_names_real_rules_and_hadolint_codes():
    known = {rule.id for rule in builtin_rules()}
    mapped = {rule for _, rules, _ in hadolint.RULES.values() for rule in rules}
    missing = mapped - known
    if any(rule.startswith("ML9") for rule in known):
        assert missing == set()
    else:  # the ML9xx policy rules land with the policy config (issue 11, part A)
        assert {rule for rule in missing if not rule.startswith("ML9")} == set()
    assert all(re.fullmatch(r"DL[134]\d{3}", code) for code in hadolint.RULES)
    assert hadolint.ml_rules("dl3042") == ("ML206",) and hadolint.ml_rules("SC2086") == ()
    assert set(hadolint.sources("ML208")) == {"DL3019", "DL3032", "DL3036", "DL3040"}


def test_markdown_table_has_one_row_per_code():
    table = hadolint.markdown_table()
    assert table.count("\n") == len(hadolint.RULES) + 2
    assert "| DL3042 | pip --no-cache-dir | [ML206](rules/ML206.md) |" in table
    assert "| DL4001 | wget or curl, not both | — |" in table
    assert "| DL4006 | set -o pipefail | [ML317](rules/ML317.md) (downloads piped into another command only) |" in table


# --- --import-hadolint -----------------------------------------------------------------------------------------

# the shape of hadolint's README example, plus a few keys mllint has no equivalent for
README_SHAPE = """\
failure-threshold: warning
format: json
ignored:
  - DL3000
  - DL3003
  - SC1010
label-schema:
  author: text
  contact: email
  created: rfc3339
  version: semver
  documentation: url
  git-revision: hash
  license: spdx
  org.opencontainers.image.title: text
no-color: true
no-fail: false
override:
  error:
    - DL3001
    - DL3002
  warning:
    - DL3042
    - DL3033
  info:
    - DL3032
  style:
    - DL3015
strict-labels: true
disable-ignore-pragma: true
trustedRegistries:
  - docker.io
  - my-company.com:500
  - "*.gcr.io"
verbose: true
"""


def _toml(text: str) -> dict:
    return tomllib.loads(text)["tool"]["mllint"]


def test_import_readme_shape():
    out = convert(README_SHAPE, ".hadolint.yaml")
    config = _toml(out)
    assert config["ignore"] == ["ML005"]
    assert config["fail-on"] == "warning"
    assert config["hadolint-pragmas"] is False
    assert config["severity"] == {
        "ML301": "error",
        "ML310": "error",
        "ML206": "warning",
        "ML208": "info",
        "ML205": "info",
    }
    policy = config["policy"]
    assert policy["allowed-registries"] == ["docker.io", "my-company.com:500", "*.gcr.io"]
    assert policy["strict-labels"] is True
    assert policy["label-schema"]["org.opencontainers.image.title"] == "text"
    assert policy["label-schema"]["created"] == "rfc3339"
    assert set(policy["required-labels"]) == set(policy["label-schema"])  # hadolint's DL3049 requires them all
    for comment in (
        "# ignored DL3003: no mllint equivalent",
        "# ignored SC1010: ShellCheck codes have no equivalent",
        "# override.warning DL3033: no mllint equivalent",
        "# hadolint key format has no equivalent: use `--format json`",
        "# hadolint key no-color has no equivalent",
        "# hadolint key verbose has no equivalent",
        "`# mllint: ignore=` comments still work",
    ):
        assert comment in out, comment
    assert "no-fail" not in out  # false is hadolint's default: nothing to say


def test_import_output_loads_with_the_config_loader(tmp_path):
    from dockerlint_ml.config import load_file, validate

    out = convert(README_SHAPE, ".hadolint.yaml")
    known = {rule.id: rule for rule in builtin_rules()}
    if not any(rule_id.startswith("ML9") for rule_id in known):  # policy keys arrive with issue 11 part A
        out = out.split("\n[tool.mllint.policy]\n")[0]
    path = write(tmp_path / "pyproject.toml", out)
    settings = validate(*load_file(path), known)
    assert settings.ignore == ("ML005",) and settings.hadolint_pragmas is False
    assert settings.severity["ML301"].value == "error" and settings.fail_on == "warning"


def test_import_partial_ignore_keeps_shared_rule_on_and_says_so():
    out = convert("ignored: [DL3019, DL3006, DL3007, DL3008]\n", "h.yaml")
    assert _toml(out)["ignore"] == ["ML701", "ML704"]
    assert "# ignored DL3019 maps to ML208, which also checks DL3032, DL3036, DL3040: ML208 stays on" in out


def test_import_override_conflict_takes_the_most_severe_and_ignore_wins():
    out = convert("override:\n  warning: [DL4003]\n  error: [DL3012]\n  info: [DL3042]\nignored: [DL3042]\n", "h")
    config = _toml(out)
    assert config["severity"] == {"ML004": "error"}
    assert 'ML004 = "error"  # from DL4003, DL3012; ML004 also checks DL4004' in out


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("failure-threshold: none\n", {"fail-on": "never"}),
        ("failure-threshold: style\n", {"fail-on": "info"}),
        ("failure-threshold: error\nno-fail: true\n", {"fail-on": "never"}),
        ("trustedRegistries: registry.corp\n", {"policy": {"allowed-registries": ["registry.corp"]}}),
        ("trusted-registries: [a.io]\n", {"policy": {"allowed-registries": ["a.io"]}}),
        ("strict-labels: false\n", {"policy": {"strict-labels": False}}),
        ("", {}),
        ("ignored: []\noverride: {}\n", {}),
    ],
)
def test_import_small_shapes(yaml_text, expected):
    assert _toml(convert(yaml_text, "h.yaml")) == expected


def test_import_odd_values_stay_valid_toml():
    text = (
        'label-schema:\n  "a\\nb": text\n  maintainer: phone\n"weird\\nkey = 1": true\noverride:\n  fatal: [DL3000]\n'
    )
    out = convert(text, "h.yaml")
    config = _toml(out)
    assert config["policy"]["label-schema"] == {"a\nb": "text"}
    assert "# label-schema maintainer: type 'phone' is not one of" in out
    assert "# hadolint key weird key = 1 has no equivalent" in out
    assert "# hadolint key override.fatal has no equivalent" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("ignored: [DL3000\n", "invalid YAML at line"),
        ("- DL3000\n", "expected a mapping of hadolint settings"),
        ("ignored: {DL3000: 1}\n", "ignored: expected a list of rule codes"),
        ("failure-threshold: fatal\n", "failure-threshold: 'fatal' is not one of"),
        ("override: [DL3000]\n", "override: expected a mapping"),
        ("trustedRegistries: {a: 1}\n", "trustedRegistries: expected a registry"),
        ("label-schema: [a]\n", "label-schema: expected a mapping"),
        ("strict-labels: maybe\n", "strict-labels: expected true or false"),
    ],
)
def test_import_bad_file_is_one_line_exit_2(capsys, project, content, message):
    write(project / ".hadolint.yaml", content)
    code, out, err = run(capsys, "--import-hadolint", ".hadolint.yaml")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert err.startswith("mllint: error: --import-hadolint: .hadolint.yaml: ")


def test_import_missing_and_binary_file(capsys, project):
    code, _, err = run(capsys, "--import-hadolint", "nope.yaml")
    assert code == 2 and "nope.yaml: cannot read" in err and len(err.strip().splitlines()) == 1
    (project / "bin.yaml").write_bytes(b"\xff\xfe\x00garbage")
    code, _, err = run(capsys, "--import-hadolint", "bin.yaml")
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_import_cli_prints_toml_and_needs_no_dockerfile(capsys, project):
    write(project / ".hadolint.yaml", "ignored: [DL3008]\nfailure-threshold: error\n")
    write(project / "pyproject.toml", "[tool.mllint]\nbogus = 1\n")  # a broken config does not get in the way
    code, out, _ = run(capsys, "--import-hadolint", ".hadolint.yaml")
    assert code == 0
    assert _toml(out) == {"ignore": ["ML704"], "fail-on": "error"}
    code, _, _ = run(capsys, "--import-hadolint", ".hadolint.yaml", "--output", "mllint.toml")
    assert code == 0 and json.dumps(_toml((project / "mllint.toml").read_text()))
