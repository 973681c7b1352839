"""ML101 source-before-dependencies: the source is copied before a dependency install that only needs a manifest.

Reference page: rules/ML101.md.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from ...analysis.requirements_files import rewritten_by_build
from ...lazy_re import lazy
from ...model import Dockerfile, Edit, Finding, Fix, Instruction, Severity, ShellCommand, Span, Stage
from ..base import Problem, Rule, RuleContext
from ..common import CONDA_TOOLS, is_python_install, workdir_before
from ._shared import _short, context_sources, is_source_copy

# ML101

_DEPS, _FULL = "deps", "full"  # only needs a manifest / installs dependencies *and* the project


def _local_path(text: str) -> bool:
    return text.startswith((".", "/", "~")) or ("/" in text and "://" not in text)


def _install_kind(command: ShellCommand) -> tuple[str, str] | None:
    """(kind, tool) for a dependency install; None for anything else, including project installs."""
    invocation, tool, sub = command.invocation, command.tool, command.subcommand
    if invocation is None or tool is None:
        return None
    if is_python_install(command):
        if not invocation.values("-r", "--requirement") or invocation.has_flag("-e", "--editable"):
            return None
        links = invocation.values("-f", "--find-links")
        if any(w.has_expansion or _local_path(w.text) for w in invocation.positionals) or any(
            _local_path(link) for link in links
        ):
            return None
        return _DEPS, "pip"
    if (tool, sub) == ("uv", "pip sync"):
        return _DEPS, "pip"
    if (tool, sub) == ("uv", "sync"):
        deps_only = invocation.has_flag("--no-install-project", "--no-install-workspace", "--only-dev")
        return (_DEPS if deps_only else _FULL), "uv"
    if (tool, sub) == ("poetry", "install"):
        if invocation.has_flag("--only-root"):
            return None
        return (_DEPS if invocation.has_flag("--no-root") else _FULL), "poetry"
    if tool == "pipenv" and sub in ("install", "sync"):
        if invocation.has_flag("-e", "--editable") or any(_local_path(w.text) for w in invocation.positionals):
            return None
        return _DEPS, "pipenv"
    if tool in CONDA_TOOLS:
        if sub in ("env create", "env update") or (
            sub in ("create", "install", "update") and invocation.values("-f", "--file")
        ):
            return _DEPS, "conda"
        return None
    if (tool, sub) == ("npm", "ci"):
        return _DEPS, "npm"
    return None


def manifest_origin(
    manifest: str, source: Instruction, source_workdir: str | None, install_workdir: str | None
) -> str | None:
    """Where ``manifest`` (as the install names it) comes from in the build context, when the source COPY put
    it there (``COPY server server`` + ``-r server/requirements.txt`` -> ``server/requirements.txt``); None
    when the source copy did not bring it (it comes from a clone, a download, another COPY) or cannot tell."""
    sources = context_sources(source)
    if len(sources) != 1 or len(source.arguments) < 2 or "$" in manifest:
        return None
    destination = source.arguments[-1].text
    if "$" in destination or "$" in sources[0].text or any(c in sources[0].text for c in "*?["):
        return None

    def absolute(path: str, workdir: str | None) -> str | None:
        if path.startswith("/"):
            return posixpath.normpath(path)
        return posixpath.normpath(posixpath.join(workdir, path)) if workdir else None

    target, wanted = absolute(destination, source_workdir), absolute(manifest, install_workdir)
    if target is None or wanted is None or not wanted.startswith(target.rstrip("/") + "/"):
        return None
    relative = wanted[len(target.rstrip("/")) + 1 :]
    origin = sources[0].text.strip().removeprefix("./").rstrip("/")
    return relative if origin in ("", ".") else f"{origin}/{relative}"


def _copy_line(origin: str, destination: str) -> str:
    """``COPY requirements.txt ./`` for a file used where it lands, else ``COPY <context path> <path>``."""
    if origin == destination and "/" not in destination:
        return f"`COPY {origin} ./`"
    return f"`COPY {origin} {destination}`"


def _clone_replaces(
    ctx: RuleContext, stage: Stage, clone: ShellCommand, run: Instruction, copies: list[Instruction]
) -> bool:
    """``git clone URL serve`` after ``COPY ./ serve``: the copied tree may be replaced (pytorch/serve does this
    when ``LOCAL_CHANGES=false``), so moving the manifests first may copy files the build does not use."""
    invocation = clone.invocation
    words = [w.text for w in invocation.positionals] if invocation is not None else []
    if len(words) < 2:  # `clone URL` without DIR clones into the repository's own name, not into a copy
        return False

    def resolved(path: str, at: Instruction) -> str:
        base = workdir_before(ctx.dockerfile, stage, at, base=None) or "/"
        return posixpath.normpath(posixpath.join(base, path.rstrip("/") or "/"))

    target = resolved(words[-1], run)
    return any(
        resolved(copy.exec_form[-1] if copy.exec_form else copy.arguments[-1].text, copy) == target
        for copy in copies
        if copy.arguments
    )


def _advice(command: ShellCommand, tool: str, origins: dict[str, str]) -> str:
    invocation = command.invocation
    assert invocation is not None
    if tool == "pip":
        files = invocation.values("-r", "--requirement") or [w.text for w in invocation.positionals]
        copies = " and ".join(_copy_line(origins.get(f) or f, f) for f in files) or "`COPY requirements.txt ./`"
        return (
            f"copy only the requirements first ({copies}, and any file they include with `-r`/`-c`), install "
            "them, then copy the source"
        )
    if tool == "poetry":
        return (
            "copy `pyproject.toml poetry.lock` first and run `poetry install --no-root` before copying the source "
            "(then `poetry install --only-root` after it)"
        )
    if tool == "uv":
        if invocation.has_flag("--no-install-project", "--no-install-workspace"):
            return (
                "copy only the manifests it reads (`pyproject.toml`, `uv.lock` and each workspace member's "
                "`pyproject.toml`) before this install, and the source after it"
            )
        return (
            "copy `pyproject.toml uv.lock` first and run `uv sync --no-install-project` before copying the source "
            "(then `uv sync` after it)"
        )
    if tool == "pipenv":
        return "copy `Pipfile Pipfile.lock` first and install before copying the source"
    if tool == "conda":
        files = invocation.values("-f", "--file") or ["environment.yml"]
        return f"copy `{' '.join(files)}` first and create the environment before copying the source"
    return "copy `package.json package-lock.json` first and run `npm ci` before copying the source"


# the fix

_FIX_LOCAL_PATH = lazy(r"^(?:\.|/|~)|/")

_MOVABLE_BETWEEN = frozenset({"COPY", "ADD", "LABEL", "EXPOSE", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "CMD"})


def _fix_manifests(command: ShellCommand) -> list[str] | None:
    """The manifest files an install reads, when all are explicit; None when it needs anything else."""
    invocation = command.invocation
    if invocation is None:
        return None
    if is_python_install(command):
        if invocation.has_flag("-e", "--editable", "-f", "--find-links"):
            return None
        if any(w.has_expansion or _FIX_LOCAL_PATH.search(w.text) for w in invocation.positionals):
            return None
        return invocation.values("-r", "--requirement") + invocation.values("-c", "--constraint")
    if command.tool in CONDA_TOOLS and command.subcommand in (
        "env create",
        "env update",
        "create",
        "install",
    ):
        if any(_FIX_LOCAL_PATH.search(w.text) for w in invocation.positionals):
            return None
        return invocation.values("-f", "--file")
    return None


def _context_path(manifest: str, dest: str, workdir: str | None) -> str | None:
    """Where ``manifest`` (as the install names it) comes from in the build context, when ``COPY . dest``
    put it there; None when that cannot be told."""
    if not manifest or "$" in manifest or "$" in dest or ".." in manifest.split("/"):
        return None

    def absolute(path: str) -> str | None:
        if path.startswith("/"):
            return re.sub(r"/+", "/", path)
        if workdir is None:
            return None
        return re.sub(r"/+", "/", workdir.rstrip("/") + "/" + path)

    if not manifest.startswith("/") and not dest.startswith("/"):
        base = dest.strip().removeprefix("./").rstrip("/")
        base = "" if base in ("", ".") else base
        relative = manifest.removeprefix("./")
        if not base:
            return relative
        return relative[len(base) + 1 :] if relative.startswith(base + "/") else None
    manifest_path, dest_path = absolute(manifest), absolute(dest)
    if manifest_path is None or dest_path is None:
        return None
    dest_path = dest_path.rstrip("/") or "/"
    prefix = dest_path if dest_path.endswith("/") else dest_path + "/"
    return manifest_path[len(prefix) :] if manifest_path.startswith(prefix) else None


def _runs_copied_script(run: Instruction, copy: Instruction) -> bool:
    """Whether ``run`` executes the one file ``copy`` brought (``COPY compile.sh .`` + ``RUN ./compile.sh`` or
    ``RUN bash /build/compile.sh``): a build step that has to come first, not a copy of the source."""
    sources = context_sources(copy)
    if len(sources) != 1 or "$" in sources[0].text or sources[0].text.rstrip("/").endswith((".", "*")):
        return False
    name = posixpath.basename(sources[0].text.rstrip("/"))
    if not name or "." not in name:
        return False  # a directory, or a file without an extension: cannot tell a script from a source tree
    for command in run.commands:
        argv = command.argv
        program = (
            argv[1] if len(argv) > 1 and argv[0] in ("sh", "bash", "python", "python3") else argv[0] if argv else ""
        )
        if posixpath.basename(program) == name:
            return True
    return False


def _generated_requirements(ctx: RuleContext, stage: Stage, run: Instruction, command: ShellCommand) -> bool:
    """Whether a requirements file the install reads is written by the build itself (a redirect, ``sed -i``,
    ``pip-compile -o``): copying it first, as the advice says, is not possible."""
    files = list(command.invocation.values("-r", "--requirement")) if command.invocation is not None else []
    return bool(files) and rewritten_by_build(ctx.lineage(stage), run, command, files)


def _whole_context_copy(instruction: Instruction) -> bool:
    if instruction.keyword not in ("COPY", "ADD") or instruction.heredocs or instruction.args.startswith("["):
        return False
    if any(f.name not in ("chown", "chmod", "link") for f in instruction.flags):
        return False
    words = instruction.arguments
    return len(words) == 2 and words[0].text in (".", "./") and "$" not in words[1].raw


class SourceBeforeDependencies(Rule):
    """In a stage, a COPY/ADD of the source (the whole context, a source tree, anything that is not clearly a
    dependency manifest) comes before an install that only needs a manifest (``pip install -r``,
    ``poetry install``, ``uv sync``, ``uv pip install -r``, ``pipenv install``, ``conda env create -f``,
    ``npm ci``). Installing the project itself (``pip install .``, ``poetry install --only-root``, or a
    ``uv sync``/``poetry install`` after a manifest-only one) after the source copy is fine."""

    id = "ML101"
    name = "source-before-dependencies"
    severity = Severity.WARNING
    summary = "the source is copied before a dependency install that only needs a manifest"
    tags = ("cache", "build-time")
    fix_safety = "unsafe"
    fix_title = "copy the named manifest before the source, and install from it first"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for stage in ctx.dockerfile.stages:
            yield from self._stage(ctx, stage)

    def _stage(self, ctx: RuleContext, stage: Stage) -> Iterator[Problem]:
        source: Instruction | None = None
        copies: list[Instruction] = []  # the source copies so far, latest last
        cloned = False  # a clone or download after the source copy: its manifests are not in the context
        installed_before: set[str] = set()  # tools that installed from manifests before the source copy
        replaced = False  # a `git clone` into the directory a source copy filled: which tree is installed is unknown
        for instruction in stage.body:
            if is_source_copy(instruction):
                source = source or instruction
                copies.append(instruction)
                continue
            if instruction.keyword != "RUN":
                continue
            if copies and _runs_copied_script(instruction, copies[-1]):
                copies.pop()  # `COPY compile.sh .` + `RUN ./compile.sh`: a build step, not the source
                source = copies[0] if copies else None
            for command in instruction.commands:
                if source is not None and (
                    (command.tool == "git" and command.subcommand == "clone") or command.name in ("curl", "wget")
                ):
                    cloned = True
                    if command.tool == "git" and _clone_replaces(ctx, stage, command, instruction, copies):
                        replaced = True
                found = _install_kind(command)
                if found is None:
                    continue
                kind, tool = found
                if source is None:
                    installed_before.add(tool)
                    continue
                if kind == _FULL and tool in installed_before:
                    continue  # the second step of the good pattern: install the project itself
                installed_before.add(tool)  # reported once; a later project install is that fix's second step
                found_origins = next(
                    (
                        (copy, origins)
                        for copy in reversed(copies)
                        if (origins := self._origins(ctx, stage, command, copy, instruction)) is not None
                    ),
                    None,
                )
                if (found_origins is None and cloned) or replaced:
                    continue  # the manifest may come from a clone or download, not from the context: cannot tell
                if _generated_requirements(ctx, stage, instruction, command):
                    continue  # `grep ... > /tmp/req.txt && pip install -r /tmp/req.txt`: no file to copy first
                # the copy that brings the manifest, else the last source copy: the one that invalidates the install
                copy_at, origins = found_origins or (copies[-1], None)
                copy = _short(f"{copy_at.raw_keyword} {copy_at.args}")
                yield self.problem(
                    command,
                    f"`{_short(' '.join(command.argv))}` comes after `{copy}` (line {copy_at.line}), so every "
                    f"source change re-runs it: {_advice(command, tool, origins or {})}",
                )

    @staticmethod
    def _origins(
        ctx: RuleContext, stage: Stage, command: ShellCommand, source: Instruction, install: Instruction
    ) -> dict[str, str] | None:
        """Each requirements file of a pip install mapped to its build-context path, when the source copy
        brought every one of them; None otherwise."""
        if command.invocation is None:
            return None
        files = command.invocation.values("-r", "--requirement")
        if not files:
            return None
        base = ctx.base_image
        base_workdir = (base.workdir or "/") if base is not None else "/"
        source_workdir = workdir_before(ctx.dockerfile, stage, source, base_workdir)
        install_workdir = workdir_before(ctx.dockerfile, stage, install, base_workdir)
        origins = {f: manifest_origin(f, source, source_workdir, install_workdir) for f in files}
        return None if None in origins.values() else origins  # type: ignore[return-value]

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        """Copy the manifests and run the install before the source COPY: ``COPY . .`` / ``RUN pip install -r
        requirements.txt`` becomes ``COPY requirements.txt ./`` / ``RUN pip install -r ...`` / ``COPY . .``."""
        from ...fix.edits import indent, insert, instruction_at, stage_at

        install = instruction_at(dockerfile, finding.span, "RUN")
        if install is None or install.heredocs or install.exec_form is not None or install.onbuild is not None:
            return None
        stage = stage_at(dockerfile, install.span)
        if stage is None or install not in stage.body:
            return None
        body = list(stage.body)
        position = body.index(install)
        source_index = next((i for i, ins in enumerate(body[:position]) if _whole_context_copy(ins)), None)
        if source_index is None:
            return None
        source = body[source_index]
        if any(ins.keyword not in _MOVABLE_BETWEEN for ins in body[source_index + 1 : position]):
            return None  # a RUN/ENV/WORKDIR/USER/ARG in between may be what the install depends on
        manifests: list[str] = []
        for command in install.commands:
            if command.name in ("sudo", "env", "set", "true"):
                continue
            found = _fix_manifests(command)
            if found is None:
                return None
            manifests.extend(m for m in found if m not in manifests)
        if not manifests:
            return None
        # the fix does not guess: an unknown base WORKDIR or any variable leaves it unknown
        workdir = workdir_before(dockerfile, stage, source, None, expand_variables=False)
        dest = source.arguments[-1].text
        copies: dict[str, list[str]] = {}
        for manifest in manifests:
            context = _context_path(manifest, dest, workdir)
            if context is None or any(c in context for c in "*?[ \t\"'"):
                return None
            directory = context.rsplit("/", 1)[0] if "/" in context else ""
            base = dest.rstrip("/")
            base = "." if base in ("", ".") and not dest.startswith("/") else base
            target = base + ("/" + directory if directory else "") + "/"
            copies.setdefault(target, []).append(context)
        flags = " ".join(
            f"--{f.name}={f.value}" for f in source.flags if f.name in ("chown", "chmod", "link") and f.value
        )
        prefix = indent(dockerfile, source.line)
        lines = [
            f"{prefix}{source.raw_keyword if source.keyword == 'COPY' else 'COPY'} {flags + ' ' if flags else ''}"
            f"{' '.join(files)} {target}"
            for target, files in copies.items()
        ]
        moved = dockerfile.lines[install.span.line - 1 : install.span.end_line]
        insertion = "\n".join([*lines, *moved]) + "\n"
        return Fix(
            f"copy {', '.join(manifests)} and install before `{source.raw_keyword} {source.args}`",
            (
                insert(source.line, 1, insertion),
                Edit(Span(install.span.line, 1, install.span.end_line + 1, 1), ""),
            ),
            safe=False,
        )
