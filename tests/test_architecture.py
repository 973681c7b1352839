"""Import contracts, checked on the static import graph of ``dockerlint_ml``.

The graph holds every import the code can run: top-level ones, function-level ("lazy") ones and
``TYPE_CHECKING`` ones, with relative imports resolved. A lazy import is for start-up cost only, never a way
to hide a cycle, so it counts like any other.

Layers, lowest first; a module may import its own layer and the layers below, never one above:

    model <- analysis <- edits <- rules <- engine <- report/cli

(`edits` is `fix/edits.py`, the span/insertion helpers rules' ``fix`` methods use; the rest of `fix/` is engine.)
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = "dockerlint_ml"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

#: rule modules every rule module may import
RULE_SHARED = frozenset({f"{PACKAGE}.rules.base", f"{PACKAGE}.rules.common"})

LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    # "" is the package itself (`__version__`); records and lazy_re: value-class base and lazy regexes
    ("model", frozenset({"", "model", "records", "lazy_re"})),
    (
        "analysis",
        frozenset(
            {
                "roles",
                "runtime",
                "baseimages",
                "images",
                "logical_text",
                "variables",
                "shell",
                "parse",
                "knowledge",
                "facts",
                "analysis",
                "dockerignore",
            }
        ),
    ),
    # the edit helpers a rule's `fix` method imports (lazily); the rest of fix/ is engine
    ("edits", frozenset({"fix.edits"})),
    ("rules", frozenset({"rules"})),
    # `fix` re-lints to a fixpoint, so it sits with the linter (batch imports it)
    (
        "engine",
        frozenset(
            {"lint", "results", "batch", "suppress", "settings", "config", "registry", "files", "context", "fix"}
            | {"migrate"}  # hadolint's codes for suppress.py, `--import-hadolint` for the CLI
            | {"buildfiles"}  # which context/targets a Compose or Bake file gives (the CLI and lint ask)
        ),
    ),
    # `pages` (the rule pages) is read only by the CLI and the SARIF reporter
    (
        "report/cli",
        frozenset({"report", "cli", "app", "command", "console", "__main__", "pages", "lsp"}),
    ),  # lsp: `mllint --lsp`
)


def _module_name(path: Path) -> tuple[str, str]:
    """(dotted module name, the package its relative imports resolve against)."""
    parts = (PACKAGE, *path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        name = ".".join(parts[:-1])
        return name, name
    return ".".join(parts), ".".join(parts[:-1])


@cache
def modules() -> dict[str, tuple[Path, str]]:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        name, package = _module_name(path)
        found[name] = (path, package)
    return found


def _imports(tree: ast.AST, package: str, known: dict[str, object]) -> set[str]:
    targets: set[str] = set()
    for node in ast.walk(tree):  # every level: module, function bodies, `if TYPE_CHECKING:` blocks
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:  # `from . import knowledge` imports a module, not a name
                submodule = f"{target}.{alias.name}"
                targets.add(submodule if submodule in known else target)
    return {t for t in targets if t == PACKAGE or t.startswith(PACKAGE + ".")}


def _resolve(target: str, known: dict[str, object]) -> str:
    """The module a dotted import target names (``pkg.mod.attr`` -> ``pkg.mod``)."""
    while target not in known and "." in target:
        target = target.rsplit(".", 1)[0]
    return target


@cache
def graph() -> dict[str, frozenset[str]]:
    known = modules()
    edges: dict[str, frozenset[str]] = {}
    for name, (path, package) in known.items():
        targets = _imports(ast.parse(path.read_text(encoding="utf-8"), str(path)), package, known)
        edges[name] = frozenset(_resolve(t, known) for t in targets) - {name}
    return edges


def layer_of(module: str) -> int | None:
    """The layer of the longest LAYERS entry that is ``module`` or a package containing it."""
    parts = module.removeprefix(PACKAGE).removeprefix(".").split(".")
    for length in range(len(parts), 0, -1):
        prefix = ".".join(parts[:length])
        for index, (_label, members) in enumerate(LAYERS):
            if prefix in members:
                return index
    return None


def _format(edges: list[tuple[str, str]]) -> str:
    return "\n".join(f"  {a} -> {b}" for a, b in sorted(edges))


def strongly_connected_components(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative); only components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _cycle_report(edges: dict[str, frozenset[str]]) -> str:
    lines = []
    for component in strongly_connected_components(edges):
        members = set(component)
        inside = [(a, b) for a in component for b in edges[a] if b in members]
        lines.append(f"component {component}:\n{_format(inside)}")
    return "\n".join(lines)


def upward_edges() -> list[tuple[str, str]]:
    return [
        (source, target)
        for source, targets in graph().items()
        for target in targets
        if (layer_of(source) or 0) < (layer_of(target) or 0)
    ]


# ---------------------------------------------------------------------------------------------------------
# The graph builder itself


def test_graph_sees_lazy_relative_and_type_checking_imports():
    code = (
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "from ..model import Severity\n"
        "from . import base\n"
        "import dockerlint_ml.shell as sh\n"
        "if TYPE_CHECKING:\n"
        "    from ..lint import FileResult\n"
        "def f():\n"
        "    from .. import knowledge as kb\n"
        "    from .common import any_after\n"
    )
    names = ("model", "rules", "rules.base", "rules.common", "shell", "lint", "knowledge")
    known = dict.fromkeys(f"dockerlint_ml.{name}" for name in names)
    targets = {_resolve(t, known) for t in _imports(ast.parse(code), "dockerlint_ml.rules", known)}
    assert targets == {
        "dockerlint_ml.model",
        "dockerlint_ml.rules.base",
        "dockerlint_ml.shell",
        "dockerlint_ml.lint",
        "dockerlint_ml.knowledge",
        "dockerlint_ml.rules.common",
    }


def test_graph_finds_the_package():
    edges = graph()
    assert f"{PACKAGE}.lint" in edges and f"{PACKAGE}.rules.base" in edges
    assert f"{PACKAGE}.rules.base" in edges[f"{PACKAGE}.lint"]


def test_cycle_finder():
    edges = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset({"a"})}
    assert strongly_connected_components(edges) == [["a", "b", "c"]]
    assert strongly_connected_components({"a": frozenset({"b"}), "b": frozenset()}) == []


# ---------------------------------------------------------------------------------------------------------
# The contracts


def test_every_module_has_a_layer():
    unplaced = sorted(module for module in graph() if layer_of(module) is None)
    assert not unplaced, f"modules in no layer (add them to LAYERS in {Path(__file__).name}): {unplaced}"


def _family(module: str) -> str | None:
    """``dockerlint_ml.rules.size`` for the family package and every module in it."""
    parts = module.split(".")
    return ".".join(parts[:3]) if len(parts) >= 3 and parts[:2] == [PACKAGE, "rules"] else None


def _may_import(source: str, target: str) -> bool:
    """Besides rules.base/rules.common: a family's own `_shared` helpers, and the family package (its
    `__init__`) aggregating its own rule modules."""
    if target in RULE_SHARED:
        return True
    family = _family(source)
    if family is None or family != _family(target):
        return False
    return target == f"{family}._shared" or source == family


def test_no_rule_module_imports_another_rule_module():
    """One module per rule: a rule module imports rules.base, rules.common and its family's `_shared`, never
    another rule module. A helper two rule families share belongs in `analysis/` (or `rules/common.py`)."""
    prefix = f"{PACKAGE}.rules."
    offending = [
        (source, target)
        for source, targets in graph().items()
        if source.startswith(prefix) and source not in RULE_SHARED
        for target in targets
        if target.startswith(prefix) and not _may_import(source, target)
    ]
    assert not offending, "rule modules importing other rule modules:\n" + _format(offending)


def test_rule_contract_sees_sibling_and_cross_family_imports():
    size, gpu = f"{PACKAGE}.rules.size", f"{PACKAGE}.rules.gpu"
    assert _may_import(f"{size}.ml206_pip_cache_kept", f"{size}._shared")
    assert _may_import(size, f"{size}.ml206_pip_cache_kept")
    assert _may_import(f"{gpu}.ml501_x", f"{PACKAGE}.rules.base")
    assert not _may_import(f"{size}.ml206_pip_cache_kept", f"{size}.ml204_apt_lists_not_removed")
    assert not _may_import(f"{size}.ml206_pip_cache_kept", size)
    assert not _may_import(f"{size}.ml206_pip_cache_kept", f"{gpu}._shared")
    assert not _may_import(f"{size}._shared", f"{size}.ml206_pip_cache_kept")
    assert not _may_import(size, gpu)


def test_shared_rule_modules_import_no_rule_family():
    prefix = f"{PACKAGE}.rules."
    offending = [
        (source, target)
        for source in sorted(RULE_SHARED)
        for target in graph().get(source, ())
        if target.startswith(prefix) and target not in RULE_SHARED
    ]
    assert not offending, "rules/base.py or rules/common.py importing a rule family:\n" + _format(offending)


def test_fix_package_imports_no_rule_module():
    """The fix engine (edit helpers, application, the re-lint loop) knows nothing of individual rules: it gets
    the rules with their `fix` methods from its caller."""
    offending = [
        (source, target)
        for source, targets in graph().items()
        if source == f"{PACKAGE}.fix" or source.startswith(f"{PACKAGE}.fix.")
        for target in targets
        if target.startswith(f"{PACKAGE}.rules")
    ]
    assert not offending, "fix/ importing rule modules:\n" + _format(offending)


def test_reporters_read_results_not_the_engine():
    """Reporters depend on the result records (results.py) and the model, not on the linting engine."""
    engine = {f"{PACKAGE}.{name}" for name in ("lint", "batch", "suppress", "registry", "fix")}
    offending = [
        (source, target)
        for source, targets in graph().items()
        if source.startswith(f"{PACKAGE}.report.")
        for target in targets
        if target in engine or target.startswith(f"{PACKAGE}.fix.")
    ]
    assert not offending, "reporters importing the engine:\n" + _format(offending)


def test_no_module_imports_a_higher_layer():
    """model <- analysis <- edits <- rules <- engine <- report/cli."""
    offending = upward_edges()
    assert not offending, "imports from a lower layer into a higher one:\n" + _format(offending)


def test_analysis_package_imports_no_rules_engine_or_report():
    offending = [
        (source, target)
        for source, targets in graph().items()
        if source == f"{PACKAGE}.analysis" or source.startswith(f"{PACKAGE}.analysis.")
        for target in targets
        if (layer_of(target) or 0) > 1
    ]
    assert not offending, "analysis/ importing above its layer:\n" + _format(offending)


def test_model_imports_nothing_above_it():
    """The model is data: it neither parses nor analyses (`Instruction.pairs` is filled at parse time)."""
    model = f"{PACKAGE}.model"
    offending = [(model, target) for target in graph()[model] if (layer_of(target) or 0) > 0]
    assert not offending, "the model layer imports from above it:\n" + _format(offending)


def test_no_import_cycles():
    """No strongly connected component, lazy imports included: a lazy import may save start-up time, never
    hide a cycle."""
    report = _cycle_report(graph())
    assert not report, "import cycles:\n" + report
