"""Helpers the build-context rules share: which COPY sources read the context, the walk, sizes in words, what
RUNs read after `COPY . .`."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping

from ...analysis.commands import is_python_install
from ...analysis.downloads import ARCHIVE_EXTENSIONS, DATA_EXTENSIONS, MODEL_EXTENSIONS
from ...analysis.manifests import vcs_versioned
from ...analysis.paths import workdir_before
from ...analysis.secret_files import secret_file_kind
from ...dockerignore import go_clean
from ...model import Instruction, ShellCommand, Stage, Word, memo
from ...records import Frozen, setfield
from ...shell.tools import SHELLS
from ...variables import expand_word
from ..base import Rule, RuleContext
from ..common import context_sources, copy_source_words, mount_target

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any

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
    of at least ``min-artifact-kib`` (a 3 KiB test fixture is not worth a finding) outside Python packages
    (``pkg/encoder/vocab.txt.gz`` beside an ``__init__.py`` is data the code reads), and any file of
    ``threshold-mib`` or more."""
    threshold = float(options["threshold-mib"]) * 1024 * 1024
    minimum = float(options["min-artifact-kib"]) * 1024
    venvs = tuple(venv + "/" for venv in walk.virtualenvs)
    packages = {path[: -len("/__init__.py")] for path, _ in files if path.endswith("/__init__.py")}
    groups: dict[str, int] = {}
    items: list[tuple[str, int]] = []
    for path, size in files:
        group = _group(path, venvs)
        if group is not None:
            if not (keep_git and group.endswith(".git/")):
                groups[group] = groups.get(group, 0) + size
        elif size >= threshold or (
            size >= minimum
            and is_artifact_name(path)
            and not in_test_data(path)
            and path.rpartition("/")[0] not in packages  # package data the code loads (a tokenizer's vocab.gz)
        ):
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
    every = memo(walk, "credential-files", lambda: _credential_files(walk))  # once per walk, not per Dockerfile
    prefix = go_clean(directory)
    if prefix == ".":
        return every
    return [path for path in every if path.startswith(prefix + "/")]


