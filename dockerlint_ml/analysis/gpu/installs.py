"""The command -> install walker: goes through a stage's RUN commands (and its FROM-ancestors') and collects
the installs of pip, uv and conda (with requirements files brought in from the build context), OS CUDA/cuDNN
packages, Python versions, environments created and signs of CUDA compilation. Installs inside shell
conditionals are settled at the end (a fact only when every branch agrees).
"""

from __future__ import annotations

import re

from ... import knowledge as kb
from ...model import Condition, Dockerfile, Instruction, ShellCommand, Stage, Word
from ...records import Frozen, setfield
from ...variables import expand
from ..manifests import manifest_install
from ..packages import parse_conda_spec, parse_requirement
from ..requirements_files import (
    EXTRA_INDEX_OPTIONS,
    FIND_LINKS_OPTIONS,
    INDEX_URL_OPTIONS,
    requirements_files,
)
from .copies import copies_along
from .locations import _absolute, _env_of_executable, _env_on_path
from .options import Scope, _command_indexes, _env_values, _expanded, _Indexes, _python_of_command, _values
from .records import CONDA_CUDA, Install, PythonFact, StageFacts, _set, cuda_of
from .resolve import _resolve

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any


class _StageWalker:
    """Collects the facts of one stage's own instructions (and its FROM-ancestors')."""

    def __init__(self, facts: StageFacts, dockerfile: Dockerfile, lineage: list[Stage], build_context: Any) -> None:
        self.facts = facts
        self.dockerfile = dockerfile
        self.lineage = lineage
        self.build_context = build_context
        self.venvs: set[str] = set()  # environments created so far (python -m venv, uv venv, conda create -p)
        self.venvs_without_pip: set[str] = set()  # `uv venv` without `--seed` makes no pip in the environment
        self.workdirs = copies_along(lineage)[1]
        self.branched: list[Install] = []  # installs inside shell conditionals

    def run(self) -> None:
        for stage in self.lineage:
            for instruction in stage.instructions:
                if instruction.keyword == "RUN":
                    self._run(stage, instruction)
                elif instruction.keyword in ("COPY", "ADD"):
                    if any("cudnn" in w.text.lower() for w in instruction.arguments[:-1]):
                        self.facts.cudnn_sources.append(f"{instruction.keyword} line {instruction.line}")
                elif instruction.keyword == "ENV":
                    names = {name for name, _value, _word in instruction.pairs()}
                    if names & {"TORCH_CUDA_ARCH_LIST", "FORCE_CUDA"}:
                        self.facts.compiles_cuda = True
        self._settle_branches()

    def _run(self, stage: Stage, instruction: Instruction) -> None:
        workdir = self.workdirs.get(id(instruction), ("/", 0))[0]
        for command in instruction.commands:
            branches = command.conditions
            scope: Scope = instruction.scope
            masked = {name for branch in branches for name in branch.variables}
            if masked:  # inside `if [ -n "$X" ]`, $X is not its ARG default
                scope = {**instruction.scope, **dict.fromkeys(masked)}
            step = _Step(stage, instruction, command, scope, branches, workdir)
            self._command(step)

    def _command(self, step: _Step) -> None:
        command = step.command
        tool, sub = command.tool, command.subcommand
        if command.name == "nvcc":
            self.facts.compiles_cuda = True
        if tool in ("curl", "wget") and any("cudnn" in w.text.lower() for w in command.words[1:]):
            source = f"download line {command.span.line}"
            (self.facts.maybe_cudnn if step.branches else self.facts.cudnn_sources).append(source)
        opaque = (tool in ("conda", "mamba", "micromamba") and sub in ("env create", "env update")) or (
            (tool in ("poetry", "pipenv") and sub in ("install", "sync")) or (tool == "uv" and sub == "sync")
        )
        if tool in ("apt-get", "yum", "dnf", "microdnf") and sub == "install":
            self._os_packages(step)
        elif (tool == "pip" and sub == "install") or (tool == "uv" and sub == "pip install"):
            self._pip(step)
            if command.has_flag("--no-build-isolation"):
                self.facts.compiles_cuda = True
        elif tool in ("conda", "mamba", "micromamba") and sub in ("install", "create", "update"):
            self._conda(step)
        elif opaque:
            self.facts.opaque.append(f"{tool} {sub} (line {command.span.line})")
            self._manifest(step, None)
        elif tool == "uv" and command.invocation is not None:
            self._uv_python(step)
        if tool == "python" and any(w.text == "setup.py" for w in command.words[1:2]):
            self.facts.compiles_cuda = True
        self._venv(step)

    def _venv(self, step: _Step) -> None:
        """Remember environments created: ``python -m venv DIR``, ``virtualenv DIR``, ``uv venv [DIR]``."""
        command = step.command
        invocation = command.invocation
        target: str | None = None
        if (
            command.tool == "python"
            and invocation is not None
            and invocation.values("-m")[:1] in (["venv"], ["virtualenv"])
        ):
            positionals = [w for w in invocation.positionals if not w.text.startswith("-")]
            target = positionals[0].text if positionals else None
        elif command.name == "virtualenv":
            positionals = [w for w in command.words[1:] if not w.text.startswith("-")]
            target = positionals[0].text if positionals else None
        elif command.tool == "uv" and command.subcommand == "venv" and invocation is not None:
            positionals = [w for w in invocation.positionals if not w.text.startswith("-")]
            target = positionals[0].text if positionals else ".venv"
            if not invocation.has_flag("--seed"):
                self.venvs_without_pip.add(_absolute(expand(target, step.scope)[0], step.workdir))
        if target:
            self.venvs.add(_absolute(expand(target, step.scope)[0], step.workdir))

    def _location(self, step: _Step) -> str | None:
        """The environment a pip/uv command installs into, when it can be told."""
        command = step.command
        for names in (("-t", "--target"), ("--prefix",), ("--root",)):
            values = _values(command, step.scope, *names)
            if values:
                return _absolute(values[0], step.workdir)
        if command.has_flag("--user"):
            return "~/.local"
        if command.tool == "uv":
            if command.has_flag("--system"):
                return None
            for value in _values(command, step.scope, "--python", "-p"):
                found = _env_of_executable(value, step.workdir)
                if found is not None:
                    return found
            virtual = _env_values(step.scope, command, "VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")
            if virtual and "$" not in virtual[0]:
                return _absolute(virtual[0], step.workdir)
            if _absolute(".venv", step.workdir) in self.venvs:
                return _absolute(".venv", step.workdir)
        executable = expand(command.words[0].text, step.scope)[0] if command.words else ""
        found = _env_of_executable(executable, step.workdir)
        if found is not None:
            return found
        on_path = _env_on_path(step.scope, self.venvs)
        if command.tool == "pip" and on_path is not None and on_path in self.venvs_without_pip:
            # `uv venv` seeds no pip: the `pip` found is another environment's, never this venv's (the system
            # one installs under /usr/local on python and Debian images; other bases have their own)
            return "/usr/local"
        if command.tool == "pip" and on_path is None and self._system_python_under_usr_local():
            # without a venv, `pip` is the system one: /usr/local/lib/python3.X/{site,dist}-packages
            return "/usr/local"
        return on_path

    def _system_python_under_usr_local(self) -> bool:
        """The stage's root image keeps its Python's packages under /usr/local: the official python images, and
        Debian/Ubuntu/CUDA images whose pip is apt's (no conda base that would put pip elsewhere)."""
        image = self.lineage[0].image if self.lineage else None
        if image is None or not image.resolved:
            return False
        return image.name == "python" or image.repository in ("debian", "ubuntu", "nvidia/cuda")

    def _os_packages(self, step: _Step) -> None:
        command = step.command
        assert command.invocation is not None
        maybe = bool(step.branches)
        for word in command.invocation.positionals:
            written = word.text.split("=", 1)[0]
            name = (expand(written, step.scope)[0] if "$" in written else written).lower()
            match = re.fullmatch(
                r"cuda(?:-(?:toolkit|runtime|libraries|libraries-dev|cudart|cudart-dev|nvcc|minimal-build))?-(\d+)-(\d+)",
                name,
            )
            if match or name == "nvidia-cuda-toolkit":
                if maybe:
                    self.facts.maybe_cuda.append(f"`{written}` (line {word.span.line}, in a conditional branch)")
                elif match:
                    cuda = cuda_of(f"{match.group(1)}.{match.group(2)}", f"apt `{written}`")
                    self.facts.apt_cuda.append((cuda, word))
                else:
                    self.facts.apt_cuda.append((None, word))
            if re.match(r"(?:lib)?cudnn\d*(?:-|$)", name):
                if maybe:
                    self.facts.maybe_cudnn.append(f"`{written}` (line {word.span.line}, in a conditional branch)")
                else:
                    self.facts.cudnn_sources.append(f"`{written}` (line {word.span.line})")
            found = re.fullmatch(r"python(3\.\d+)(?:-(?:dev|venv|distutils|full|minimal))?", name)
            if found:
                source = f"apt `{written}`" + (" in a conditional branch" if maybe else "")
                self.facts.pythons.append(PythonFact(found.group(1), source, word.span.line))

    def _uv_python(self, step: _Step) -> None:
        command = step.command
        assert command.invocation is not None
        positionals = [w.text for w in command.invocation.positionals]
        versions: list[str] = []
        if command.subcommand == "python" and positionals[:1] == ["install"]:
            versions = [expand(v, step.scope)[0] for v in positionals[1:]]
        elif command.subcommand == "venv":
            versions = _values(command, step.scope, "--python", "-p")
        for value in versions:
            found = re.fullmatch(r"(?:python|cpython-?)?(\d\.\d+)(?:\.\d+)?", value)
            if found:
                self.facts.pythons.append(PythonFact(found.group(1), f"uv {command.subcommand}", command.span.line))

    def _add(self, step: _Step, install: Install) -> None:
        self.facts.installs.append(install)
        if step.branches:
            self.branched.append(install)

    def _settle_branches(self) -> None:
        """An install inside a conditional is a fact only when every branch installs the package and all agree
        on its build; branches that disagree leave the build unknown, and one that may not run makes it "maybe"."""
        if not self.branched:
            return
        groups: dict[tuple, list[Install]] = {}
        for install in self.branched:
            innermost = install.branches[-1]
            groups.setdefault((install.instruction.line, innermost.id, install.package), []).append(install)
        changed: dict[int, Install] = {}
        for installs in groups.values():
            innermost = installs[0].branches[-1]
            covered = {i.branches[-1].branch for i in installs}
            everywhere = innermost.complete and covered == set(range(innermost.branches))
            maybe = not everywhere or any(len(i.branches) > 1 for i in installs)
            outcomes = {(i.build, i.cuda.short if i.cuda else None, i.plain_pypi) for i in installs}
            for install in installs:
                updated = _set(install, maybe=maybe)
                if len(outcomes) > 1:
                    each = "; ".join(dict.fromkeys(f"line {i.at.span.line}: {_outcome(i)}" for i in installs))
                    updated = _set(
                        updated,
                        build=None,
                        cuda=None,
                        plain_pypi=False,
                        minor_matters=False,
                        reason=f"branches of the conditional at line {innermost.line} differ ({each})",
                    )
                changed[id(install)] = updated
        self.facts.installs = [changed.get(id(i), i) for i in self.facts.installs]

    def _conda(self, step: _Step) -> None:
        stage, instruction, command = step.stage, step.instruction, step.command
        assert command.invocation is not None
        if command.invocation.has_flag("-f", "--file"):
            self.facts.opaque.append(f"{command.tool} -f (line {command.span.line})")
        prefix = _values(command, step.scope, "-p", "--prefix")
        if prefix and command.subcommand == "create":
            self.venvs.add(_absolute(prefix[0], step.workdir))
        location = _absolute(prefix[0], step.workdir) if prefix else _env_on_path(step.scope, self.venvs)
        specs = []
        for word in command.invocation.positionals:
            text = _expanded(word, step.scope)
            parsed = parse_conda_spec(text) if text else None
            if parsed is not None:
                specs.append((word, *parsed))
        names = {name for _w, name, _v in specs}
        for word, name, version in specs:
            base = Install(
                name,
                word.text,
                "conda",
                stage.index,
                instruction,
                command,
                word,
                version=version,
                location=location,
                branches=step.branches,
            )
            if name == "python" and version:
                self.facts.pythons.append(
                    PythonFact(kb.minor_of(version) or version, f"{command.tool} `{word.text}`", word.span.line)
                )
            elif name in CONDA_CUDA and version:
                cuda = cuda_of(version, f"conda `{word.text}`")
                self._add(step, _set(base, build="cuda", cuda=cuda, reason="conda CUDA package"))
            elif name == "cudnn":
                (self.facts.maybe_cudnn if step.branches else self.facts.cudnn_sources).append(f"conda `{word.text}`")
            elif name == "pytorch":
                build = "cpu" if "cpuonly" in names else None
                self._add(step, _set(base, package="torch", build=build, reason="conda cpuonly" if build else ""))
            elif name == "cpuonly":
                continue
            else:
                self._add(step, _resolve(base, None))

    def _pip(self, step: _Step) -> None:
        command = step.command
        invocation = command.invocation
        assert invocation is not None
        indexes = _command_indexes(command, step.scope)
        backend = None
        if command.tool == "uv":
            values = _values(command, step.scope, "--torch-backend", keep_unresolved=True) or _env_values(
                step.scope, command, "UV_TORCH_BACKEND"
            )
            backend = values[0] if values else None
        python = _python_of_command(command, step.scope)
        location = self._location(step)
        context = _PipContext(indexes, backend, python, location)
        for word in invocation.positionals:
            text = _expanded(word, step.scope)
            if text is None:
                self.facts.opaque.append(f"`{word.text}` (line {word.span.line})")
                continue
            self._requirement(step, word, text, context, None)
        if invocation.has_flag("-e", "--editable"):
            self.facts.opaque.append(f"editable install (line {command.span.line})")
        self._manifest(step, context)
        self._requirements_files(step, context)

    def _manifest(self, step: _Step, context: _PipContext | None) -> None:
        """The framework builds a project install brings: from the lock the command follows (``uv sync`` with
        uv.lock, ``poetry install`` with poetry.lock), else the pyproject's own requirements (with the index
        ``[tool.uv.sources]`` gives a package, for uv)."""
        found = manifest_install(self.lineage, step.instruction, step.command, self.build_context)
        if found is None or found.project is None:
            return
        tool = step.command.tool or "pip"
        if found.lock is not None:
            entries: dict[str, list] = {}
            for package in found.locked:
                entries.setdefault(package.key, []).append(package)
            for key, same in entries.items():
                if len(same) != 1:
                    continue  # several builds (per platform or extra): which one installs is not told here
                version, _, local = same[0].version.partition("+")
                urls = (same[0].source,) if same[0].source else ()
                install = Install(
                    key, f"{key}=={same[0].version}", tool, step.stage.index, step.instruction, step.command,
                    step.command, version=version or None, local=local or None, via=found.lock, index_urls=urls,
                    branches=step.branches,
                )  # fmt: skip
                resolved = _resolve(install, None)
                if resolved.build is not None or resolved.cuda is not None:
                    # the lock names the exact wheel: the variant is chosen, not PyPI's default by omission
                    self._add(step, _set(resolved, plain_pypi=False))
            return
        if tool == "poetry" or found.command.startswith("conda"):
            return
        base = context or _PipContext(_Indexes([], [], []), None, None, None)
        for dependency in found.project.dependencies:
            index = found.project.uv_index_of.get(dependency.key) if tool == "uv" else None
            indexes = _Indexes([index], [], []) if index else base.indexes
            at = found.at if isinstance(found.at, Word) else step.command.words[0]
            self._requirement(step, at, dependency.text, base.replace(indexes=indexes), found.manifest)

    def _requirement(self, step: _Step, word: Word, text: str, context: _PipContext, via: str | None) -> None:
        parsed = parse_requirement(text)
        if parsed is None:
            self.facts.opaque.append(f"`{text}` (line {word.span.line})")
            return
        name, extras, version, local = parsed
        command = step.command
        install = Install(
            name,
            text,
            command.tool or "pip",
            step.stage.index,
            step.instruction,
            command,
            word,
            version=version,
            local=local,
            extras=extras,
            via=via,
            index_urls=tuple(context.indexes.index),
            extra_index_urls=tuple(context.indexes.extra),
            find_links=tuple(context.indexes.links),
            python=context.python,
            python_source=f"`{command.name}`" if context.python else "",
            location=context.location,
            branches=step.branches,
        )
        self._add(step, _resolve(install, context.backend))

    def _requirements_files(self, step: _Step, context: _PipContext) -> None:
        """The requirements of ``-r FILE`` (nested included), each with the command's indexes and its file's
        own index options; a file that cannot be read, or that the build rewrites, is an unknown install."""
        walk = requirements_files(self.lineage, step.instruction, step.command, self.build_context, step.scope)
        if walk is None:
            return
        if walk.rewritten:  # the image's file may not be the context's: what it lists is not known here
            self.facts.opaque += [f"-r {w.text} (line {w.span.line}), rewritten in the build" for w in walk.words]
            return
        indexes = context.indexes
        for file in walk.files:
            file_indexes = _Indexes(list(indexes.index), list(indexes.extra), list(indexes.links))
            for option, value in file.options(*INDEX_URL_OPTIONS, *EXTRA_INDEX_OPTIONS, *FIND_LINKS_OPTIONS):
                if option in INDEX_URL_OPTIONS:
                    file_indexes.index = [value]
                elif option in EXTRA_INDEX_OPTIONS:
                    file_indexes.extra.append(value)
                else:
                    file_indexes.links.append(value)
            file_context = context.replace(indexes=file_indexes)
            for requirement in file.requirements:
                self._requirement(step, file.at, requirement, file_context, file.path)
            self.facts.opaque += [f"-e {value} in {file.path}" for _, value in file.options("-e", "--editable")]
        self.facts.opaque += [unread.label for unread in walk.unread]


