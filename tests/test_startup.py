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
#: standard modules the plain path does without (1-2 ms each): ``typing`` (write ``TYPE_CHECKING = False`` /
#: ``if TYPE_CHECKING: from typing import Any`` as the lint-path modules do; tree-sitter is loaded without its
#: ``__init__``, which imports it), ``pathlib`` (os.path), ``urllib.parse`` (``analysis.urls.split_url``),
#: ``datetime`` (ISO dates compare as strings), ``dataclasses`` (``records.Record``), ``threading``, ``tomllib``
#: (only when a config mentions mllint), ``difflib`` (--diff only)
STDLIB_OFF_PATH = ("typing", "pathlib", "urllib.parse", "datetime", "dataclasses", "threading", "tomllib", "difflib")
STDLIB_HINT = "a module on the plain lint path imports one of STDLIB_OFF_PATH at run time (see the comment there)"
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


def interpreter_modules() -> set[str]:
    """What the bare interpreter has imported (a site-packages ``.pth`` file may import typing itself)."""
    done = subprocess.run(
        [sys.executable, "-c", "import json, sys; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    return set(json.loads(done.stdout))


def heavy(modules: set[str]) -> set[str]:
    return {name for name in modules if name.split(".")[0] in HEAVY or name in HEAVY}


def test_text_path_stays_lean(tmp_path):
    modules = modules_after(tmp_path, "Dockerfile")
    assert "dockerlint_ml.rules.size" in modules  # the probe really linted
    assert heavy(modules) == set()
    assert "click" not in modules  # a plain `mllint FILE` needs no argument parser (cli.plain_paths)
    assert set(STDLIB_OFF_PATH) & (modules - interpreter_modules()) == set(), STDLIB_HINT
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


CLEAN = 'FROM python:3.11-slim\nRUN pip install --no-cache-dir flask==3.0.0\nUSER 1000\nCMD ["python", "app.py"]\n'
#: what a clean small file must not load (issue 13): the fix machinery and its diff (difflib), the config
#: reader without a config file (tomllib), tree-sitter-bash's package __init__ (importlib.resources, tempfile)
NOT_ON_THE_CLEAN_PATH = (
    "difflib",
    "tomllib",
    "tempfile",
    "importlib.resources",
    "importlib.util",
    "tree_sitter_bash",
    "dockerlint_ml.fix.loop",
    "dockerlint_ml.fix.edits",
    "dockerlint_ml.report.json",
)


def _interpreter_modules() -> set[str]:
    """What this interpreter loads by itself (a dev environment's site .pth files may import some of the
    modules above): only modules mllint adds count."""
    done = subprocess.run(
        [sys.executable, "-c", "import json, sys; print(json.dumps(sorted(sys.modules)), file=sys.stderr)"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_clean_small_file_loads_no_fix_config_or_package_init_machinery(tmp_path):
    (tmp_path / "Clean.Dockerfile").write_text(CLEAN)
    modules = modules_after(tmp_path, "--isolated", "Clean.Dockerfile") - _interpreter_modules()
    assert "dockerlint_ml.rules.size" in modules  # the probe really linted
    assert {name for name in NOT_ON_THE_CLEAN_PATH if name in modules} == set()


def test_value_classes_and_patterns_are_lazy_on_the_text_path(tmp_path):
    """The model's value classes are plain classes (records.py), and the rule modules' patterns compile on
    first use (lazy_re.py): ``dataclasses`` still loads for a few engine records, but the model does not use it."""
    probe = (
        "import sys; import dockerlint_ml.model, dockerlint_ml.registry;"
        "from dockerlint_ml.lazy_re import LazyPattern;"
        "import dockerlint_ml.rules.size._shared as s;"
        "print(type(s._GLOB).__name__, s._GLOB._compiled is None,"
        " hasattr(dockerlint_ml.model.Span, '__dataclass_fields__'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.stdout.split() == ["LazyPattern", "True", "False"], done.stderr
