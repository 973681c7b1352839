"""Build-context files and ``COPY --from`` provenance: the context COPYs and WORKDIR along a stage's lineage,
the build-context file a RUN sees at a path (requirements files), and the installs another stage carries in
by copying the environment they went into.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence
from fnmatch import fnmatchcase

from ...model import Dockerfile, Instruction, Stage, memo
from ...variables import expand
from .locations import _absolute, _carried_location
from .options import _expanded
from .records import Install, StageFacts, _set

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any


def _workdir_step(current: str, instruction: Instruction) -> str:
    if not instruction.arguments:
        return current
    value = _expanded(instruction.arguments[0], instruction.scope) or instruction.arguments[0].text
    return posixpath.normpath(posixpath.join(current, value))


Mapping = tuple[list[str], str, bool]  # (sources, absolute destination, destination is a directory)


MAX_COPIES_SEARCHED = 256  # a requirements file copied in further back than this is left unknown


def copies_along(lineage: Sequence[Stage]) -> tuple[list[Mapping], dict[int, tuple[str, int]]]:
    """One pass over a lineage: the context COPYs in order, and for each instruction (by ``id``) the WORKDIR
    in force and how many COPYs came before it (so each RUN needs no scan of its own: linear, not quadratic).
    Cached on the lineage's last stage, keyed by the lineage (stages hash by identity). Callers must not
    mutate the result."""
    if not lineage:
        return [], {}
    stages = tuple(lineage)
    return memo(stages[-1], ("copies_along", stages), lambda: _scan_copies(stages))


def _scan_copies(lineage: tuple[Stage, ...]) -> tuple[list[Mapping], dict[int, tuple[str, int]]]:
    workdir = "/"
    mappings: list[Mapping] = []
    before: dict[int, tuple[str, int]] = {}
    for stage in lineage:
        for instruction in stage.instructions:
            before[id(instruction)] = (workdir, len(mappings))
            if instruction.keyword == "WORKDIR":
                workdir = _workdir_step(workdir, instruction)
            elif (
                instruction.keyword in ("COPY", "ADD") and instruction.flag("from") is None and not instruction.heredocs
            ):
                words = [w.text for w in instruction.arguments]
                if instruction.args.lstrip().startswith("["):
                    words = list(instruction.exec_form or ())
                if len(words) < 2:
                    continue
                *sources, destination = words
                is_dir = destination.endswith("/") or destination in (".", "./") or len(sources) > 1
                mappings.append((sources, posixpath.normpath(posixpath.join(workdir, destination)), is_dir))
    return mappings, before


def context_file_for(
    lineage: Sequence[Stage], run: Instruction, target: str, build_context: Any
) -> tuple[str, str] | None:
    """The build-context file (path, text) that is at ``target`` when ``run`` executes, if a COPY (without
    ``--from``) or a bind mount put it there and the context can read it."""
    if build_context is None:
        return None
    copies, before = copies_along(lineage)
    workdir, count = before.get(id(run), ("/", len(copies)))
    mappings = copies[max(0, count - MAX_COPIES_SEARCHED) : count]
    for mount in run.mounts():
        if mount.get("type") == "bind" and not mount.get("from") and mount.get("target"):
            source = mount.get("source") or mount.get("src") or "."
            mappings.append(([source], posixpath.normpath(posixpath.join(workdir, mount["target"])), False))
    wanted = posixpath.normpath(posixpath.join(workdir, target))
    for sources, destination, is_dir in reversed(mappings):
        for source in sources:
            source = posixpath.normpath(source.lstrip("/")) if source not in (".", "./") else "."
            for candidate in _candidates(source, destination, is_dir, wanted):
                text = build_context.read_text(candidate)
                if text is not None:
                    return candidate, text
    return None


def _candidates(source: str, destination: str, is_dir: bool, wanted: str) -> Iterator[str]:
    base = posixpath.basename(source)
    if any(c in source for c in "*?["):
        name = posixpath.basename(wanted)
        if posixpath.dirname(wanted) == destination and fnmatchcase(name, base):
            yield posixpath.normpath(posixpath.join(posixpath.dirname(source), name))
        return
    if source != "." and wanted == (posixpath.join(destination, base) if is_dir else destination):
        yield source
    if wanted.startswith(destination.rstrip("/") + "/"):  # the source is a directory
        relative = wanted[len(destination.rstrip("/")) + 1 :]
        yield relative if source == "." else posixpath.join(source, relative)


def _copy_words(instruction: Instruction) -> list[str]:
    words = [w.text for w in instruction.arguments]
    if instruction.args.lstrip().startswith("["):
        words = list(instruction.exec_form or ())
    return words


def _install_key(install: Install) -> tuple:
    return (id(install.instruction), install.at.span, install.package, install.spec)


def _copied_installs(
    dockerfile: Dockerfile, facts: StageFacts, result: list[StageFacts], lineage: list[Stage]
) -> list[Install]:
    """Installs carried in by ``COPY --from=<stage>`` of the directories they went into (the whole tree ``/``,
    the venv / conda prefix / ``--target`` dir, site-packages), and those the FROM-parent had carried in."""
    stage = facts.stage
    carried: list[Install] = list(result[stage.parent].copied) if stage.parent is not None else []
    seen = {_install_key(i) for i in facts.installs} | {_install_key(i) for i in carried}
    workdirs = copies_along(lineage)[1]
    for instruction in stage.instructions:
        source = instruction.flag("from")
        if instruction.keyword != "COPY" or source is None or not source.value:
            continue
        origin = dockerfile.stage_named(expand(source.value, instruction.scope)[0])
        if origin is None or origin.index >= stage.index:
            continue
        words = _copy_words(instruction)
        if len(words) < 2:
            continue
        *sources, destination = (expand(word, instruction.scope)[0] for word in words)
        workdir = workdirs.get(id(instruction), ("/", 0))[0]
        destination = _absolute(destination, workdir)
        paths = [posixpath.normpath("/" + path.lstrip("/")) if path not in ("", ".", "./") else "/" for path in sources]
        for install in result[origin.index].all_installs:
            key = _install_key(install)
            if key in seen:
                continue
            for path in paths:
                copies, location = _carried_location(install.location, path, destination)
                if copies:
                    seen.add(key)
                    carried.append(_set(install, copied_from=origin.index, location=location))
                    break
    return carried
