"""ML209 cleanup-in-later-layer: a RUN that only removes files/caches an earlier instruction created.

Reference page: rules/ML209.md.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase

from ...analysis.env import env_flag
from ...model import Instruction, Severity, ShellCommand
from ...records import Frozen, setfield
from ...shell import SHELLS
from ...variables import expand_word
from ..base import Problem, Rule, RuleContext
from ..common import (
    CONDA_TOOLS,
    RPM_TOOLS,
    context_sources,
    has_cache_mount,
    is_apt_install,
    is_conda_install,
    is_pip_install,
    is_rpm_install,
    removes_path,
    rm_targets,
)
from ._shared import (
    _CONDA_CACHE,
    _GLOB,
    APT_LISTS,
    PIP_CACHE_DIRS,
    _apt_lists_cached,
    _conda_cache_mount,
    _copy_created,
    _fetched,
    _resolve,
    apt_spelling,
    is_apt_update,
)

# ML209 cleanup-in-later-layer

_NEUTRAL = frozenset({"set", "true", ":"})

#: what a cleanup subcommand empties: (tool, subcommand or first positional) -> paths
_CLEANED_BY = {
    ("apt-get", "clean"): ("/var/cache/apt",),
    ("apt-get", "autoclean"): ("/var/cache/apt",),
    ("pip", "cache purge"): ("~/.cache/pip",),
    ("pip", "cache remove"): ("~/.cache/pip",),
    ("yum", "clean"): ("/var/cache/yum",),
    ("dnf", "clean"): ("/var/cache/dnf",),
    ("microdnf", "clean"): ("/var/cache/yum", "/var/cache/dnf"),
    ("zypper", "clean"): ("/var/cache/zypp",),
    ("apk", "cache"): ("/var/cache/apk", "/etc/apk/cache"),
    ("npm", "cache"): ("~/.npm",),
    ("uv", "cache"): ("~/.cache/uv",),
}

_CONDA_PKGS = "<conda pkgs>"  # wherever conda keeps its package cache (the rm target names it: `*/pkgs`)


def _is_cleanup(command: ShellCommand) -> bool:
    tool, sub = command.tool, command.subcommand
    positionals = command.invocation.positionals if command.invocation else ()
    first = positionals[0].text if positionals else None
    if tool == "rm":
        return bool(positionals)
    return (
        (tool == "apt-get" and sub in ("clean", "autoclean"))
        or (tool in CONDA_TOOLS and sub == "clean")
        or (tool == "pip" and sub in ("cache purge", "cache remove"))
        or (tool in RPM_TOOLS | {"zypper"} and sub == "clean")
        or (tool in ("apk", "npm", "uv") and sub == "cache" and first in ("clean", "purge", "prune"))
    )


def _transparent(command: ShellCommand, wrappers: set[str | None]) -> bool:
    """``sudo``/``env`` in front of a command, or ``sh -c '...'``: the commands they run are judged instead
    (``su app -c '...'`` is not transparent)."""
    if command.script is not None:
        return command.name in SHELLS
    return command.name in wrappers


class _Created(Frozen):
    _fields = ("path", "line", "how", "source")
    __slots__ = _fields
    path: str
    line: int
    how: str
    source: str | None  # for a COPY/ADD of one build-context path: that path (its size can be read)

    def __init__(self, path: str, line: int, how: str, source: str | None = None) -> None:
        setfield(self, "path", path)
        setfield(self, "line", line)
        setfield(self, "how", how)
        setfield(self, "source", source)


class _Layers:
    """What the instructions of one stage lineage demonstrably created, indexed by every ancestor directory
    (``under``) and by parent directory (``children``), so each lookup costs the depth of a path."""

    def __init__(self, parent: _Layers | None = None) -> None:
        self.under: dict[str, _Created] = dict(parent.under) if parent else {}
        self.children: dict[str, dict[str, _Created]] = (
            {k: dict(v) for k, v in parent.children.items()} if parent else {}
        )
        self.cwd: str | None = parent.cwd if parent else None
        self.home: str | None = parent.home if parent else "/root"

    def add(self, created: _Created) -> None:
        path = created.path
        self.under[path] = created
        parent = path
        while "/" in parent.rstrip("/"):
            head, _, name = parent.rpartition("/")
            head = head or "/"
            self.children.setdefault(head, {})[name] = created
            if head == parent:
                break
            self.under[head] = created
            parent = head

    def find(self, target: str) -> _Created | None:
        """The latest creation at or below ``target`` (an rm target, maybe with a glob in its last part)."""
        if target == _CONDA_PKGS:
            return self.under.get(_CONDA_PKGS)
        head, _, last = target.rpartition("/")
        if _GLOB.search(head):
            return None
        if last == "*":
            return self.under.get(head or "/")
        if _GLOB.search(last):
            found = [c for name, c in self.children.get(head or "/", {}).items() if fnmatchcase(name, last)]
            directory = self.under.get(head or "/")
            if directory is not None and directory.path == (head or "/"):
                found.append(directory)  # a cache directory an install filled: `rm …/archives/*.deb`
            return max(found, key=lambda c: c.line) if found else None
        return self.under.get(target)


def _homes(path: str, layers: _Layers) -> list[str]:
    """``~/x`` stands for the home of the user at that point when it is known (root unless a USER changed it)."""
    if not path.startswith("~"):
        return [path]
    return [path] + ([layers.home + path[1:]] if layers.home else [])


def _pip_cache_kept(instruction: Instruction, command: ShellCommand) -> bool:
    return (
        not command.has_flag("--no-cache-dir", "--no-cache")
        and not env_flag(instruction.scope.get("PIP_NO_CACHE_DIR"))
        and not has_cache_mount(instruction, *PIP_CACHE_DIRS)
    )


def _created_by(instruction: Instruction, command: ShellCommand, cwd: str | None) -> list[tuple[str, str]]:
    """(path, how) for what ``command`` demonstrably leaves in the layer."""
    tool, sub, invocation = command.tool, command.subcommand, command.invocation
    if invocation is None:
        return []
    fetched = _fetched(instruction, command, cwd)
    if fetched:
        return fetched
    if is_apt_update(command) and not _apt_lists_cached(instruction):
        return [(APT_LISTS, f"{apt_spelling(command)} update")]
    if is_apt_install(command) and not has_cache_mount(instruction, "/var/cache/apt"):
        return [("/var/cache/apt/archives", f"{apt_spelling(command)} install")]
    if is_pip_install(command) and _pip_cache_kept(instruction, command):
        return [("~/.cache/pip", "pip install")]
    if is_conda_install(command) and not _conda_cache_mount(instruction):
        return [(_CONDA_PKGS, f"{tool} {sub}")]
    if tool == "apk" and sub == "add" and not command.has_flag("--no-cache"):
        return [("/var/cache/apk", "apk add")]
    if is_rpm_install(command):
        return [(f"/var/cache/{'dnf' if tool == 'dnf' else 'yum'}", f"{tool} {sub}")]
    if tool == "zypper" and sub == "install":
        return [("/var/cache/zypp", "zypper install")]
    if tool == "npm" and sub in ("install", "i", "ci"):
        return [("~/.npm", f"npm {sub}")]
    return []


def _cleanup_targets(command: ShellCommand, scope: Mapping[str, str | None], cwd: str | None) -> list[str]:
    """The paths a cleanup command empties (resolved; unresolvable ones left out)."""
    if command.tool == "rm":
        paths = []
        for word in rm_targets(command):
            path = _resolve(word.text, scope, cwd)
            if path is not None:
                paths.append(_CONDA_PKGS if _CONDA_CACHE.search(path) else path)
        return paths
    tool, sub = command.tool or "", command.subcommand or ""
    if tool in CONDA_TOOLS and sub == "clean":
        return [_CONDA_PKGS]
    return list(_CLEANED_BY.get((tool, sub), ()))


def _covers(target: str, path: str) -> bool:
    """Whether removing ``target`` removes ``path`` (the same path, a parent, ``dir/*`` or a glob)."""
    if removes_path(target, path):
        return True
    return bool(_GLOB.search(target)) and (
        fnmatchcase(path, target) or any(fnmatchcase(path[:i], target) for i, c in enumerate(path) if c == "/")
    )


class CleanupInLaterLayer(Rule):
    """A RUN that only deletes what an earlier layer of the file created: the bytes stay in that layer."""

    id = "ML209"
    name = "cleanup-in-later-layer"
    severity = Severity.WARNING
    summary = "a RUN that only removes files/caches an earlier instruction created"
    tags = ("size",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        layers: dict[int, _Layers] = {}
        for stage in ctx.dockerfile.stages:
            parent = layers.get(stage.parent) if stage.parent is not None else None
            state = layers[stage.index] = _Layers(parent)
            shipped = ctx.is_shipped(stage)
            for instruction in stage.body:
                if shipped and instruction.keyword == "RUN":
                    problem = self._check_run(ctx, instruction, state)
                    if problem is not None:
                        yield problem
                _record(instruction, state)

    def _check_run(self, ctx: RuleContext, instruction: Instruction, layers: _Layers) -> Problem | None:
        if not instruction.commands or any(m.get("type") == "cache" for m in instruction.mounts()):
            return None
        wrappers = {c.wrapper for c in instruction.commands}
        cleanup = [c for c in instruction.commands if c.name not in _NEUTRAL and not _transparent(c, wrappers)]
        if not cleanup or not all(_is_cleanup(c) for c in cleanup):
            return None
        for command in cleanup:
            for target in _cleanup_targets(command, instruction.scope, layers.cwd):
                for candidate in _homes(target, layers):
                    created = layers.find(candidate)
                    if created is None or _small_copy(ctx, created):
                        continue
                    where = "the conda package cache" if created.path == _CONDA_PKGS else f"`{created.path}`"
                    if created.how in ("COPY", "ADD"):
                        advice = (
                            "do not copy it into this stage (copy it into a builder stage, or read it through "
                            "`RUN --mount=type=bind`)"
                        )
                    else:
                        advice = (
                            f"delete it at the end of the RUN on line {created.line} that creates it (move the steps "
                            "that use it into that RUN too), or create and use it in a builder stage"
                        )
                    return self.problem(
                        command,
                        f"this RUN only deletes {where}, which line {created.line} created ({created.how}): the "
                        f"bytes stay in that earlier layer, so the image does not shrink; {advice}",
                    )
        return None


#: below this, what a later layer deletes from a COPY is not worth a warning (a few sources or a wheel)
SMALL_COPY_BYTES = 10 * 1024 * 1024


def _small_copy(ctx: RuleContext, created: _Created) -> bool:
    """Whether ``created`` is a COPY/ADD of a build-context path whose size the context shows is below
    SMALL_COPY_BYTES (a whole walk for a directory). Unknown sizes count as large: the finding stands."""
    context = ctx.build_context
    if created.source is None or context is None:
        return False
    info = context.lstat(created.source)
    if info is None:
        return False
    if stat.S_ISREG(info.st_mode):
        return info.st_size < SMALL_COPY_BYTES
    if not stat.S_ISDIR(info.st_mode):
        return False
    walk = context.walk(ctx.dockerfile.path)
    if walk is None or walk.partial:
        return False
    return sum(size for _, size in walk.under(created.source)) < SMALL_COPY_BYTES


def _record(instruction: Instruction, layers: _Layers) -> None:
    """Update ``layers`` with what ``instruction`` leaves in the image (and the WORKDIR/USER it sets)."""
    keyword = instruction.keyword
    if keyword == "WORKDIR" and instruction.arguments:
        layers.cwd = _resolve(instruction.arguments[0].text, instruction.scope, layers.cwd)
        if layers.cwd is not None and layers.cwd.startswith("~"):
            layers.cwd = None
    elif keyword == "USER" and instruction.arguments:
        user = expand_word(instruction.arguments[0].text, instruction.scope)
        name = user.partition(":")[0] if user is not None else ""
        layers.home = "/root" if name in ("root", "0") else (f"/home/{name}" if name and not name.isdigit() else None)
    elif keyword in ("COPY", "ADD"):
        sources = context_sources(instruction)
        source = sources[0].text if len(sources) == 1 and "$" not in sources[0].text else None
        for path, how in _copy_created(instruction, layers.cwd):
            layers.add(_Created(path, instruction.line, how, source))
    elif keyword == "RUN":
        cwd = layers.cwd
        made: list[tuple[int, _Created]] = []
        for index, command in enumerate(instruction.commands):
            if command.name == "cd":
                words = command.words[1:]
                cwd = _resolve(words[0].text, instruction.scope, cwd) if len(words) == 1 else None
                continue
            for path, how in _created_by(instruction, command, cwd):
                for candidate in _homes(path, layers):
                    made.append((index, _Created(candidate, instruction.line, how)))
        if not made:
            return
        removed = [
            (index, target)
            for index, command in enumerate(instruction.commands)
            if _is_cleanup(command)
            for target in _cleanup_targets(command, instruction.scope, layers.cwd)
        ]
        for index, created in made:
            if not any(i > index and _covers(target, created.path) for i, target in removed):
                layers.add(created)
