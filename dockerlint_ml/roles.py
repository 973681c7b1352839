"""The role of a shipped image: what it is for, and the signal that says so.

Rules that only matter for deployed images (a root user, a missing healthcheck, SSH, unpinned dependencies)
declare the roles they apply to; the engine runs them only for images of those roles. The role is declared
(`# mllint: role=dev` in the file, `roles = { "docker/dev/*" = "dev" }` in the config) or inferred, in this
order: the name of the final stage, the file's path, what CMD/ENTRYPOINT starts, what the base image is for,
an EXPOSE next to a program, any program, and finally no program at all (`base`: an image others build FROM).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase

from .lazy_re import lazy
from .model import Dockerfile, Instruction, ShellCommand, Stage
from .records import Frozen, setfield
from .runtime import Startup, basename, find_server, python_parts, startup
from .shell.python import PYTHON_NAME
from .variables import expand

#: Every role, in the catalog's words (``training``/``batch`` and ``notebook``/``dev`` are kept apart so a
#: rule can tell a notebook from a dev shell; the catalog pairs them).
ROLES = ("serving", "training", "batch", "notebook", "dev", "ci", "docs", "base")
#: Images that run in production: a server, a job, or a base others deploy from.
DEPLOYED = frozenset({"serving", "training", "batch", "base"})
#: Deployed images and notebooks (which people run and share): not CI, docs or dev tooling images.
DEPLOYED_OR_NOTEBOOK = DEPLOYED | {"notebook"}
#: Images that run a long-lived process for others to call or run as a job (not bases, not training rigs).
SERVICES = frozenset({"serving", "batch"})
#: Aliases users may write.
ALIASES = {"train": "training", "job": "batch", "development": "dev", "devel": "dev", "test": "ci", "doc": "docs"}

_INLINE = lazy(r"#\s*mllint:\s*role\s*=\s*([A-Za-z-]+)", re.IGNORECASE)

_DEV_WORDS = frozenset({"dev", "devel", "develop", "development", "devcontainer", ".devcontainer"})
_CI_WORDS = frozenset({"ci", "cicd", ".ci", "test", "tests", "testing", "e2e", "qa", "integration-tests"})
_DOCS_WORDS = frozenset({"docs", "doc", "documentation"})
#: a benchmark rig is run by developers to measure, never deployed
_BENCH_WORDS = frozenset({"benchmark", "benchmarks", "bench", "benches"})

#: Programs whose start says what the container is for (basename of the first real word).
_NOTEBOOK_PROGRAMS = frozenset(
    {"jupyter", "jupyter-lab", "jupyter-notebook", "jupyterhub-singleuser", "start-notebook.py",
     "start-notebook.sh", "start-singleuser.py", "start-singleuser.sh", "code-server", "rstudio-server"}
)  # fmt: skip
_SHELLS = frozenset({"bash", "sh", "zsh", "fish", "ash"})
#: A CMD that runs one of these starts no service: the image is a carrier of files or a base (`CMD ["ldconfig"]`).
_ONE_SHOT_PROGRAMS = frozenset({"ldconfig", "true", "echo", "ls", "cat", "printenv", "nvidia-smi", "uname", "id"})
_CI_PROGRAMS = frozenset({"pytest", "py.test", "tox", "nox", "playwright"})
_DOCS_PROGRAMS = frozenset({"sphinx-build", "sphinx-autobuild", "mkdocs", "hugo", "jekyll", "docusaurus"})
_TRAINING_PROGRAMS = frozenset({"torchrun", "accelerate", "deepspeed", "horovodrun", "mpirun", "axolotl", "composer"})
_TRAINING_MODULES = ("torch.distributed.run", "torch.distributed.launch", "accelerate", "deepspeed", "axolotl.cli")
#: Ports of side UIs that an interactive image may expose without serving anything itself.
SIDE_UI_PORTS = frozenset({22, 4040, 6006, 8265, 8787, 8888, 8889})


class Role(Frozen):
    _fields = ("role", "signal")
    __slots__ = _fields
    role: str
    #: why: "`# mllint: role=dev` on line 3", "path `.devcontainer/Dockerfile`", ...
    signal: str

    def __init__(self, role: str, signal: str) -> None:
        setfield(self, "role", role)
        setfield(self, "signal", signal)

    @property
    def deployed(self) -> bool:
        return self.role in DEPLOYED


def normalize(role: str) -> str | None:
    """A role name as users may write it, or None when it is not one."""
    lowered = role.strip().lower()
    lowered = ALIASES.get(lowered, lowered)
    return lowered if lowered in ROLES else None


def _inline(dockerfile: Dockerfile) -> Role | None:
    for line, text in dockerfile.comments:
        match = _INLINE.search(text)
        if match and normalize(match.group(1)):
            return Role(normalize(match.group(1)) or "", f"`# mllint: role={match.group(1)}` on line {line}")
    return None


def _configured(path: str, patterns: Mapping[str, str]) -> Role | None:
    normalized = path.replace("\\", "/").removeprefix("./")
    for pattern, role in patterns.items():
        if fnmatchcase(normalized, pattern) or fnmatchcase(normalized, f"*/{pattern.lstrip('/')}"):
            return Role(role, f"config `roles` pattern `{pattern}`")
    return None


def _words(name: str) -> set[str]:
    return {part for part in re.split(r"[-_.\s]+", name.lower()) if part}


def _from_stage_name(stage: Stage) -> Role | None:
    if not stage.name:
        return None
    words = _words(stage.name)
    for role, vocabulary in (("dev", _DEV_WORDS), ("ci", _CI_WORDS), ("docs", _DOCS_WORDS)):
        if words & vocabulary:
            return Role(role, f"the shipped stage is named `{stage.name}`")
    return None


_PROJECT_MARKERS = (".git", ".mllint.toml", "mllint.toml", "pyproject.toml")


def project_path(path: str) -> str:
    """``path`` as its project sees it, so that directories above the project say nothing about the file: a
    checkout in ``/builds/ci/app`` or ``/home/me/tests/app`` is not a CI or test image. Relative paths are kept;
    an absolute path is made relative to the working directory when it lies below it, else to the nearest
    directory above it that holds ``.git``, ``.mllint.toml``, ``mllint.toml`` or ``pyproject.toml``."""
    import os

    if not os.path.isabs(path):
        return path
    cwd = os.getcwd()
    if os.path.dirname(cwd) != cwd and path.startswith(cwd.rstrip(os.sep) + os.sep):  # (`/` is no project)
        return os.path.relpath(path, cwd)
    directory = os.path.dirname(path)
    while True:
        if any(os.path.exists(os.path.join(directory, marker)) for marker in _PROJECT_MARKERS):
            return os.path.relpath(path, directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            return path
        directory = parent


def _from_path(path: str) -> Role | None:
    """``.devcontainer/``, ``ci/``/``tests/``, ``benchmarks/`` anywhere in the project path; ``docs/`` as the file's
    own directory (a sample server under ``docs/samples/x/`` is not a docs build); ``Dockerfile.dev``/``.QA``."""
    path = project_path(path)
    parts = [part for part in path.replace("\\", "/").split("/") if part and part != "."]
    if not parts:
        return None
    directories, name = [p.lower() for p in parts[:-1]], parts[-1]
    if ".devcontainer" in directories:
        return Role("dev", f"path `{path}` (a dev container)")
    if any(directory in _CI_WORDS for directory in directories):
        return Role("ci", f"path `{path}` (a test/CI directory)")
    if any(directory in _BENCH_WORDS for directory in directories):
        return Role("dev", f"path `{path}` (a benchmark directory)")
    if directories and directories[-1] in _DOCS_WORDS:
        return Role("docs", f"path `{path}` (a docs directory)")
    suffix_words = _words(name) - {"dockerfile", "containerfile"}
    for role, vocabulary in (("dev", _DEV_WORDS), ("ci", _CI_WORDS), ("docs", _DOCS_WORDS)):
        if suffix_words & vocabulary:
            return Role(role, f"file name `{name}`")
    return None


def _real_argv(argv: Sequence[str]) -> Sequence[str]:
    """Drop init shims and `exec`/`env` in front of the program."""
    shims = {"tini", "tini-static", "dumb-init", "catatonit", "exec", "env", "--", "nohup", "gosu", "su-exec"}
    index = 0
    while index < len(argv) and (basename(argv[index]) in shims or (argv[index].startswith("-") and index > 0)):
        index += 1
    return argv[index:] or argv


def _program_role(argv: Sequence[str]) -> str | None:
    """What a command says about the image, without the server check (done first, by find_server)."""
    argv = _real_argv(argv)
    if not argv:
        return None
    program = basename(argv[0])
    args = list(argv[1:])
    if program in _NOTEBOOK_PROGRAMS:
        return "notebook"
    if program == "sleep" and args and args[0] in ("infinity", "inf"):
        return "dev"
    if program == "tail" and "/dev/null" in args:
        return "dev"
    if program in _SHELLS and not args:
        return "dev"
    if program in _ONE_SHOT_PROGRAMS:
        return "base"
    if program in _CI_PROGRAMS:
        return "ci"
    if program in _DOCS_PROGRAMS or _words(program.removesuffix(".py")) & {"docs", "apidocs", "pdoc"}:
        return "docs"  # `gen-crd-api-reference-docs`, `build_docs.py`
    if program in _TRAINING_PROGRAMS:
        return "training"
    if PYTHON_NAME.fullmatch(program):
        module, _ = python_parts(args)
        if module in ("jupyter", "jupyterlab", "notebook"):
            return "notebook"
        if module in ("pytest", "tox", "nox"):
            return "ci"
        if module and module.startswith(_TRAINING_MODULES):
            return "training"
        script = next((a for a in args if not a.startswith("-")), "")
        if re.search(r"(^|[/_-])(train|finetune|fine_tune|pretrain)[\w-]*\.py$", script):
            return "training"
        if _words(basename(script).removesuffix(".py")) & {"docs", "apidocs"}:
            return "docs"
    return None


def _startup_argvs(start: Startup) -> Iterable[tuple[Instruction | ShellCommand, Sequence[str]]]:
    yield from start.argvs()
    for instruction in start.instructions:  # exec form: the whole array is one argv
        if instruction.exec_form:
            yield instruction, instruction.exec_form


def exposed_ports(lineage: Sequence[Stage]) -> list[tuple[Instruction, int | None]]:
    """Every EXPOSEd port of the image built from ``lineage`` with its instruction (None: a variable hides it)."""
    ports: list[tuple[Instruction, int | None]] = []
    for stage in lineage:
        for instruction in stage.of("EXPOSE"):
            for word in instruction.arguments:
                text, resolved = expand(word.text, instruction.scope)
                number = text.split("/", 1)[0]
                ports.append((instruction, int(number) if resolved and number.isdigit() else None))
    return ports


def infer_role(
    dockerfile: Dockerfile,
    final: Stage | None,
    lineage: Sequence[Stage],
    config_roles: Mapping[str, str] | None = None,
    base_role: tuple[str, str] | None = None,
) -> Role:
    """The role of the image built from ``final``. ``base_role`` is (role, image) from the base-image
    knowledge, when the root image of the lineage is a known one."""
    declared = _inline(dockerfile) or (_configured(dockerfile.path, config_roles) if config_roles else None)
    if declared:
        return declared
    if final is None:
        return Role("base", "no stage")
    start = startup(lineage)
    for at, argv in start.argvs():
        found = find_server(argv)
        if found:
            by_name = _from_stage_name(final)
            if by_name:
                return by_name
            return Role("serving", f"`{found[0]}` on line {at.span.line} starts a server")
    named = _from_stage_name(final) or _from_path(dockerfile.path)
    if named:
        return named
    for at, argv in _startup_argvs(start):
        role = _program_role(argv)
        if role:
            return Role(role, f"`{' '.join(argv[:3])}` on line {at.span.line}")
    if base_role is not None and (not start.instructions or base_role[0] != "serving"):
        # an unknown script on a training/notebook/dev base runs what the base is for
        return Role(base_role[0], f"base image `{base_role[1]}` (a {base_role[0]} image)")
    if start.instructions:
        program = start.instructions[-1]
        served = [(i, p) for i, p in exposed_ports(lineage) if p is None or p not in SIDE_UI_PORTS]
        prints_help = any(arg in ("--help", "-h", "--version") for _, argv in start.argvs() for arg in argv)
        if served and not prints_help:
            expose = served[0][0]
            return Role(
                "serving",
                f"`EXPOSE {expose.args}` on line {expose.line} and `{program.keyword}` on line {program.line}",
            )
        return Role("batch", f"`{program.keyword}` on line {program.line} runs a program that is not a known server")
    if base_role is not None:
        return Role(base_role[0], f"base image `{base_role[1]}` (a {base_role[0]} image)")
    return Role("base", "no CMD or ENTRYPOINT (an image others build FROM)")