def _credential_files(walk: Any) -> list[str]:
    venvs = tuple(venv + "/" for venv in walk.virtualenvs)
    return sorted(
        path
        for path, _ in walk.files
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


# --- what a RUN reads after a whole-context COPY (ML804) ------------------------------------------------------
# `.dockerignore` applies to `COPY . /app` too: an excluded directory is simply absent from /app, and a later
# `go build ./tests/e2e-ui` fails. After a whole-context COPY into D, find the RUN words that are clearly paths
# read under D and map them back to context paths; ML804 decides whether they are excluded. Precision first: a
# word counts only as an input of a command known to read it, a path some earlier instruction may have created
# silences it, and conditional or failure-tolerant commands are left out.

#: stands for a base image's WORKDIR we do not know: relative paths below it still compare with each other
_BASE_WORKDIR = "/<base-workdir>"

#: names of directories builds generate: an excluded local copy is stale output the build recreates
GENERATED = frozenset(
    {"build", "dist", "out", "target", "bin", "obj", "node_modules", "vendor", "venv", ".venv", "env", ".env",
     "__pycache__", ".cache", ".pytest_cache", ".mypy_cache", ".tox", ".next", ".nuxt", "coverage", "site-packages"}
)  # fmt: skip

#: the image's own top-level directories: under `COPY . /` a path there may come from the base image
_SYSTEM_DIRS = frozenset(
    {"bin", "boot", "dev", "etc", "home", "lib", "lib32", "lib64", "libx32", "media", "mnt", "opt", "proc", "root",
     "run", "sbin", "srv", "sys", "tmp", "usr", "var"}
)  # fmt: skip

#: go subcommands whose `./pkg` arguments are local directories
_GO_READS = frozenset({"build", "run", "test", "vet", "install", "generate", "list"})

#: commands that create what their options or last argument name, with unknown contents
_CREATORS = frozenset({"mkdir", "git", "cp", "mv", "ln", "install", "rsync", "tar", "unzip", "curl", "wget", "touch"})


class RunRead(Frozen):
    """A RUN word read as the context path ``path`` (relative to the context root, cleaned)."""

    _fields = ("instruction", "command", "word", "path", "copy")
    __slots__ = _fields
    instruction: Instruction
    command: ShellCommand
    word: Word
    path: str
    copy: Instruction  # the whole-context COPY that left it out

    def __init__(
        self, instruction: Instruction, command: ShellCommand, word: Word, path: str, copy: Instruction
    ) -> None:
        setfield(self, "copy", copy)
        setfield(self, "instruction", instruction)
        setfield(self, "command", command)
        setfield(self, "word", word)
        setfield(self, "path", path)


def reads_after_whole_copy(ctx: RuleContext) -> Iterator[RunRead]:
    """Each RUN input path under the directory a whole-context COPY filled (in its stage, or in a stage built
    FROM it), mapped back to the context path it would have come from. No path some earlier instruction of the
    lineage may have created, and no path outside the copied directory."""
    targets: dict[int, list[tuple[Instruction, str]]] = {}  # stage index -> (whole COPY, its directory)
    for copy in context_copies(ctx, shipped_only=False):
        stage = ctx.stage_of(copy.instruction)
        directory = _copy_directory(ctx, stage, copy.instruction) if stage is not None and copy.whole else None
        if stage is not None and directory is not None:
            targets.setdefault(stage.index, []).append((copy.instruction, directory))
    if not targets:
        return
    for stage in ctx.dockerfile.stages:
        lineage = ctx.lineage(stage)
        if not any(member.index in targets for member in lineage):
            continue
        yield from _stage_reads(ctx, stage, lineage, targets)


def _stage_reads(
    ctx: RuleContext, stage: Stage, lineage: list[Stage], targets: dict[int, list[tuple[Instruction, str]]]
) -> Iterator[RunRead]:
    created: list[tuple[str, int]] = []  # (path, NAMED/EMPTY/TREE): what earlier instructions may have made
    copied: list[tuple[Instruction, str]] = []  # whole-context COPYs seen so far
    whole = {id(instruction) for copies in targets.values() for instruction, _ in copies}
    for member in lineage:
        own = member.index == stage.index
        for instruction in member.body:
            cwd = workdir_before(ctx.dockerfile, member, instruction, _BASE_WORKDIR)
            if id(instruction) in whole:
                copied.extend(c for c in targets[member.index] if c[0] is instruction)
            elif instruction.keyword == "RUN":
                reads = list(_run(instruction, cwd, copied, created))  # run it through: it updates `created`
                if own:  # a parent stage's reads are reported with that stage
                    yield from reads
            else:
                created.extend(_made_by(ctx, instruction, cwd))


def _run(
    instruction: Instruction,
    cwd: str | None,
    copied: list[tuple[Instruction, str]],
    created: list[tuple[str, int]],
) -> Iterator[RunRead]:
    """The reads of one RUN (commands in order, `cd` followed); everything it names is then taken as created."""
    scope = instruction.scope
    for mount in instruction.mounts():
        target = _resolve(mount_target(mount), scope, cwd)
        if target is not None:
            created.append((target, TREE))
    for command in instruction.commands:
        for word in _inputs(command) if not command.conditions and not _tolerated(instruction, command) else []:
            absolute = _resolve(word.text, scope, cwd)
            for copy, directory in copied if absolute is not None else ():
                relative = _below(absolute, directory)
                if relative is None or _maybe_created(absolute, created, directory):
                    continue
                if not (directory == "/" and relative.split("/")[0] in _SYSTEM_DIRS):
                    yield RunRead(instruction, command, word, relative, copy)
                    break
        created.extend(_named_by(command, scope, cwd))
        if command.name == "cd" and command.nested_in is None:  # `cd DIR && ...`: later commands run there
            cwd = _resolve(command.words[1].text, scope, cwd) if len(command.words) == 2 else None


def _copy_directory(ctx: RuleContext, stage: Stage, instruction: Instruction) -> str | None:
    """Where a whole-context COPY puts the context's contents (None when a variable hides it)."""
    if not instruction.arguments:
        return None
    destination = instruction.exec_form[-1] if instruction.exec_form else instruction.arguments[-1].text
    cwd = workdir_before(ctx.dockerfile, stage, instruction, _BASE_WORKDIR)
    return _resolve(destination, instruction.scope, cwd)


def _resolve(text: str, scope: Mapping[str, str | None], cwd: str | None) -> str | None:
    """``text`` as an absolute, normalized path (variables expanded), or None when it cannot be told."""
    expanded = expand_word(text, scope) if "$" in text else text
    if not expanded or "$" in expanded or "`" in expanded or expanded.startswith(("~", "-")) or "\0" in expanded:
        return None
    if not expanded.startswith("/"):
        if cwd is None:
            return None
        expanded = posixpath.join(cwd, expanded)
    return posixpath.normpath(expanded)


def _below(path: str, directory: str) -> str | None:
    """``path`` relative to ``directory`` when strictly below it, else None."""
    prefix = directory.rstrip("/") + "/"
    return path[len(prefix) :] if path.startswith(prefix) and len(path) > len(prefix) else None


#: how an earlier instruction touched a path: it named it; made an empty directory there (WORKDIR, mkdir, an
#: option's value: the directory may get anything below it, unless it holds the whole copied directory); put
#: unknown contents there (a `--from` COPY, git clone, cp/tar/unzip destinations, a mount)
NAMED, EMPTY, TREE = 0, 1, 2


def _maybe_created(path: str, created: list[tuple[str, int]], directory: str) -> bool:
    """An earlier instruction named ``path`` or something below it, or made a directory ``path`` may be in
    (an empty one counts only below the copied ``directory``: `WORKDIR /app` brings nothing into /app)."""
    inside = directory.rstrip("/") + "/"
    for made, how in created:
        if made == path or made.startswith(path + "/"):
            return True
        if how != NAMED and path.startswith(made.rstrip("/") + "/") and (how == TREE or made.startswith(inside)):
            return True
    return False


def _tolerated(instruction: Instruction, command: ShellCommand) -> bool:
    """``cmd || fallback``: a later command's conditional starts right after this one, so its failure may be
    caught (``a && b`` makes no conditional unless ``a`` is a test, which reads nothing here)."""
    commands = instruction.commands
    index = commands.index(command) if command in commands else -1
    if index < 0 or index + 1 >= len(commands):
        return False
    later = commands[index + 1]
    end, start = (command.span.end_line, command.span.end_column), (later.span.line, later.span.column)
    return any(end <= condition.id <= start for condition in later.conditions)


# --- which words a command reads as paths --------------------------------------------------------------------


def _inputs(command: ShellCommand) -> list[Word]:
    """The words ``command`` reads as existing paths: only for commands known to read them."""
    words = command.words
    if not words:
        return []
    name = words[0].text.rsplit("/", 1)[-1]
    found: list[Word] = []
    if "/" in words[0].text and "$" not in words[0].raw:
        found.append(words[0])  # `./scripts/build.sh`: runs a file of the context
    invocation = command.invocation
    tool = command.tool
    if name in ("cd", "source", ".") and len(words) >= 2 and not words[1].text.startswith("-"):
        found.append(words[1])
    elif name in SHELLS and command.script is None:
        script = next((w for w in words[1:] if not w.text.startswith(("-", "+"))), None)
        found += [script] if script is not None else []
    elif tool == "python" and invocation is not None and not invocation.has_flag("-m", "-c"):
        found += list(invocation.positionals[:1])
    elif tool in ("pip", "uv") and invocation is not None and (command.subcommand or "").endswith("install"):
        found += [o.value for o in invocation.options if o.name in _PIP_FILES and o.value is not None]
        found += [w for w in invocation.positionals if w.text.startswith(("./", "../", "/")) and "://" not in w.text]
    elif tool == "go" and invocation is not None and command.subcommand in _GO_READS:
        found += [
            w
            for w in invocation.positionals
            if w.text.startswith(("./", "../")) and "@" not in w.text and "..." not in w.text.split("/")
        ]
    elif name == "make":
        found += _make_inputs(words[1:])
    elif name in ("cp", "mv") and not any(w.text in ("-t", "-T") or w.text.startswith("--target") for w in words):
        positionals = [w for w in words[1:] if not w.text.startswith("-")]
        found += positionals[:-1]  # the last one is the destination
    return [w for w in found if w.text and "://" not in w.text and not w.text.startswith("-")]


_PIP_FILES = frozenset({"-r", "--requirement", "-c", "--constraint", "-e", "--editable"})


def _make_inputs(words: tuple[Word, ...]) -> list[Word]:
    """``make -C DIR``, ``-f FILE`` (also ``-CDIR``, ``--directory=DIR``, ``--file=FILE``)."""
    found: list[Word] = []
    for index, word in enumerate(words):
        text = word.text
        if text in ("-C", "-f", "--directory", "--file", "--makefile") and index + 1 < len(words):
            found.append(words[index + 1])
        elif text.startswith(("--directory=", "--file=", "--makefile=")):
            value = text.split("=", 1)[1]
            found.append(Word(value, value, word.span))
        elif text[:2] in ("-C", "-f") and len(text) > 2 and not text.startswith("--"):
            found.append(Word(text[2:], text[2:], word.span))
    return found


# --- what an instruction may create -------------------------------------------------------------------------


def _made_by(ctx: RuleContext, instruction: Instruction, cwd: str | None) -> list[tuple[str, int]]:
    """What a non-RUN instruction may create: a WORKDIR, a COPY/ADD destination (the names it copies when they
    are known, else the whole destination tree)."""
    scope = instruction.scope
    if instruction.keyword == "WORKDIR" and instruction.arguments:
        made = _resolve(instruction.arguments[0].text, scope, cwd)
        return [(made, EMPTY)] if made else []
    if instruction.keyword not in ("COPY", "ADD") or not instruction.arguments:
        return []
    destination_text = instruction.exec_form[-1] if instruction.exec_form else instruction.arguments[-1].text
    destination = _resolve(destination_text, scope, cwd)
    if destination is None:
        return []
    sources = copy_source_words(instruction)
    kind = getattr(ctx.build_context, "kind", None)
    into = destination_text.endswith("/") or destination_text in (".", "./") or len(sources) > 1
    made: list[tuple[str, int]] = []
    for word in sources:
        text = word.text.rstrip("/")
        name = text.rsplit("/", 1)[-1]
        local = not instruction.flag("from") and "://" not in text and "$" not in text and kind is not None
        plain = local and not any(c in text for c in "*?[") and name not in ("", ".", "..")
        found = kind(text) if plain else None  # type: ignore[misc]
        children = ctx.build_context.glob(f"{text}/*") if found == "dir" else None  # type: ignore[union-attr]
        if found == "file":
            made.append((f"{destination}/{name}" if into else destination, NAMED))
        elif children is not None:  # a directory's contents land in the destination
            made += [(f"{destination}/{child.rsplit('/', 1)[-1]}", TREE) for child in children]
        else:
            made.append((destination, TREE))  # a directory's, a stage's, a glob's or a URL's contents: unknown
    return made


def _named_by(command: ShellCommand, scope: Mapping[str, str | None], cwd: str | None) -> list[tuple[str, int]]:
    """Every path a command names (as created: a later read of it is not reported), its option values and the
    outputs of creating commands (mkdir, git clone, cp/mv destinations, tar -C, curl -o...) as whole trees."""
    made: list[tuple[str, int]] = []
    name = command.words[0].text.rsplit("/", 1)[-1] if command.words else ""
    how_named = TREE if name in _CREATORS or command.tool in _CREATORS else NAMED
    how_named = EMPTY if name in ("mkdir", "touch") else how_named
    after_option = False
    for word in command.words[1:]:
        text = word.text
        how = max(how_named, EMPTY) if after_option else how_named
        after_option = text.startswith("-") and "=" not in text
        if text.startswith("-"):
            if "=" not in text:
                continue
            text, how = text.split("=", 1)[1], max(how_named, EMPTY)
        path = _resolve(text, scope, cwd)
        if path is not None:
            made.append((path, how))
    for redirect in command.redirects:
        path = _resolve(redirect.target, scope, cwd) if redirect.operator.startswith(">") else None
        if path is not None:
            made.append((path, NAMED))
    return made
