"""Helpers the build-context rules share: which COPY sources read the context, the walk, sizes in words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...analysis.commands import is_python_install
from ...analysis.downloads import ARCHIVE_EXTENSIONS, DATA_EXTENSIONS, MODEL_EXTENSIONS
from ...analysis.manifests import vcs_versioned
from ...analysis.secret_files import secret_file_kind
from ...dockerignore import go_clean
from ...model import Instruction, ShellCommand, Word, memo
from ...records import Frozen, setfield
from ..base import Rule, RuleContext
from ..common import context_sources

#: bounds of the context walk, as rule options (the walk is shared: one per context and ignore file per run)
WALK_OPTIONS: dict[str, Any] = {"max-entries": 200_000, "max-seconds": 1.5}


class ContextCopy(Frozen):
    """A COPY/ADD source read from the build context: the whole context (`.`), or a path in it."""

    _fields = ("instruction", "word", "source")
    __slots__ = _fields
    instruction: Instruction
    word: Word
    source: str  # cleaned, relative to the context root ("." for the whole context)

    def __init__(self, instruction: Instruction, word: Word, source: str) -> None:
        setfield(self, "instruction", instruction)
        setfield(self, "word", word)
        setfield(self, "source", source)

    @property
    def whole(self) -> bool:
        return self.source == "."

    @property
    def shown(self) -> str:
        text = " ".join(word.raw for word in self.instruction.arguments)
        text = text if len(text) <= 50 else text[:49] + "…"
        return f"`{self.instruction.keyword} {text}`"


def context_copies(ctx: RuleContext, *, shipped_only: bool) -> Iterator[ContextCopy]:
    """Every COPY/ADD source word read from the context (no ``--from``, URL, git or heredoc source); sources
    with variables are left out (their value is unknown), and so are COPYs with ``--exclude`` (it filters what
    the context walk would report)."""
    for instruction in ctx.instructions("COPY", "ADD", shipped_only=shipped_only):
        if instruction.flag("exclude") is not None:
            continue
        for word in context_sources(instruction):
            if "$" in word.text or not word.text.strip():
                continue
            source = go_clean(word.text.strip().lstrip("/")) if word.text.strip() != "/" else "."
            if source.startswith(".."):
                continue  # outside the context: the build fails anyway, another matter
            yield ContextCopy(instruction, word, source)


def dockerfile_path(ctx: RuleContext) -> str | None:
    path = ctx.dockerfile.path
    return None if not path or path == "-" else path


def context_walk(ctx: RuleContext, rule: type[Rule] | Rule) -> Any:
    """The walk of the build context (a ``ContextWalk``), or None when there is no readable context."""
    context = ctx.build_context
    if context is None or not hasattr(context, "walk"):
        return None
    options = ctx.options(rule)
    try:
        return context.walk(dockerfile_path(ctx), int(options["max-entries"]), float(options["max-seconds"]))
    except (OSError, ValueError, TypeError):
        return None


def size_text(size: int) -> str:
    """``512 B``, ``3.4 MiB``, ``5.0 GiB``."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - unreachable


def partial_note(walk: Any) -> str:
    """What to add to a message when the walk stopped early."""
    if not walk.partial:
        return ""
    return f" (the context walk stopped after {walk.walked:,} entries: there may be more)"


def listing(items: list[tuple[str, int]], limit: int = 3, more: bool = True) -> str:
    """``a (1.0 GiB), b (3.0 MiB)`` for the biggest ``limit`` items, ``and N more`` after them (with ``more``)."""
    ordered = sorted(items, key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"`{path}` ({size_text(size)})" for path, size in ordered[:limit])
    rest = len(ordered) - limit
    return shown + (f" and {rest:,} more" if rest > 0 and more else "")


#: model weights, datasets and archives by suffix (lower case); `*.tar*` is matched separately
ARTIFACT_SUFFIXES = (*MODEL_EXTENSIONS, ".ggml", *DATA_EXTENSIONS, *ARCHIVE_EXTENSIONS)

#: the size options of the large-item search (ML802, and ML801's message)
SIZE_OPTIONS: dict[str, Any] = {"threshold-mib": 50, "min-artifact-kib": 1024}


#: directories of test fixtures: a small weights or data file there is test data, not a forgotten artifact
TEST_DIRS = frozenset({"test", "tests", "testing", "testdata", "test_data", "fixtures"})


def in_test_data(path: str) -> bool:
    return not TEST_DIRS.isdisjoint(path.lower().split("/")[:-1])


