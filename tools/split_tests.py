"""Split the per-family rule tests into one test module per rule (a one-off migration, kept as a record).

    python tools/split_tests.py [--dry-run]

For each ``tests/test_rules_<family>.py`` it writes ``tests/rules/<package>/`` (the package of the rule modules,
``dockerlint_ml/rules/<package>/``):

* ``test_mlNNN_<name>.py`` per rule, named like the rule module, with the test functions of that rule: those whose
  name contains the rule's ID (``test_ml206_*``), else those whose body (decorators included) names exactly one
  rule ID as a string (``lint(text, ["ML206"])``, ``_lines(text, "ML206")``);
* ``test_shared.py``: tests naming several rules, or none (tests of the family's shared helpers);
* ``helpers.py``: the old module's other module-level statements (helpers, constants), imported by the test
  modules that use them (never duplicated);
* ``__init__.py``.

From ``tests/test_fix.py`` it moves the per-rule fixer tests (sections "Safe fixes" and "Unsafe fixes"; a test
whose body names exactly one rule ID) next to their rule's tests, renamed ``test_mlNNN_fix_<old name>``; tests of
several fixers or of shared fix helpers stay. Their helpers (``fixed``, ``dd``, ``linter``) live in
``tests/conftest.py``.

Source text is copied as written (comment lines directly above a definition go with it); imports are derived
from the names each new module uses, relative ones get the dots of the new location. The old family modules are
deleted. Run ``ruff check --fix tests`` and ``ruff format tests`` afterwards (import sorting, unused imports).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
RULES = ROOT / "dockerlint_ml" / "rules"

#: tests/test_rules_<key>.py → the rule package the tests belong to
PACKAGE_OF = {"cache": "layers", "repro": "reproducibility"}
RULE_ID = re.compile(r"\bML\d{3}\b")
ID_IN_NAME = re.compile(r"ml(\d{3})(?![0-9])", re.IGNORECASE)
#: the sections of tests/test_fix.py that hold per-rule fixer tests
FIX_SECTIONS = ("# Safe fixes", "# Unsafe fixes")
FIX_SECTIONS_END = "# Applying edits"


def rule_modules() -> dict[str, tuple[str, str]]:
    """Rule ID → (package, module stem), from ``dockerlint_ml/rules/<package>/mlNNN_<name>.py``."""
    found = {}
    for path in sorted(RULES.glob("*/ml[0-9][0-9][0-9]_*.py")):
        found["ML" + path.stem[2:5]] = (path.parent.name, path.stem)
    return found


@dataclass
class Source:
    """One old test module: its text, imports, module-level definitions and test functions."""

    path: Path
    package: str
    lines: list[str]
    tree: ast.Module
    imports: dict[str, ast.stmt] = field(default_factory=dict)  # bound name → a one-name import statement
    defined: set[str] = field(default_factory=set)
    helper_spans: list[tuple[int, int]] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path, package: str) -> Source:
        text = path.read_text(encoding="utf-8")
        source = cls(path, package, text.splitlines(keepends=True), ast.parse(text))
        for node in source.tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                    continue
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    one = (
                        ast.ImportFrom(node.module, [alias], node.level)
                        if isinstance(node, ast.ImportFrom)
                        else (ast.Import([alias]))
                    )
                    source.imports[bound] = one
            elif isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                continue
            elif isinstance(node, ast.Expr) and node is source.tree.body[0]:
                continue  # the module docstring
            else:
                source.defined |= bound_names(node)
                source.helper_spans.append(source.span(node))
        return source

    def span(self, node: ast.stmt) -> tuple[int, int]:
        """0-based [start, end) line range of ``node``, with its decorators and the comments directly above."""
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
        while start > 0 and self.lines[start - 1].lstrip().startswith("#") and not is_separator(self.lines[start - 1]):
            start -= 1
        return start, node.end_lineno or node.lineno

    def text(self, span: tuple[int, int]) -> str:
        return "".join(self.lines[span[0] : span[1]]).rstrip("\n") + "\n"


def is_separator(line: str) -> bool:
    return line.strip().startswith("# ---")


def bound_names(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return {n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)}


def used_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def ids_in_body(node: ast.FunctionDef) -> set[str]:
    return {
        match
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
        for match in RULE_ID.findall(n.value)
    }


def rule_of(node: ast.FunctionDef) -> str | None:
    """The one rule a test is about: the ID in its name, else the only rule ID its body names."""
    in_name = {"ML" + m for m in ID_IN_NAME.findall(node.name)}
    if in_name:
        return in_name.pop() if len(in_name) == 1 else None
    in_body = ids_in_body(node)
    return in_body.pop() if len(in_body) == 1 else None


@dataclass
class Moved:
    source: Source
    node: ast.FunctionDef
    name: str  # the (possibly new) function name


def import_line(stmt: ast.stmt, extra_dots: int) -> str:
    if isinstance(stmt, ast.ImportFrom) and stmt.level:
        stmt = ast.ImportFrom(stmt.module, stmt.names, stmt.level + extra_dots)
    return ast.unparse(stmt) + "\n"


def header(docstring: str, imports: list[str]) -> str:
    return f'"""{docstring}"""\n\nfrom __future__ import annotations\n\n' + "".join(sorted(set(imports))) + "\n\n"


def imports_for(names: set[str], source: Source, package: str) -> list[str]:
    """Import lines for ``names`` as used by a module in ``tests/rules/<package>/``."""
    lines = []
    helpers = ".helpers" if source.package == package else f"..{source.package}.helpers"
    for name in sorted(names):
        if name in source.imports:
            lines.append(import_line(source.imports[name], extra_dots=2))
        elif name in source.defined:
            lines.append(f"from {helpers} import {name}\n")
    return lines


def write_module(path: Path, text: str, dry_run: bool) -> None:
    print(f"write {path.relative_to(ROOT)}")
    if not dry_run:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def fixer_tests(path: Path, rules: dict[str, tuple[str, str]]) -> tuple[Source, list[Moved]]:
    source = Source.read(path, "fix")
    start = next(i for i, line in enumerate(source.lines) if line.startswith(FIX_SECTIONS[0]))
    end = next(i for i, line in enumerate(source.lines) if line.startswith(FIX_SECTIONS_END))
    moved = []
    for node in source.tree.body:
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and start < node.lineno < end):
            continue
        rule = rule_of(node)
        if rule is None or ID_IN_NAME.search(node.name) or rule not in rules:
            continue
        moved.append(Moved(source, node, f"test_{rule.lower()}_fix_{node.name.removeprefix('test_')}"))
    return source, moved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    rules = rule_modules()
    targets: dict[tuple[str, str], list[Moved]] = defaultdict(list)  # (package, module stem) → tests
    sources = []
    for path in sorted(TESTS.glob("test_rules_*.py")):
        key = path.stem.removeprefix("test_rules_")
        source = Source.read(path, PACKAGE_OF.get(key, key))
        sources.append(source)
        for node in source.tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                rule = rule_of(node)
                package, stem = rules.get(rule or "", (source.package, "test_shared"))
                if stem != "test_shared":
                    stem = "test_" + stem
                targets[package, stem].append(Moved(source, node, node.name))
    fix_source, fixes = fixer_tests(TESTS / "test_fix.py", rules)
    for moved in fixes:
        package, stem = rules[rule_of(moved.node)]  # type: ignore[index]
        targets[package, "test_" + stem].append(moved)

    names = {stem: package for package, stem in rules.values()}
    for (package, stem), tests in sorted(targets.items()):
        if stem == "test_shared":
            doc = f"Tests of several {package} rules, or of the helpers they share."
        else:
            rule_stem = stem.removeprefix("test_")
            rule_id = "ML" + rule_stem[2:5]
            assert names[rule_stem] == package
            doc = f"{rule_id} {rule_stem[6:].replace('_', '-')}: detection cases and, for a fixable rule, fix cases."
        imports, bodies = [], []
        for moved in tests:
            if moved.source.package != "fix":
                imports += imports_for(used_names(moved.node), moved.source, package)
            else:
                imports += [
                    import_line(moved.source.imports[n], 2) for n in used_names(moved.node) & set(moved.source.imports)
                ]
            text = moved.source.text(moved.source.span(moved.node))
            if moved.name != moved.node.name:
                text = text.replace(f"def {moved.node.name}(", f"def {moved.name}(", 1)
            bodies.append(text)
        write_module(TESTS / "rules" / package / f"{stem}.py", header(doc, imports) + "\n\n".join(bodies), args.dry_run)

    for source in sources:
        directory = TESTS / "rules" / source.package
        write_module(directory / "__init__.py", "", args.dry_run)
        if source.defined:
            needed: set[str] = set()
            for node in source.tree.body:
                if source.span(node) in source.helper_spans:
                    needed |= used_names(node)
            imports = [import_line(source.imports[n], 2) for n in needed & set(source.imports)]
            doc = f"Helpers of the tests in tests/rules/{source.package}/ (module-level in {source.path.name} before)."
            body = "\n\n".join(source.text(span) for span in source.helper_spans)
            write_module(directory / "helpers.py", header(doc, imports) + body, args.dry_run)
        print(f"remove {source.path.relative_to(ROOT)}")
        if not args.dry_run:
            source.path.unlink()

    # take the moved fixer tests out of tests/test_fix.py
    drop = sorted((fix_source.span(m.node) for m in fixes), reverse=True)
    lines = list(fix_source.lines)
    for start, end in drop:
        while end < len(lines) and not lines[end].strip():
            end += 1
        del lines[start:end]
    print(f"moved {len(fixes)} fixer tests out of tests/test_fix.py")
    if not args.dry_run:
        fix_source.path.write_text("".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
