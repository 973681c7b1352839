"""The compiled knowledge modules (what ``knowledge.load`` reads) say exactly what the TOML files say."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from dockerlint_ml import knowledge

ROOT = Path(__file__).resolve().parent.parent
TOML_NAMES = sorted(path.stem for path in (ROOT / "dockerlint_ml" / "knowledge").glob("*.toml"))


def _compile_tool():
    spec = importlib.util.spec_from_file_location("compile_knowledge", ROOT / "tools" / "compile_knowledge.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", TOML_NAMES)
def test_compiled_form_equals_the_toml(name: str) -> None:
    assert knowledge.load(name) == knowledge.load_toml(name), (
        f"knowledge/compiled/{name}.py is stale: run `python tools/compile_knowledge.py`"
    )


def test_no_stale_or_orphan_compiled_module() -> None:
    assert _compile_tool().stale_files() == [], "run `python tools/compile_knowledge.py`"


def test_every_toml_is_compiled() -> None:
    assert TOML_NAMES, "no knowledge files found"
    compiled = {path.stem for path in (ROOT / "dockerlint_ml" / "knowledge" / "compiled").glob("*.json")}
    assert set(TOML_NAMES) <= compiled
