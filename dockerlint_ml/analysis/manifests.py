"""Project manifests and lock files a COPY brings in: ``pyproject.toml`` (PEP 621, ``[tool.poetry]``,
``[tool.uv]``), ``uv.lock``, ``poetry.lock`` and conda's ``environment.yml``, and the install commands that read
them (``pip install .``, ``uv sync``, ``poetry install``, ``conda env create -f``).

``manifest_install`` tells, for one shell command, which manifest it installs from (read through the build
context, as the COPYs before it placed it), which dependencies that manifest leaves without any version
constraint, and the lock file that decides the versions instead (None when the tool resolves afresh: pip
ignores lock files). Requirement strings go through ``packages`` (the one requirement parser).
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from ..model import Instruction, ShellCommand, Stage, Word
from ..records import Frozen, setfield
from ..variables import expand
from .packages import is_direct_reference, normalize, parse, vcs_without_ref

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any


class Dependency(Frozen):
    """One dependency a manifest declares."""

    _fields = ("name", "key", "text", "constrained")
    __slots__ = _fields
    name: str  # as written, with extras (`uvicorn[standard]`)
    key: str  # normalized project name
    text: str  # as written (`numpy>=1.26`, `numpy = "^1.26"`)
    constrained: bool  # any version constraint (`>=`, `^`, `==`), a path, URL or VCS ref; False: any release

    def __init__(self, name: str, key: str, text: str, constrained: bool) -> None:
        setfield(self, "name", name)
        setfield(self, "key", key)
        setfield(self, "text", text)
        setfield(self, "constrained", constrained)


class LockedPackage(Frozen):
    """One package entry of ``uv.lock`` / ``poetry.lock``."""

    _fields = ("key", "version", "source")
    __slots__ = _fields
    key: str
    version: str  # `2.3.1+cu121`
    source: str | None  # the registry / index URL it comes from

    def __init__(self, key: str, version: str, source: str | None = None) -> None:
        setfield(self, "key", key)
        setfield(self, "version", version)
        setfield(self, "source", source)


class Project(Frozen):
    """What ``pyproject.toml`` declares about dependencies."""

    _fields = ("dependencies", "optional", "poetry", "dynamic", "uv_pinned", "uv_index_of")
    __slots__ = _fields
    dependencies: tuple[Dependency, ...]  # [project].dependencies
    optional: Mapping[str, tuple[Dependency, ...]]  # [project.optional-dependencies]
    poetry: tuple[Dependency, ...]  # [tool.poetry.dependencies] without `python`
    dynamic: bool  # dependencies come from setup.py / a build backend: unknown here
    uv_pinned: frozenset[str]  # [tool.uv] constraint/override dependencies with a version
    uv_index_of: Mapping[str, str]  # package -> index URL ([tool.uv.sources])

    def __init__(
        self,
        dependencies: tuple[Dependency, ...] = (),
        optional: Mapping[str, tuple[Dependency, ...]] | None = None,
        poetry: tuple[Dependency, ...] = (),
        dynamic: bool = False,
        uv_pinned: frozenset[str] = frozenset(),
        uv_index_of: Mapping[str, str] | None = None,
    ) -> None:
        setfield(self, "dependencies", dependencies)
        setfield(self, "optional", ({}) if optional is None else optional)
        setfield(self, "poetry", poetry)
        setfield(self, "dynamic", dynamic)
        setfield(self, "uv_pinned", uv_pinned)
        setfield(self, "uv_index_of", ({}) if uv_index_of is None else uv_index_of)


class ManifestInstall(Frozen):
    """An install command that reads a manifest."""

    _fields = ("command", "manifest", "unpinned", "lock", "locked", "project", "at")
    __slots__ = _fields
    command: str  # `uv sync`, `pip install .`, `poetry install`, `conda env create`
    manifest: str  # the context path of the manifest
    unpinned: tuple[Dependency, ...]  # dependencies with no version constraint (empty when a lock decides)
    lock: str | None  # the context path of the lock file that decides the versions
    locked: tuple[LockedPackage, ...]  # the lock's packages
    project: Project | None
    at: Word | ShellCommand | None  # where findings point

    def __init__(
        self,
        command: str,
        manifest: str,
        unpinned: tuple[Dependency, ...],
        lock: str | None = None,
        locked: tuple[LockedPackage, ...] = (),
        project: Project | None = None,
        at: Word | ShellCommand | None = None,
    ) -> None:
        setfield(self, "command", command)
        setfield(self, "manifest", manifest)
        setfield(self, "unpinned", unpinned)
        setfield(self, "lock", lock)
        setfield(self, "locked", locked)
        setfield(self, "project", project)
        setfield(self, "at", at)


# Parsers (cached on the text: several rules and targets ask about the same file)


def _toml(text: str) -> dict | None:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads(text)
    except (ValueError, RecursionError):
        return None


def _pep508(text: str) -> Dependency | None:
    text = text.strip()
    if not text:
        return None
    if vcs_without_ref(text):
        return Dependency(text, normalize(text.rsplit("/", 1)[-1].removesuffix(".git")), text, False)
    requirement = parse(text)
    if requirement is None:
        return None
    name = requirement.name + requirement.extras_text.replace(" ", "")
    constrained = bool(requirement.specifier) or (is_direct_reference(text) and "@" in text)
    return Dependency(name, requirement.key, text, constrained)


def _poetry_dependency(name: str, value: Any) -> Dependency | None:
    """``numpy = "^1.26"``, ``torch = { version = "2.3.1", source = "pytorch" }``, ``x = { git = ..., rev = ... }``,
    a list of constraints per marker. ``*`` (or no version) means any release."""
    if isinstance(value, list):
        parts = [_poetry_dependency(name, item) for item in value]
        known = [part for part in parts if part is not None]
        if not known:
            return None
        return Dependency(name, normalize(name), known[0].text, all(part.constrained for part in known))
    if isinstance(value, str):
        return Dependency(name, normalize(name), f'{name} = "{value}"', value.strip() not in ("", "*"))
    if not isinstance(value, dict):
        return None
    extras = value.get("extras")
    written = name + (f"[{','.join(map(str, extras))}]" if isinstance(extras, list) and extras else "")
    if "git" in value:
        constrained = any(key in value for key in ("rev", "tag", "branch"))
    elif "path" in value or "url" in value:
        constrained = True
    else:
        constrained = str(value.get("version", "*")).strip() not in ("", "*")
    return Dependency(written, normalize(name), f"{name} = {value}", constrained)


@lru_cache(maxsize=64)
def read_pyproject(text: str) -> Project | None:
    """The dependency declarations of a ``pyproject.toml``; None when it is not valid TOML."""
    data = _toml(text)
    if data is None:
        return None
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    uv = tool.get("uv") if isinstance(tool.get("uv"), dict) else {}

    def strings(values: Any) -> tuple[Dependency, ...]:
        found = (_pep508(v) for v in values if isinstance(v, str)) if isinstance(values, list) else ()
        return tuple(d for d in found if d is not None)

    optional = project.get("optional-dependencies")
    poetry_deps = poetry.get("dependencies") if isinstance(poetry.get("dependencies"), dict) else {}
    pinned = [
        d.key
        for d in strings(uv.get("constraint-dependencies")) + strings(uv.get("override-dependencies"))
        if d.constrained
    ]
    dynamic = project.get("dynamic")
    return Project(
        dependencies=strings(project.get("dependencies")),
        optional={str(k): strings(v) for k, v in optional.items()} if isinstance(optional, dict) else {},
        poetry=tuple(
            d
            for d in (_poetry_dependency(str(k), v) for k, v in poetry_deps.items() if str(k).lower() != "python")
            if d is not None
        ),
        dynamic=isinstance(dynamic, list) and "dependencies" in dynamic,
        uv_pinned=frozenset(pinned),
        uv_index_of=_uv_index_of(uv),
    )


#: build backends/plugins that take the version from the git history: building the project needs `.git`
_VCS_VERSIONING = frozenset({"setuptools-scm", "versioneer", "hatch-vcs", "setuptools-git-versioning"})


def vcs_versioned(text: str) -> bool:
    """Whether a ``pyproject.toml`` takes its version from git: ``[tool.setuptools_scm]`` (or
    ``[tool.versioneer]``), or setuptools-scm / versioneer / hatch-vcs in ``[build-system] requires``."""
    data = _toml(text)
    if data is None:
        return False
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    if "setuptools_scm" in tool or "versioneer" in tool:
        return True
    build = data.get("build-system") if isinstance(data.get("build-system"), dict) else {}
    requires = build.get("requires") if isinstance(build.get("requires"), list) else []
    found = (parse(item) for item in requires if isinstance(item, str))
    return any(requirement is not None and requirement.key in _VCS_VERSIONING for requirement in found)


def _uv_index_of(uv: dict) -> dict[str, str]:
    """``[tool.uv.sources] torch = { index = "pytorch-cu121" }`` with ``[[tool.uv.index]]`` of that name: the
    index URL per package (a list of sources per marker: only when they all name one index)."""
    declared = uv.get("index") if isinstance(uv.get("index"), list) else []
    indexes = {
        str(item["name"]): str(item["url"])
        for item in declared
        if isinstance(item, dict) and "name" in item and "url" in item
    }
    found: dict[str, str] = {}
    sources = uv.get("sources") if isinstance(uv.get("sources"), dict) else {}
    for package, source in sources.items():
        entries = source if isinstance(source, list) else [source]
        names = {entry.get("index") for entry in entries if isinstance(entry, dict)}
        if len(names) == 1 and len(entries) == 1:
            name = names.pop()
            if name in indexes:
                found[normalize(str(package))] = indexes[name]
    return found


@lru_cache(maxsize=64)
def read_lock(text: str) -> tuple[LockedPackage, ...] | None:
    """The packages of a ``uv.lock`` or ``poetry.lock`` (both are TOML with ``[[package]]`` tables)."""
    data = _toml(text)
    if data is None or not isinstance(data.get("package"), list):
        return None
    packages = []
    for entry in data["package"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        source = entry.get("source")
        url = None
        if isinstance(source, dict):  # uv: { registry = URL }; poetry: [package.source] url = URL
            url = next((str(source[key]) for key in ("registry", "url") if isinstance(source.get(key), str)), None)
        packages.append(LockedPackage(normalize(entry["name"]), str(entry.get("version", "")), url))
    return tuple(packages)


@lru_cache(maxsize=32)
def read_environment(text: str) -> tuple[Dependency, ...] | None:
    """The conda ``dependencies`` of an ``environment.yml`` and the requirements of its ``pip:`` sublist."""
    import yaml  # only when an environment file is read

    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    entries = data.get("dependencies") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return None
    found: list[Dependency] = []
    for entry in entries:
        if isinstance(entry, str):
            spec = entry.strip().split("::")[-1]
            match = re.match(r"[A-Za-z0-9_][A-Za-z0-9._-]*", spec)
            if match:  # `numpy`, `numpy=1.26`, `numpy>=1.26`, `numpy 1.26.*`, `numpy[build=...]`
                found.append(Dependency(match.group(0), normalize(match.group(0)), entry, bool(spec[match.end() :])))
        elif isinstance(entry, dict) and isinstance(entry.get("pip"), list):
            for item in entry["pip"]:
                if isinstance(item, str) and not item.lstrip().startswith("-"):
                    dependency = _pep508(item)
                    if dependency is not None:
                        found.append(dependency)
    return tuple(found)


# Install commands


def manifest_install(
    lineage: Sequence[Stage], instruction: Instruction, command: ShellCommand, build_context: Any
) -> ManifestInstall | None:
    """The manifest ``command`` installs from, read through the build context; None when the command reads
    none, the file cannot be seen, or its dependencies are not declared there (``dynamic``, setup.py)."""
    if build_context is None or command.invocation is None:
        return None
    invocation = command.invocation
    tool, sub = command.tool, command.subcommand
    scope = instruction.scope

    cwd = directory_after_cd(instruction, command)
    if cwd is None:
        return None  # a `cd` to somewhere not known here

    def found(path: str) -> tuple[str, str] | None:
        from .gpu.copies import context_file_for

        return context_file_for(lineage, instruction, posixpath.join(cwd, path), build_context)

    def present(path: str) -> bool:
        """A file a COPY put there, readable or not (a uv.lock over the context's size limit)."""
        from .gpu.copies import context_file_for

        return context_file_for(lineage, instruction, posixpath.join(cwd, path), _Presence(build_context)) is not None

    def value(*names: str) -> str | None:
        values = invocation.values(*names)
        return expand(values[-1], scope)[0] if values else None

    if (tool == "pip" and sub == "install") or (tool == "uv" and sub == "pip install"):
        return _pip_project(invocation, command, scope, found)
    if tool == "uv" and sub == "sync":
        directory = value("--project", "--directory") or "."
        extras = invocation.values("--extra")
        return _locked_project(
            "uv sync", directory, "uv.lock", extras, invocation.has_flag("--all-extras"), command, found, present
        )
    if tool == "poetry" and sub == "install":
        directory = value("-C", "--directory") or "."
        extras = [e for v in invocation.values("-E", "--extras") for e in v.split()]
        return _locked_project(
            "poetry install",
            directory,
            "poetry.lock",
            extras,
            invocation.has_flag("--all-extras"),
            command,
            found,
            present,
        )
    if tool in ("conda", "mamba", "micromamba") and (
        sub in ("env create", "env update") or (tool == "micromamba" and sub in ("create", "install", "update"))
    ):
        path = value("-f", "--file") or ("environment.yml" if sub in ("env create", "env update") else None)
        if path is None or not path.endswith((".yml", ".yaml")):
            return None
        file = found(path)
        dependencies = read_environment(file[1]) if file else None
        if file is None or dependencies is None:
            return None
        where = invocation.option("-f", "--file")
        at = where.value if where is not None and where.value is not None else command
        name = f"{tool} {sub}"
        return ManifestInstall(name, file[0], tuple(d for d in dependencies if not d.constrained), at=at)
    return None


class _Presence:
    """A build context that answers "" for any regular file inside it, whatever its size: is a file there."""

    def __init__(self, build_context: Any) -> None:
        self.root = os.path.realpath(str(getattr(build_context, "root", "")))

    def read_text(self, relative_path: str) -> str | None:
        if not self.root or "\0" in relative_path:
            return None
        path = os.path.realpath(os.path.join(self.root, relative_path.lstrip("/")))
        inside = path.startswith(self.root + os.sep)
        return "" if inside and os.path.isfile(path) else None


def directory_after_cd(instruction: Instruction, command: ShellCommand) -> str | None:
    """``cd kserve && uv sync``: where the earlier ``cd`` commands of the RUN left the shell, relative to the
    WORKDIR ("." when none); None when a ``cd`` goes somewhere not known (``cd $DIR``, ``cd -``, ``cd``)."""
    directory = "."
    for earlier in instruction.commands:
        if earlier is command:
            return directory
        if earlier.name != "cd":
            continue
        arguments = [w for w in earlier.words[1:] if not w.text.startswith("-")]
        if len(arguments) != 1:
            return None
        target = expand(arguments[0].text, instruction.scope)[0] if arguments[0].has_expansion else arguments[0].text
        if "$" in target or target.startswith("~"):
            return None
        directory = posixpath.normpath(posixpath.join(directory, target))
    return directory


def _pip_project(invocation: Any, command: ShellCommand, scope: Mapping[str, str | None], found: Any) -> Any:
    """``pip install .``, ``pip install -e ".[serve]"``, ``uv pip install /app``: the project's pyproject.toml.
    Silent with ``--no-deps`` or a constraints/requirements file (it may pin what the project leaves open)."""
    if invocation.has_flag("--no-deps", "-c", "--constraint", "--constraints", "-r", "--requirement", "--override"):
        return None
    candidates: list[Word] = [o.value for o in invocation.options if o.name in ("-e", "--editable") and o.value]
    candidates += list(invocation.positionals)
    projects = []
    for word in candidates:
        text = expand(word.text, scope)[0] if word.has_expansion else word.text
        if not text.startswith((".", "/")) or text.endswith((".whl", ".tar.gz", ".zip")) or "$" in text:
            continue
        path, _, extras = text.partition("[")
        projects.append((word, path, [e.strip() for e in extras.rstrip("]").split(",") if e.strip()]))
    if len(projects) != 1:
        return None  # none, or several projects: one finding per file would need more care than it is worth
    word, path, extras = projects[0]
    file = found(posixpath.join(path, "pyproject.toml"))
    project = read_pyproject(file[1]) if file else None
    if file is None or project is None or project.dynamic:
        return None
    dependencies = _declared(project, extras, all_extras=False)
    pinned = project.uv_pinned if command.tool == "uv" else frozenset()
    unpinned = tuple(d for d in dependencies if not d.constrained and d.key not in pinned)
    name = "uv pip install" if command.tool == "uv" else "pip install"
    return ManifestInstall(f"{name} {word.text}", file[0], unpinned, project=project, at=word)


def _declared(project: Project, extras: Sequence[str], all_extras: bool) -> list[Dependency]:
    """PEP 621 dependencies (and the extras asked for), else Poetry's own table."""
    dependencies = list(project.dependencies)
    wanted = {normalize(e) for e in extras}
    for extra, items in project.optional.items():
        if all_extras or normalize(extra) in wanted:
            dependencies += items
    if not project.dependencies and not project.optional:
        dependencies += [d for d in project.poetry]
    return dependencies


def _locked_project(
    name: str,
    directory: str,
    lock_name: str,
    extras: Sequence[str],
    all_extras: bool,
    command: ShellCommand,
    found: Any,
    present: Any,
) -> ManifestInstall | None:
    """``uv sync`` / ``poetry install``: the project's pyproject.toml, and the lock beside it that the tool
    follows (then no dependency is unpinned: the lock pins each one)."""
    file = found(posixpath.join(directory, "pyproject.toml"))
    project = read_pyproject(file[1]) if file else None
    if file is None or project is None:
        return None
    lock = found(posixpath.join(directory, lock_name))
    locked = read_lock(lock[1]) if lock else None
    if lock is not None and locked is not None:
        return ManifestInstall(name, file[0], (), lock[0], locked, project, command)
    if lock is not None or present(posixpath.join(directory, lock_name)) or command.has_flag("--locked", "--frozen"):
        return None  # a lock we cannot read (too big), or one the command insists on (the build fails without it)
    if project.dynamic:
        return None
    dependencies = _declared(project, extras, all_extras)
    if name == "poetry install":
        dependencies += [d for d in project.poetry if d not in dependencies]
    pinned = project.uv_pinned if name == "uv sync" else frozenset()
    unpinned = tuple(dict.fromkeys(d for d in dependencies if not d.constrained and d.key not in pinned))
    return ManifestInstall(name, file[0], unpinned, project=project, at=command)