def is_artifact_name(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return name.endswith(ARTIFACT_SUFFIXES) or ".tar" in name[1:]


def large_items(
    walk: Any, files: list[tuple[str, int]], options: Any, *, keep_git: bool = False
) -> list[tuple[str, int]]:
    """What is not worth sending among ``files``: `.git` directories (unless ``keep_git``: the build runs git
    on them) and virtualenvs (as one item each, with their total size), model weights / datasets / archives
    of at least ``min-artifact-kib`` (a 3 KiB test fixture is not worth a finding), and any file of
    ``threshold-mib`` or more."""
    threshold = float(options["threshold-mib"]) * 1024 * 1024
    minimum = float(options["min-artifact-kib"]) * 1024
    venvs = tuple(venv + "/" for venv in walk.virtualenvs)
    groups: dict[str, int] = {}
    items: list[tuple[str, int]] = []
    for path, size in files:
        group = _group(path, venvs)
        if group is not None:
            if not (keep_git and group.endswith(".git/")):
                groups[group] = groups.get(group, 0) + size
        elif size >= threshold or (size >= minimum and is_artifact_name(path) and not in_test_data(path)):
            items.append((path, size))
    return items + sorted(groups.items())


def _group(path: str, venvs: tuple[str, ...]) -> str | None:
    """``.git/`` (or ``sub/.git/``) or the virtualenv directory ``path`` is in, else None."""
    parts = path.split("/")
    if ".git" in parts[:-1]:
        return "/".join(parts[: parts.index(".git") + 1]) + "/"
    for venv in venvs:
        if path.startswith(venv):
            return venv
    return None


#: directories whose files are test fixtures or installed packages, not the project's credentials
_NOT_CREDENTIALS = TEST_DIRS | {"site-packages", "node_modules", ".git"}


def credential_files(walk: Any, directory: str) -> list[str]:
    """The credential files (the ML303 list: `.env`, private keys, `.netrc`, cloud credentials...) the walk
    sends under ``directory`` ("." for all), test fixtures and installed packages left out."""
    venvs = tuple(venv + "/" for venv in walk.virtualenvs)
    return sorted(
        path
        for path, _ in walk.under(directory)
        if not path.startswith(venvs)
        and not _NOT_CREDENTIALS.intersection(path.lower().split("/")[:-1])
        and secret_file_kind(path) is not None
    )


# --- does the build need the context's `.git`? ------------------------------------------------------------

#: git subcommands that read no existing repository (None: ``git --version``)
_GIT_WITHOUT_REPO = frozenset({None, "clone", "init", "ls-remote", "version", "help", "lfs install"})


def git_needed(ctx: RuleContext) -> str | None:
    """Why excluding `.git` from the context would break this build, or None: a RUN after a COPY of the context
    (in its stage or a stage built FROM it), or with a bind mount of the context, runs git on a repository,
    or pip-installs a local project whose `pyproject.toml` takes its version from git (setuptools-scm...).
    Said as ``line 36 runs `git config```. Over-reporting only costs a suggestion, so any doubt counts."""
    return memo(ctx, "ml8-git-needed", lambda: _git_needed(ctx))


def _git_needed(ctx: RuleContext) -> str | None:
    scm: list[bool] = []  # the context's pyproject, read at most once

    def scm_versioned() -> bool:
        if not scm:
            read = getattr(ctx.build_context, "read_text", None)
            text = read("pyproject.toml") if read is not None else None
            scm.append(text is not None and vcs_versioned(text))
        return scm[0]

    for instruction in _runs_with_context(ctx):
        in_clone = False  # `git clone URL d && cd d && git checkout SHA`: the later git commands are the clone's
        cloned = False
        for command in instruction.commands:
            if command.tool == "git" and command.subcommand == "clone":
                cloned = True
            elif cloned and command.name == "cd":
                in_clone = True
            elif command.tool == "git" and command.subcommand not in _GIT_WITHOUT_REPO:
                if not _global_config(command) and not (in_clone and not _aimed(command)):
                    return f"line {instruction.line} runs `{_shown(command)}`"
            elif is_python_install(command) and _installs_local_path(command) and scm_versioned():
                shown = f"line {instruction.line} runs `{_shown(command)}`"
                return f"{shown} and `pyproject.toml` takes its version from git"
    return None


def _runs_with_context(ctx: RuleContext) -> Iterator[Instruction]:
    """The RUNs that see the context's files: those after a COPY/ADD of the whole context or of a directory
    of it, in its stage or in a stage built FROM that stage, and RUNs bind-mounting the context."""
    stages = ctx.dockerfile.stages
    starts: dict[int, int] = {}  # stage index -> line of its first COPY of a directory of the context
    kind = getattr(ctx.build_context, "kind", None)
    for copy in context_copies(ctx, shipped_only=False):
        index = copy.instruction.stage_index
        if index is not None and (copy.whole or (kind is not None and kind(copy.source) == "dir")):
            starts[index] = min(starts.get(index, copy.instruction.line), copy.instruction.line)
    for stage in stages:
        lineage = [s.index for s in ctx.lineage(stage)]
        inherited = any(index in starts for index in lineage[:-1])
        for instruction in stage.of("RUN"):
            start = starts.get(stage.index)
            after = inherited or (start is not None and instruction.line > start)
            if after or any(_binds_context(mount) for mount in instruction.mounts()):
                yield instruction


def _binds_context(mount: dict[str, str]) -> bool:
    """``--mount=type=bind`` with no ``from=``: the build context, `.dockerignore` applied."""
    return mount.get("type", "bind") == "bind" and "from" not in mount


def _global_config(command: ShellCommand) -> bool:
    """``git config --global ...``: writes the user's config, reads no repository."""
    return command.subcommand == "config" and command.has_flag("--global", "--system")


def _aimed(command: ShellCommand) -> bool:
    """``git -C DIR``, ``--git-dir``, ``--work-tree``: the command names its repository."""
    return command.has_flag("-C", "--git-dir", "--work-tree")


def _installs_local_path(command: ShellCommand) -> bool:
    """``pip install .``, ``pip install -e ".[dev]"``, ``uv pip install /app``: a project directory, not an archive."""
    invocation = command.invocation
    if invocation is None:
        return False
    words = [o.value for o in invocation.options if o.name in ("-e", "--editable") and o.value is not None]
    words += list(invocation.positionals)
    return any(
        word.text.startswith((".", "/")) and not word.text.endswith((".whl", ".tar.gz", ".zip")) for word in words
    )


def _shown(command: ShellCommand) -> str:
    text = " ".join(word.raw for word in command.words[:3])
    return text if len(command.words) <= 3 else text + " …"
