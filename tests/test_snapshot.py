"""Golden snapshot of what mllint says and does: the findings AND the fix edits over every file in
``fixtures/`` and over a seeded corpus from ``benchmarks/corpus.py``.

A restructuring (moving rules, helpers, fixers) must leave this file unchanged. When behaviour changes on
purpose, regenerate it and review the diff:

    MLLINT_UPDATE_SNAPSHOT=1 pytest tests/test_snapshot.py

Every rule runs (the off-by-default ones too), with ``--warn-unused-ignores``; the diff is what
``mllint --isolated --warn-unused-ignores --extend-select <off-by-default rules> --diff --unsafe-fixes``
prints for the file. The build context is the file's directory, as on the command line. Files are linted
under a fixed relative path (``corpus/00000.Dockerfile``), so roles inferred from the path do not depend on
where pytest puts its temporary directory.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

from dockerlint_ml.context import BuildContext
from dockerlint_ml.fix import fix_source, unified_diff
from dockerlint_ml.lint import FileResult, Linter
from dockerlint_ml.registry import builtin_rules
from dockerlint_ml.settings import Settings

from .conftest import FIXTURES, ROOT

SNAPSHOT = Path(__file__).parent / "data" / "snapshot.json"
CORPUS_SEED = 0
CORPUS_COUNT = 40
UPDATE = "MLLINT_UPDATE_SNAPSHOT"


def _corpus_module():
    path = ROOT / "benchmarks" / "corpus.py"
    spec = importlib.util.spec_from_file_location("_mllint_bench_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def inputs(tmp: Path) -> list[tuple[str, Path]]:
    """(name in the snapshot, file on disk): every fixture file (Markdown notes aside), then the corpus."""
    fixtures = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix != ".md")
    corpus = _corpus_module().build_corpus(tmp / "corpus", CORPUS_COUNT, CORPUS_SEED)
    return [(p.relative_to(ROOT).as_posix(), p) for p in fixtures] + [(f"corpus/{p.name}", p) for p in corpus]


def _finding(finding) -> str:
    span = finding.span
    where = f"{span.line}:{span.column}-{span.end_line}:{span.end_column}"
    return f"{where} {finding.rule} [{finding.severity.value}] {finding.message}"


def _entry(result: FileResult, diff: str) -> dict:
    entry: dict = {"findings": [_finding(f) for f in result.findings]}
    if result.error is not None:
        entry["error"] = result.error
    if diff:
        entry["diff"] = diff.splitlines()
    return entry


def take(tmp: Path) -> dict:
    rules = builtin_rules()
    off_by_default = tuple(sorted(cls.id for cls in rules if not cls.enabled_by_default))
    linter = Linter(Settings(extend_select=off_by_default, warn_unused_ignores=True), rules)
    files: dict[str, dict] = {}
    for name, path in inputs(tmp):
        data = path.read_bytes()
        result = linter.lint_bytes(data, name, BuildContext(path.parent))
        new_text, _remaining, _applied = fix_source(data, name, linter, True, BuildContext(path.parent))
        old_text = data.decode("utf-8", "replace")
        diff = unified_diff(name, old_text, new_text) if new_text is not None and new_text != old_text else ""
        files[name] = _entry(result, diff)
    return {
        "how": "tests/test_snapshot.py; regenerate with MLLINT_UPDATE_SNAPSHOT=1 pytest tests/test_snapshot.py",
        "extend_select": list(off_by_default),
        "corpus": {"seed": CORPUS_SEED, "count": CORPUS_COUNT},
        "files": files,
    }


def render(snapshot: dict) -> str:
    return json.dumps(snapshot, indent=1, ensure_ascii=False) + "\n"


@pytest.fixture(scope="module")
def current(tmp_path_factory) -> dict:
    return take(tmp_path_factory.mktemp("snapshot"))


def _differences(expected: dict, actual: dict) -> str:
    """Per file, a unified diff of the stored and the current entry (the first few files)."""
    parts = []
    names = sorted(set(expected) | set(actual))
    for name in names:
        if expected.get(name) == actual.get(name):
            continue
        before = json.dumps(expected.get(name), indent=1, ensure_ascii=False).splitlines()
        after = json.dumps(actual.get(name), indent=1, ensure_ascii=False).splitlines()
        parts.append("\n".join(difflib.unified_diff(before, after, f"stored {name}", f"now {name}", lineterm="")))
    shown = parts[:8]
    more = f"\n... and {len(parts) - len(shown)} more files" if len(parts) > len(shown) else ""
    return f"{len(parts)} file(s) changed:\n" + "\n".join(shown) + more


def test_snapshot(current):
    if os.environ.get(UPDATE):
        SNAPSHOT.write_text(render(current), encoding="utf-8")
        pytest.skip(f"{SNAPSHOT.name} regenerated")
    assert SNAPSHOT.exists(), f"no snapshot yet: run {UPDATE}=1 pytest tests/test_snapshot.py"
    stored = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert {k: v for k, v in stored.items() if k != "files"} == {k: v for k, v in current.items() if k != "files"}
    if stored["files"] != current["files"]:
        pytest.fail(
            "findings or fixes changed. If on purpose, regenerate with "
            f"{UPDATE}=1 pytest tests/test_snapshot.py and review the diff.\n"
            + _differences(stored["files"], current["files"]),
            pytrace=False,
        )


def test_snapshot_covers_fixes_and_every_input(current):
    """The snapshot is only a guard if it sees fixes and findings of many rules."""
    files = current["files"]
    assert sum(1 for name in files if name.startswith("corpus/")) == CORPUS_COUNT
    assert sum(1 for name in files if name.startswith("fixtures/")) >= 18
    assert sum(1 for entry in files.values() if "diff" in entry) >= 10
    rules = {line.split()[1] for entry in files.values() for line in entry["findings"]}
    assert len(rules) >= 25, sorted(rules)


def test_corpus_is_deterministic(tmp_path):
    first = [p.read_bytes() for _n, p in inputs(tmp_path / "a") if _n.startswith("corpus/")]
    second = [p.read_bytes() for _n, p in inputs(tmp_path / "b") if _n.startswith("corpus/")]
    assert first == second
