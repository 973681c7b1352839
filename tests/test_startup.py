"""Start-up cost: pre-commit runs mllint on every commit, so the plain text path must not import the heavy
modules (pydantic ~54 ms, sarif-om ~49 ms, jsonschema ~59 ms, importlib.metadata ~27 ms here)."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT

HEAVY = ("pydantic", "sarif_om", "jsonschema", "importlib.metadata", "attr", "multiprocessing")
#: the language server (`mllint --lsp` only): pygls and what it pulls in
LSP = ("pygls", "lsprotocol", "cattrs", "attrs", "asyncio")
PROBE = """
import json, sys
from dockerlint_ml.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def modules_after(tmp_path, *args: str) -> set[str]:
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nRUN pip install torch==2.3.1\nCMD python app.py\n")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> set[str]:
    return {name for name in modules if name.split(".")[0] in HEAVY or name in HEAVY}


def test_text_path_stays_lean(tmp_path):
    modules = modules_after(tmp_path, "Dockerfile")
    assert "dockerlint_ml.rules.size" in modules  # the probe really linted
    assert heavy(modules) == set()
    assert "dockerlint_ml.report.sarif" not in modules
    assert {name for name in modules if name.split(".")[0] in LSP or name.startswith("dockerlint_ml.lsp")} == set()


def test_sarif_path_imports_sarif_om_only_there(tmp_path):
    modules = modules_after(tmp_path, "--format", "sarif", "Dockerfile")
    assert "sarif_om" in modules
    assert "pydantic" not in modules


def test_dockerfile_parse_is_never_imported(tmp_path):
    """Our own scanner splits instructions; dockerfile-parse (and the logging it pulls in) is not loaded."""
    modules = modules_after(tmp_path, "Dockerfile")
    assert "dockerlint_ml.parse" in modules  # the probe really parsed
    assert {name for name in modules if name.split(".")[0] == "dockerfile_parse"} == set()
