"""What a RUN reads from a whole-context COPY (`COPY . .`): context paths named by its commands (ML804).

`.dockerignore` applies to `COPY . /app` too: an excluded directory is simply absent from /app, and a later
`go build ./tests/e2e-ui` fails. This module finds, after a whole-context COPY into D, the RUN words that are
clearly paths read under D and maps them back to context paths; ML804 decides whether they are excluded.
Precision first: a word counts only as an input of a command known to read it, a path some earlier
instruction may have created silences it, and conditional or failure-tolerant commands are left out.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping

from ...analysis.paths import workdir_before
from ...model import Instruction, ShellCommand, Stage, Word
from ...records import Frozen, setfield
from ...shell.tools import SHELLS
from ...variables import expand_word
from ..base import RuleContext
from ..common import copy_source_words, mount_target
from ._shared import context_copies

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

    _fields = ("instruction", "command", "word", "path")
    __slots__ = _fields
    instruction: Instruction
    command: ShellCommand
    word: Word
    path: str

    def __init__(self, instruction: Instruction, command: ShellCommand, word: Word, path: str) -> None:
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
        directory = _copy_directory(ctx, stage, copy.instruction) if stage is not None else None
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
    created: list[tuple[str, bool]] = []  # (path, whole tree): what earlier instructions may have made
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
    created: list[tuple[str, bool]],
) -> Iterator[RunRead]:
    """The reads of one RUN (commands in order, `cd` followed); everything it names is then taken as created."""
    scope = instruction.scope
    for mount in instruction.mounts():
        target = _resolve(mount_target(mount), scope, cwd)
        if target is not None:
            created.append((target, True))
    for command in instruction.commands:
        for word in _inputs(command) if not command.conditions and not _tolerated(instruction, command) else []:
            absolute = _resolve(word.text, scope, cwd)
            if absolute is None or _maybe_created(absolute, created):
                continue
            for _, directory in copied:
                relative = _below(absolute, directory)
                if relative is not None and not (directory == "/" and relative.split("/")[0] in _SYSTEM_DIRS):
                    yield RunRead(instruction, command, word, relative)
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


def _maybe_created(path: str, created: list[tuple[str, bool]]) -> bool:
    """An earlier instruction named ``path`` or something below it, or made a tree ``path`` may be in."""
    return any(
        made == path or made.startswith(path + "/") or (tree and path.startswith(made.rstrip("/") + "/"))
        for made, tree in created
    )


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


def _made_by(ctx: RuleContext, instruction: Instruction, cwd: str | None) -> list[tuple[str, bool]]:
    """What a non-RUN instruction may create: a WORKDIR, a COPY/ADD destination (the names it copies when they
    are known, else the whole destination tree)."""
    scope = instruction.scope
    if instruction.keyword == "WORKDIR" and instruction.arguments:
        made = _resolve(instruction.arguments[0].text, scope, cwd)
        return [(made, True)] if made else []
    if instruction.keyword not in ("COPY", "ADD") or not instruction.arguments:
        return []
    destination_text = instruction.exec_form[-1] if instruction.exec_form else instruction.arguments[-1].text
    destination = _resolve(destination_text, scope, cwd)
    if destination is None:
        return []
    sources = copy_source_words(instruction)
    kind = getattr(ctx.build_context, "kind", None)
    into = destination_text.endswith("/") or destination_text in (".", "./") or len(sources) > 1
    made: list[tuple[str, bool]] = []
    for word in sources:
        text = word.text.rstrip("/")
        name = text.rsplit("/", 1)[-1]
        local = not instruction.flag("from") and "://" not in text and "$" not in text and kind is not None
        plain = local and not any(c in text for c in "*?[") and name not in ("", ".", "..")
        found = kind(text) if plain else None  # type: ignore[misc]
        children = ctx.build_context.glob(f"{text}/*") if found == "dir" else None  # type: ignore[union-attr]
        if found == "file":
            made.append((f"{destination}/{name}" if into else destination, False))
        elif children is not None:  # a directory's contents land in the destination
            made += [(f"{destination}/{child.rsplit('/', 1)[-1]}", True) for child in children]
        else:
            made.append((destination, True))  # a directory's, a stage's, a glob's or a URL's contents: unknown
    return made


def _named_by(command: ShellCommand, scope: Mapping[str, str | None], cwd: str | None) -> list[tuple[str, bool]]:
    """Every path a command names (as created: a later read of it is not reported), its option values and the
    outputs of creating commands (mkdir, git clone, cp/mv destinations, tar -C, curl -o...) as whole trees."""
    made: list[tuple[str, bool]] = []
    name = command.words[0].text.rsplit("/", 1)[-1] if command.words else ""
    creator = name in _CREATORS or command.tool in _CREATORS
    after_option = False
    for word in command.words[1:]:
        text = word.text
        tree = creator or after_option
        after_option = text.startswith("-") and "=" not in text
        if text.startswith("-"):
            if "=" not in text:
                continue
            text, tree = text.split("=", 1)[1], True
        path = _resolve(text, scope, cwd)
        if path is not None:
            made.append((path, tree))
    for redirect in command.redirects:
        path = _resolve(redirect.target, scope, cwd) if redirect.operator.startswith(">") else None
        if path is not None:
            made.append((path, False))
    return made
