"""Autofix: each fixer's exact output, when it declines, the apply/re-lint loop, the CLI (--fix, --diff,
--unsafe-fixes, fixable markers) and properties over generated Dockerfiles."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockerlint_ml.fix import (
    FIXERS,
    applicable,
    apply_fixes,
    fix_for,
    fix_source,
    instruction_at,
    plain_words,
    unified_diff,
    with_fixes,
)
from dockerlint_ml.model import Edit, Fix, Severity, Span
from dockerlint_ml.parse import parse_text
from dockerlint_ml.registry import builtin_rules

from .conftest import FIXTURES, dd, fixed, linter
from .test_cli import run

#: derived from the rule classes' `fix_safety` ("sometimes": safe unless the fix says otherwise)
SAFE_RULES = tuple(rule.id for rule in builtin_rules() if rule.fix_safety in ("safe", "sometimes"))
UNSAFE_RULES = tuple(rule.id for rule in builtin_rules() if rule.fix_safety == "unsafe")


# ---------------------------------------------------------------------------------------------------------
# Fixes of several rules, fix helpers (per-rule fix cases: tests/rules/<family>/test_mlNNN_*.py)


def test_apt_chain_across_continuations_and_comments():
    text = """
        FROM ubuntu:22.04
        RUN apt-get update \\
            && apt-get install -y \\
              # the compiler
              gcc \\
              git \\
            && echo done
    """
    assert fixed(text, ["ML204", "ML205"]) == dd(
        """
        FROM ubuntu:22.04
        RUN apt-get update \\
            && apt-get install --no-install-recommends -y \\
              # the compiler
              gcc \\
              git && rm -rf /var/lib/apt/lists/* \\
            && echo done
        """
    )


def test_plain_words():
    assert plain_words("python -c 'import x; x.run()'")
    assert plain_words('uvicorn "main:app" --host 0.0.0.0')
    assert not plain_words('echo "$HOME"')
    assert not plain_words("a|b")
    assert not plain_words("'unterminated")


# ---------------------------------------------------------------------------------------------------------
# Applying edits, line endings, the loop


def test_apply_fixes_skips_overlapping_and_touching_edits():
    text = "abc\ndef\n"
    first = Fix("a", (Edit(Span(1, 2, 1, 3), "X"),))
    overlapping = Fix("b", (Edit(Span(1, 1, 1, 4), "Y"),))
    touching = Fix("c", (Edit(Span(1, 3, 1, 3), "Z"),))
    elsewhere = Fix("d", (Edit(Span(2, 4, 2, 4), "!"),))
    assert apply_fixes(text, [first, overlapping, touching, elsewhere]) == ("aXc\ndef!\n", 2)


def test_crlf_and_mixed_line_endings_and_bom_are_kept():
    text = (
        "\ufeffFROM ubuntu:22.04\r\nRUN apt-get update && apt-get install -y curl \\\r\n    git\r\nEXPOSE 80\r\n"
        "CMD python app.py"
    )
    out = fixed(text, ["ML204", "ML205", "ML403"], dedent=False, unsafe=True)
    assert out == (
        "\ufeffFROM ubuntu:22.04\r\nRUN apt-get update && apt-get install --no-install-recommends -y curl \\\r\n"
        '    git && rm -rf /var/lib/apt/lists/*\r\nEXPOSE 80\r\nCMD ["python", "app.py"]'
    )
    mixed = 'FROM python:3.11-slim\nRUN pip install x==1\r\nCMD ["python"]\n'
    assert fixed(mixed, ["ML206"], dedent=False) == mixed.replace("install", "install --no-cache-dir")
    inserted = fixed('FROM python:3.11-slim\r\nEXPOSE 80\r\nCMD ["uvicorn", "m:app"]\r\n', ["ML405"], unsafe=True)
    assert "FROM python:3.11-slim\r\nENV PYTHONUNBUFFERED=1\r\nEXPOSE 80\r\n" in inserted


def test_several_fixes_on_one_command_converge_over_rounds():
    text = "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl\n"
    new, result, count = fix_source(text.encode(), "Dockerfile", linter(["ML204", "ML205"]), False)
    assert new == (
        "FROM ubuntu:22.04\n"
        "RUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*\n"
    )
    assert count == 2 and result.findings == []


def test_unreadable_input_is_left_alone():
    new, result, count = fix_source(b"FROM x\n\xff\n", "Dockerfile", linter(), False)
    assert new is None and count == 0 and result.error


def test_every_fixer_is_a_known_rule():
    ids = {rule.id for rule in builtin_rules()}
    assert set(FIXERS) <= ids
    assert set(FIXERS) == set(SAFE_RULES) | set(UNSAFE_RULES)  # every fixable rule states its fix's safety
    assert set(SAFE_RULES) == {"ML007", "ML204", "ML205", "ML206", "ML207", "ML208", "ML211", "ML403"}
    assert set(UNSAFE_RULES) == {"ML101", "ML102", "ML405", "ML801"}


def test_fix_safety_is_declared_exactly_by_the_rules_with_a_fix():
    for rule in builtin_rules():
        assert (rule.fix_safety is not None) == rule.fixable, rule.id
        assert rule.fix_safety in (None, "safe", "unsafe", "sometimes"), rule.id
        assert bool(rule.fix_title) == rule.fixable, rule.id


def test_fixable_is_derived_from_a_fix_method():
    from dockerlint_ml.model import Severity as S
    from dockerlint_ml.rules.base import Rule

    class Plain(Rule):
        id, name, severity, summary = "ML999", "plain", S.INFO, "x"

    class Fixing(Plain):
        fix_safety = "safe"

        def fix(self, dockerfile, finding):
            return None

    assert not Plain.fixable and Fixing.fixable


def test_the_engine_uses_only_the_fixers_it_is_given():
    from dockerlint_ml.fix import fixers_for

    rules = builtin_rules()
    assert set(fixers_for(rules)) == {rule.id for rule in rules if rule.fixable}
    assert fixers_for([rule for rule in rules if rule.id != "ML206"]).get("ML206") is None
    document = parse_text(BAD)
    finding = next(f for f in linter(["ML206"]).lint_dockerfile(document).findings if f.rule == "ML206")
    assert fix_for(document, finding, {}) is None
    assert fix_for(document, finding, fixers_for(rules)) is not None


# ---------------------------------------------------------------------------------------------------------
# CLI


BAD = 'FROM python:3.11-slim\nRUN pip install torch==2.3.1\nEXPOSE 80\nCMD ["python", "serve.py"]\n'


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_cli_text_marks_fixable_findings(capsys, project):
    (project / "Dockerfile").write_text(BAD)
    code, out, _ = run(capsys, "--isolated", "--select", "ML206,ML405", "Dockerfile")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("Dockerfile:1:1: ML405") and not lines[0].endswith("[*]")
    assert lines[1].startswith("Dockerfile:2:5: ML206") and lines[1].endswith(" [*]")
    assert lines[-1] == "[*] 1 fixable with --fix (1 more with --unsafe-fixes)."


def test_cli_json_fixable_exactly_when_a_fixer_returns_a_fix(capsys, project):
    (project / "Dockerfile").write_text(
        BAD + "RUN apt-get update && apt-get install -y --no-install-recommends curl > /dev/null\n"
    )
    _code, out, _ = run(capsys, "--isolated", "--format", "json", "--select", "ML204,ML206,ML405", "Dockerfile")
    fixable = {f["rule"]: f["fixable"] for f in json.loads(out)["findings"]}
    assert fixable == {"ML206": True, "ML405": True, "ML204": False}


def test_cli_fix_rewrites_and_reports_what_remains(capsys, project):
    (project / "Dockerfile").write_text(BAD)
    code, out, err = run(capsys, "--isolated", "--select", "ML206,ML405", "--fail-on", "info", "--fix", "Dockerfile")
    assert (project / "Dockerfile").read_text() == BAD.replace("install", "install --no-cache-dir")
    assert "ML206" not in out and "ML405" in out and code == 1
    assert out.endswith("1 info in 1 file.\n[*] 0 fixable with --fix (1 more with --unsafe-fixes).\n")
    assert "Fixed 1 problem in 1 file." in err
    code, out, _ = run(capsys, "--isolated", "--select", "ML206,ML405", "--fix", "--unsafe-fixes", "Dockerfile")
    assert code == 0 and "ENV PYTHONUNBUFFERED=1" in (project / "Dockerfile").read_text()


def test_cli_diff_writes_nothing_and_exits_1(capsys, project):
    (project / "Dockerfile").write_text(BAD)
    code, out, _ = run(capsys, "--isolated", "--select", "ML206", "--diff", "Dockerfile")
    assert code == 1 and (project / "Dockerfile").read_text() == BAD
    assert out.startswith("--- Dockerfile\n+++ Dockerfile\n")
    assert "-RUN pip install torch==2.3.1\n+RUN pip install --no-cache-dir torch==2.3.1\n" in out
    (project / "Dockerfile").write_text(BAD.replace("install", "install --no-cache-dir"))
    assert run(capsys, "--isolated", "--select", "ML206", "--diff", "Dockerfile")[:2] == (0, "")


def test_cli_fix_stdin_prints_the_fixed_file(capsys, project, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(BAD.encode())))
    code, out, err = run(capsys, "--isolated", "--select", "ML206", "--fix", "-")
    assert out == BAD.replace("install", "install --no-cache-dir")
    assert code == 0 and "No problems found" in err


def test_list_rules_fixable_column_comes_from_the_fixers(capsys):
    _code, out, _ = run(capsys, "--list-rules", "--format", "json")
    rows = {row["id"]: row["fixable"] for row in json.loads(out)}
    assert {rule for rule, fixable in rows.items() if fixable} >= set(FIXERS)
    assert rows["ML201"] is False


def test_pre_commit_fix_hook():
    import yaml

    hooks = {hook["id"]: hook for hook in yaml.safe_load((FIXTURES.parent / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["mllint-fix"]["entry"] == "mllint --fix"
    assert hooks["mllint-fix"]["files"] == hooks["mllint"]["files"]


def test_rule_pages_state_the_fix_and_its_safety():
    for rule in FIXERS:
        page = (FIXTURES.parent / "rules" / f"{rule}.md").read_text(encoding="utf-8")
        table = page.split("## What it does")[0]
        fix_section = page.split("## Fix\n")[1].split("\n## ")[0]
        expected = "unsafe" if rule in UNSAFE_RULES else "safe"
        assert f"| {expected}" in table, rule
        assert "mllint --fix" in fix_section and re.search(rf"\b{expected}\b", fix_section), rule


# ---------------------------------------------------------------------------------------------------------
# Realistic Dockerfiles


REALISTIC = sorted((FIXTURES / "realistic").glob("*.Dockerfile"))


@pytest.mark.parametrize("path", REALISTIC, ids=lambda p: p.stem)
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_realistic_fixtures(path, unsafe):
    data = path.read_bytes()
    lint = linter()
    new, result, _count = fix_source(data, path.name, lint, unsafe)
    assert result.error is None
    left = [f for f in result.findings if f.fix is not None and (f.fix.safe or unsafe)]
    assert not left, left
    assert "ML001" not in {f.rule for f in result.findings}
    before = lint.lint_bytes(data, path.name)
    errors_before = sorted(f.rule for f in before.findings if f.severity is Severity.ERROR)
    errors_after = sorted(f.rule for f in result.findings if f.severity is Severity.ERROR)
    assert errors_after == errors_before or set(errors_after) <= set(errors_before)
    again, _result, count = fix_source(new.encode("utf-8"), path.name, lint, unsafe)
    assert again == new and count == 0


# ---------------------------------------------------------------------------------------------------------
# Properties over generated Dockerfiles

_PIECES = {
    "apt": ["apt-get update", "apt-get install -y curl git", "apt install -y --no-install-recommends vim"],
    "pip": [
        "pip install numpy==1.26.4",
        "python -m pip install --no-cache-dir torch==2.3.1",
        "pip3 install -r req.txt",
    ],
    "conda": ["conda install -y numpy=1.26", "mamba create -n env -y python=3.11", "micromamba install -y -n base x=1"],
    "apk": ["apk add curl", "apk add --no-cache bash", "apk --update add git"],
    "rpm": ["dnf install -y gcc", "yum install -y make", "microdnf install -y tar"],
    "misc": ["echo hi", "rm -rf /tmp/x", "mkdir -p /app"],
}
_IMAGES = ["python:3.11-slim", "ubuntu:22.04", "alpine:3.19", "continuumio/miniconda3:24.1.2-0", "fedora:40"]
_CMDS = [
    'CMD ["python", "app.py"]',
    "CMD python app.py --port 8000",
    "CMD uvicorn main:app --host 0.0.0.0",
    "CMD python app.py > /tmp/log",
    "ENTRYPOINT gunicorn -b 0.0.0.0:8000 app:app",
    'ENTRYPOINT ["python"]',
]

command = st.sampled_from(sorted(_PIECES)).flatmap(lambda family: st.sampled_from(_PIECES[family]))


@st.composite
def run_instruction(draw) -> str:
    special = draw(st.integers(0, 5))
    if special == 0:
        return "RUN apt-get update"
    if special == 1:
        return "RUN pip install -r requirements.txt"
    commands = draw(st.lists(command, min_size=1, max_size=4))
    style = draw(st.sampled_from(["and", "continued", "semicolon", "heredoc", "comment"]))
    if style == "heredoc":
        return "RUN <<EOF\n" + "\n".join(commands) + "\nEOF"
    if style == "semicolon":
        return "RUN " + "; ".join(commands)
    if style == "and":
        return "RUN " + " && ".join(commands)
    separator = " \\\n    # a comment\n    && " if style == "comment" else " \\\n    && "
    return "RUN " + separator.join(commands)


@st.composite
def dockerfiles(draw) -> str:
    stages = []
    for index in range(draw(st.integers(1, 2))):
        lines = [f"FROM {draw(st.sampled_from(_IMAGES))}" + (f" AS s{index}" if draw(st.booleans()) else "")]
        runs = draw(st.lists(run_instruction(), max_size=3))
        copy_at = draw(st.none() | st.integers(0, len(runs)))
        if copy_at is not None:
            runs.insert(copy_at, "WORKDIR /app\nCOPY . .")
        lines += runs
        if draw(st.booleans()):
            lines.append("EXPOSE 8000")
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(_CMDS)))
        stages.append("\n".join(lines))
    text = "\n\n".join(stages) + ("\n" if draw(st.booleans()) else "")
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


_FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _index(dockerfile, span: Span) -> int | None:
    instruction = instruction_at(dockerfile, span)
    return dockerfile.instructions.index(instruction) if instruction is not None else None


def _keywords(text: str) -> list[str]:
    return [i.keyword for i in parse_text(text).instructions]


@_FAST
@given(dockerfiles(), st.booleans())
def test_fixing_is_idempotent(text, unsafe):
    lint = linter()
    once, _result, _count = fix_source(text.encode(), "Dockerfile", lint, unsafe)
    twice, _result, count = fix_source(once.encode(), "Dockerfile", lint, unsafe)
    assert twice == once and count == 0


@_FAST
@given(dockerfiles())
def test_safe_fixes_leave_nothing_fixable_and_no_new_errors(text):
    lint = linter()
    before = lint.lint_bytes(text.encode(), "Dockerfile")
    new, after, _count = fix_source(text.encode(), "Dockerfile", lint, False)
    assert not [f for f in after.findings if f.fix is not None and f.fix.safe]
    errors = lambda result: sorted(f.rule for f in result.findings if f.severity is Severity.ERROR)  # noqa: E731
    assert errors(after) == errors(before) or set(errors(after)) <= set(errors(before))
    assert len(parse_text(new).problems) <= len(parse_text(text).problems)
    # same instructions, and each keeps its commands in order (fixes only append cleanup commands)
    old_doc, new_doc = parse_text(text), parse_text(new)
    assert _keywords(text) == _keywords(new)
    # the fixed rules no longer fire on the instructions they were fixed on
    fixed = {
        (f.rule, _index(old_doc, f.span)) for f in with_fixes(before.findings, old_doc) if applicable(f.fix, False)
    }
    assert not fixed & {(f.rule, _index(new_doc, f.span)) for f in after.findings}
    assert bool(fixed) == (new != text)
    assert ("\r\n" in new) == ("\r\n" in text)
    for old, now in zip(old_doc.instructions, new_doc.instructions, strict=True):
        names = iter(c.name for c in now.commands)
        assert all(name in names for name in (c.name for c in old.commands)), (old.args, now.args)


@_FAST
@given(dockerfiles())
def test_unsafe_fixes_only_add_env_copy_and_merge_runs(text):
    new, after, _count = fix_source(text.encode(), "Dockerfile", linter(), True)
    old_keywords, new_keywords = _keywords(text), _keywords(new)
    for keyword in set(old_keywords) | set(new_keywords):
        if keyword in ("ENV", "COPY"):
            assert new_keywords.count(keyword) >= old_keywords.count(keyword)
        elif keyword == "RUN":
            assert new_keywords.count(keyword) <= old_keywords.count(keyword)
        else:
            assert new_keywords.count(keyword) == old_keywords.count(keyword)
    assert "ML001" not in {f.rule for f in after.findings}


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs the patch program")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfiles(), st.booleans())
def test_diff_applied_with_patch_gives_the_fix_result(text, unsafe):
    new, _result, _count = fix_source(text.encode(), "Dockerfile", linter(), unsafe)
    diff = unified_diff("Dockerfile", text, new)
    assert (diff == "") == (new == text)
    if not diff:
        return
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "Dockerfile"
        path.write_bytes(text.encode())
        done = subprocess.run(
            ["patch", "--quiet", "--binary", str(path)], input=diff.encode(), capture_output=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert path.read_bytes() == new.encode()


def test_fixable_flag_matches_the_fixer_registry():
    """`fixable` is known without importing fix/ (the lint path); it must agree with the fixers."""
    from dockerlint_ml.fix import FIXERS
    from dockerlint_ml.registry import builtin_rules

    assert {rule.id for rule in builtin_rules() if rule.fixable} == set(FIXERS)