def _outcome(install: Install) -> str:
    """What one install resolves to, for messages: ``CUDA 12.6 build, uv --torch-backend `cu126```."""
    build = (
        f"CUDA {install.cuda.short} build" if install.cuda else {"cpu": "CPU build"}.get(install.build or "", "unknown")
    )
    return f"{build}, {install.reason}" if install.reason else build


class _Step(Frozen):
    """One shell command of a RUN, with the variables as they stand inside its conditional branches."""

    _fields = ("stage", "instruction", "command", "scope", "branches", "workdir")
    __slots__ = _fields
    stage: Stage
    instruction: Instruction
    command: ShellCommand
    scope: Scope
    branches: tuple[Condition, ...]
    workdir: str

    def __init__(
        self,
        stage: Stage,
        instruction: Instruction,
        command: ShellCommand,
        scope: Scope,
        branches: tuple[Condition, ...],
        workdir: str,
    ) -> None:
        setfield(self, "stage", stage)
        setfield(self, "instruction", instruction)
        setfield(self, "command", command)
        setfield(self, "scope", scope)
        setfield(self, "branches", branches)
        setfield(self, "workdir", workdir)


class _PipContext(Frozen):
    _fields = ("indexes", "backend", "python", "location")
    __slots__ = _fields
    indexes: _Indexes
    backend: str | None
    python: str | None
    location: str | None

    def __init__(self, indexes: _Indexes, backend: str | None, python: str | None, location: str | None) -> None:
        setfield(self, "indexes", indexes)
        setfield(self, "backend", backend)
        setfield(self, "python", python)
        setfield(self, "location", location)
