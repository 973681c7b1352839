"""Split a rule-family module into a package with one module per rule (a one-off migration, kept as a record
and for plugins that want the same layout).

    python tools/split_rules.py dockerlint_ml/rules/size.py [--package size] [--dry-run]

For ``rules/<family>.py`` it writes ``rules/<package>/``:

* ``mlNNN_<name>.py`` per ``Rule`` subclass with an ``id``: the class, the module-level helpers only it uses
  (transitively), and the imports those need;
* ``_shared.py``: helpers used by several rules of the family, and public helpers no rule uses (tests and other
  code import them);
* ``__init__.py``: the family docstring, re-exports of every public name the old module had (old import paths
  keep working) and ``RULES``, discovered from the ``ml*.py`` modules and sorted by ID.

Source text is copied as written (comments included; ``# ----`` separator lines dropped); relative imports,
also those inside functions, get one more dot. Module-level statements keep their order. The old module is
deleted. Run ``ruff check --fix`` and ``ruff format`` afterwards (import sorting, line wrapping).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

SEPARATOR = re.compile(r"^# -{20,}\s*$")
RELATIVE_IMPORT = re.compile(r"^(\s*)from (\.+)", re.MULTILINE)


@dataclass
class Node:
    """One top-level statement of the old module, with the comment lines above it."""

    index: int
    node: ast.stmt
    text: str
    defines: set[str] = field(default_factory=set)
    uses: set[str] = field(default_factory=set)
    rule_id: str | None = None
    rule_name: str | None = None


@dataclass(frozen=True)
class Imported:
    module: str  # as written, without the leading dots
    level: int  # in the new module (one more than in the old one for relative imports)
    name: str  # None for `import x`
    asname: str | None
    type_checking: bool = False


def _names_used(node: ast.AST) -> set[str]:
    used = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            used.add(child.id)
        elif isinstance(child, ast.Attribute):
            pass  # its value is a Name and counted
    return used


def _defined(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Assign):
        names = set()
        for target in node.targets:
            for child in ast.walk(target):
                if isinstance(child, ast.Name):
                    names.add(child.id)
        return names
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    return set()


def _rule_meta(node: ast.stmt) -> tuple[str, str] | None:
    if not isinstance(node, ast.ClassDef):
        return None
    found = {}
    for statement in node.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name) and isinstance(statement.value, ast.Constant):
                found[target.id] = statement.value.value
    if isinstance(found.get("id"), str) and isinstance(found.get("name"), str):
        return found["id"], found["name"]
    return None


def _bump_relative(text: str) -> str:
    return RELATIVE_IMPORT.sub(lambda m: f"{m.group(1)}from {m.group(2)}.", text)


def _clean(text: str) -> str:
    lines = [line for line in text.splitlines() if not SEPARATOR.match(line)]
    return "\n".join(lines).strip("\n") + "\n"


def _render_imports(imports: list[Imported]) -> str:
    plain = sorted({(i.module, i.asname) for i in imports if i.name is None and not i.type_checking})
    grouped: dict[tuple[int, str, bool], list[str]] = {}
    for item in imports:
        if item.name is None:
            continue
        alias = f"{item.name} as {item.asname}" if item.asname else item.name
        grouped.setdefault((item.level, item.module, item.type_checking), []).append(alias)
    lines = [f"import {module}" + (f" as {asname}" if asname else "") for module, asname in plain]
    checking = []
    for (level, module, type_checking), names in sorted(grouped.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        dots = "." * level
        line = f"from {dots}{module} import {', '.join(sorted(set(names)))}"
        (checking if type_checking else lines).append(line)
    if checking:
        lines.append("from typing import TYPE_CHECKING")
        lines.append("\nif TYPE_CHECKING:\n" + "\n".join("    " + line for line in checking))
    return "\n".join(lines) + "\n"


def split(path: Path, package: str, dry_run: bool = False) -> dict[Path, str]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    docstring = ast.get_docstring(tree, clean=False) or ""

    imports: dict[str, Imported] = {}  # bound name -> where from
    nodes: list[Node] = []
    previous_end = 0
    for index, statement in enumerate(tree.body):
        start = statement.lineno - 1 - len(getattr(statement, "decorator_list", []) or [])
        leading = "".join(lines[previous_end:start])
        text = leading + "".join(lines[start : statement.end_lineno])
        previous_end = statement.end_lineno
        if index == 0 and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # the module docstring
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            continue
        if isinstance(statement, (ast.Import, ast.ImportFrom)) or (
            isinstance(statement, ast.If) and ast.unparse(statement.test) == "TYPE_CHECKING"
        ):
            checking = isinstance(statement, ast.If)
            for item in statement.body if checking else [statement]:
                if isinstance(item, ast.Import):
                    for alias in item.names:
                        bound = alias.asname or alias.name.split(".")[0]
                        imports[bound] = Imported(alias.name, 0, None, alias.asname, checking)
                elif isinstance(item, ast.ImportFrom):
                    for alias in item.names:
                        bound = alias.asname or alias.name
                        level = item.level + 1 if item.level else 0
                        imports[bound] = Imported(item.module or "", level, alias.name, alias.asname, checking)
            continue
        defines = _defined(statement)
        if defines & {"RULES", "__all__"}:
            continue
        node = Node(index, statement, text, defines, _names_used(statement) - defines)
        meta = _rule_meta(statement)
        if meta:
            node.rule_id, node.rule_name = meta
        nodes.append(node)
    old_all = []
    for statement in tree.body:
        if "__all__" in _defined(statement):
            old_all = [element.value for element in statement.value.elts]  # type: ignore[union-attr]

    by_name = {name: node for node in nodes for name in node.defines}
    rules = [node for node in nodes if node.rule_id]
    rule_names = {name for node in rules for name in node.defines}

    def closure(node: Node) -> set[int]:
        seen: set[int] = set()
        work = [node]
        while work:
            current = work.pop()
            for name in current.uses:
                dependency = by_name.get(name)
                if dependency is None or dependency.index in seen or dependency is node:
                    continue
                if dependency.rule_id:
                    raise SystemExit(f"{path}: {current.defines} uses the rule class {name}: split by hand")
                seen.add(dependency.index)
                work.append(dependency)
        return seen

    users: dict[int, set[str]] = {}
    closures = {}
    for rule in rules:
        closures[rule.rule_id] = closure(rule)
        for index in closures[rule.rule_id]:
            users.setdefault(index, set()).add(rule.rule_id)
    home: dict[int, str] = {}  # node index -> module stem
    stems = {rule.rule_id: f"{rule.rule_id.lower()}_{rule.rule_name.replace('-', '_')}" for rule in rules}
    for node in nodes:
        if node.rule_id:
            home[node.index] = stems[node.rule_id]
        elif len(users.get(node.index, ())) == 1:
            home[node.index] = stems[next(iter(users[node.index]))]
        else:
            home[node.index] = "_shared"

    out: dict[Path, str] = {}
    target = path.parent / package
    shared_names = {name for node in nodes if home[node.index] == "_shared" for name in node.defines}

    def module_text(stem: str, members: list[Node], doc: str) -> str:
        body = "\n\n".join(_bump_relative(_clean(node.text)).rstrip("\n") for node in members)
        used = set().union(*(node.uses for node in members)) if members else set()
        defined = {name for node in members for name in node.defines}
        wanted = [imports[name] for name in sorted(used - defined) if name in imports]
        from_shared = sorted((used - defined) & shared_names)
        if stem != "_shared" and from_shared:
            wanted += [Imported("_shared", 1, name, None) for name in from_shared]
        missing = sorted(
            name
            for name in used - defined - set(imports) - shared_names
            if name in by_name and home[by_name[name].index] != stem
        )
        if missing:
            raise SystemExit(f"{stem}: needs {missing} from another rule module")
        header = f'"""{doc}"""\n\nfrom __future__ import annotations\n\n'
        return header + _render_imports(wanted) + "\n\n" + body + "\n"

    for rule in rules:
        stem = stems[rule.rule_id]
        members = [node for node in nodes if home[node.index] == stem]
        summary = next(
            (
                s.value.value
                for s in rule.node.body
                if isinstance(s, ast.Assign)
                and isinstance(s.targets[0], ast.Name)
                and s.targets[0].id == "summary"
                and isinstance(s.value, ast.Constant)
            ),
            "",
        )
        doc = f"{rule.rule_id} {rule.rule_name}: {summary}."
        doc = "\n".join(textwrap.wrap(doc, 117)) + f"\n\nReference page: rules/{rule.rule_id}.md.\n"
        out[target / f"{stem}.py"] = module_text(stem, members, doc)
    shared = [node for node in nodes if home[node.index] == "_shared"]
    if shared:
        doc = f"Helpers that several rules of the {package} family use (no other family imports them).\n"
        out[target / "_shared.py"] = module_text("_shared", shared, doc)

    # the family package: re-exports for old import paths, RULES discovered
    public = sorted({name for node in nodes for name in node.defines if not name.startswith("_")} | set(old_all))
    reexports: dict[str, list[str]] = {}
    for name in public:
        if name in by_name:
            reexports.setdefault(home[by_name[name].index], []).append(name)
        elif name in imports:
            reexports.setdefault("<imported>", []).append(name)
    init_imports = []
    for stem, names in sorted(reexports.items()):
        if stem == "<imported>":
            init_imports += [imports[name] for name in names]
        else:
            init_imports += [Imported(stem, 1, name, None) for name in names]
    init_imports.append(Imported("base", 2, "rules_in_package", None))
    rendered = _render_imports(init_imports)
    family_doc = docstring.strip("\n") + (
        "\n\nOne module per rule (``mlNNN_<name>.py``); ``RULES`` is discovered from them, ordered by ID. The "
        "names\nbelow are re-exported so the old import paths keep working.\n"
    )
    all_names = sorted(set(public) | rule_names)
    init = (
        f'"""{family_doc}"""\n\nfrom __future__ import annotations\n\n{rendered}\n'
        f"__all__ = {all_names!r}\n\n"
        "RULES = rules_in_package(__name__, __path__)\n"
    )
    out[target / "__init__.py"] = init
    if not dry_run:
        target.mkdir(exist_ok=True)
        for file, text in out.items():
            file.write_text(text, encoding="utf-8")
        path.unlink()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", type=Path)
    parser.add_argument("--package", help="the package name (default: the module's)")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    written = split(args.module, args.package or args.module.stem, args.dry_run)
    for file, text in written.items():
        print(f"{file}: {len(text.splitlines())} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
