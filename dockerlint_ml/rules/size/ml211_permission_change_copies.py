"""ML211 permission-change-copies: a later `chown`/`chmod` stores the files an earlier instruction added again.

Reference page: rules/ML211.md.
"""

from __future__ import annotations

import posixpath
import stat
from collections.abc import Iterator
from fnmatch import fnmatchcase

from ...analysis.downloads import ARCHIVE_EXTENSIONS, is_model_file
from ...analysis.paths import workdir_before
from ...lazy_re import lazy
from ...model import Dockerfile, Edit, Finding, Fix, Instruction, Severity, ShellCommand, Span, Stage
from ...records import Frozen, setfield
from ..base import Problem, Rule, RuleContext
from ..common import copy_source_words, removes_path, rm_targets
from ._shared import _GLOB, _fetched, _resolve

_OCTAL = lazy(r"[0-7]{3,4}")
_SYMBOLIC_MODE = lazy(r"-[rwxXst]+")  # `chmod -x file`: the tool grammar reads the mode as an option


class _Added(Frozen):
    """What an instruction put at ``path``: ``entry`` (a file or directory it names) or ``contents`` (files it put
    into the directory ``path``, all of them or those matching ``pattern``)."""

    _fields = ("path", "kind", "instruction", "how", "pattern", "source")
    __slots__ = _fields
    path: str
    kind: str
    instruction: Instruction
    how: str
    pattern: str | None
    #: the build-context path a COPY/ADD took a single entry from (None for `--from` and RUN-made files)
    source: str | None

    def __init__(
        self,
        path: str,
        kind: str,
        instruction: Instruction,
        how: str,
        pattern: str | None = None,
        source: str | None = None,
    ) -> None:
        setfield(self, "path", path)
        setfield(self, "kind", kind)
        setfield(self, "instruction", instruction)
        setfield(self, "how", how)
        setfield(self, "pattern", pattern)
        setfield(self, "source", source)


class _Change(Frozen):
    """A ``chown``/``chmod`` of a RUN: its spec (owner or mode), targets and whether it recurses."""

    _fields = ("command", "tool", "spec", "targets", "recursive")
    __slots__ = _fields
    command: ShellCommand
    tool: str
    spec: str | None
    targets: tuple[str, ...]
    recursive: bool

    def __init__(
        self,
        command: ShellCommand,
        tool: str,
        spec: str | None,
        targets: tuple[str, ...],
        recursive: bool,
    ) -> None:
        setfield(self, "command", command)
        setfield(self, "tool", tool)
        setfield(self, "spec", spec)
        setfield(self, "targets", targets)
        setfield(self, "recursive", recursive)


def _change(command: ShellCommand, instruction: Instruction, cwd: str | None) -> _Change | None:
    invocation = command.invocation
    if command.tool not in ("chown", "chmod") or invocation is None:
        return None
    if invocation.has_flag("--from", "--reference"):
        return None  # a conditional chown, or a spec read from a file: what changes is unknown here
    words = list(invocation.positionals)
    names = [option.name for option in invocation.options]
    symbolic = next((n for n in names if _SYMBOLIC_MODE.fullmatch(n)), None)
    spec = symbolic if command.tool == "chmod" and symbolic else (words.pop(0).text if words else None)
    recursive = "-R" in names or "--recursive" in names or any(n.startswith("-R") and n[1:].isalpha() for n in names)
    targets = tuple(path for word in words if (path := _resolve(word.text, instruction.scope, cwd)) is not None)
    if spec is None or not targets or len(targets) != len(words):
        return None
    return _Change(command, command.tool, spec, targets, recursive)


def _copy_added(instruction: Instruction, cwd: str | None) -> list[_Added]:
    """What a COPY/ADD puts into the image (a URL source of ADD is left out: its file name is the server's)."""
    sources = copy_source_words(instruction)
    if not instruction.arguments or not sources:
        return []
    dest_text = instruction.exec_form[-1] if instruction.exec_form else instruction.arguments[-1].text
    dest = _resolve(dest_text, instruction.scope, cwd)
    if dest is None or dest.startswith("~"):
        return []
    into = dest_text.endswith("/") or len(sources) > 1 or any(_GLOB.search(w.text) for w in sources)
    added: list[_Added] = []
    for word in sources:
        text = word.text
        if "$" in text or "://" in text:
            continue
        name = text.rstrip("/").rsplit("/", 1)[-1]
        source = None if instruction.flag("from") is not None else text
        if _GLOB.search(name):
            added.append(_Added(dest, "contents", instruction, instruction.keyword, name))
        elif text.endswith("/") or name in ("", ".", ".."):
            # a directory's contents
            added.append(_Added(dest, "contents", instruction, instruction.keyword, source=source))
        else:
            path = posixpath.join(dest, name) if into else dest
            added.append(_Added(path, "entry", instruction, instruction.keyword, source=source))
    return added


def _under(path: str, directory: str) -> bool:
    return directory == "/" or path.startswith(directory.rstrip("/") + "/")


def _touches(change: _Change, target: str, added: _Added) -> bool:
    """Whether changing ``target`` rewrites files that ``added`` put there."""
    path = added.path
    if _GLOB.search(target):
        if added.kind == "entry":
            return fnmatchcase(path, target)
        return posixpath.dirname(target) == path
    if change.recursive and (path == target or _under(path, target)):
        return True
    if _under(target, path):  # a file inside what was added
        first = target[len(path.rstrip("/")) + 1 :].split("/", 1)[0]
        return added.pattern is None or fnmatchcase(first, added.pattern)
    if path == target and added.kind == "entry":
        # without -R only the named file changes: count it when it is one (a chmod, or a name with an extension)
        return change.tool == "chmod" or "." in posixpath.basename(path)
    return False


_LARGE_FILE_BYTES = 1024 * 1024
_ARCHIVE_SUFFIXES = (*ARCHIVE_EXTENSIONS, ".whl", ".deb", ".rpm", ".so", ".jar")  # archives and packages


def _costly(ctx: RuleContext, change: _Change, target: str, added: _Added) -> bool:
    """Whether storing what ``change`` rewrites at ``target`` again can cost something worth a warning. A
    recursive change, or one of a directory or a RUN-made file, can be gigabytes; one file named from the build
    context (`chmod +x entrypoint.sh`, a config) costs a few KB: it counts only when it is model weights or an
    archive, or at least 1 MiB in the build context (a directory named without ``-R`` changes only its own
    entry)."""
    if change.recursive or added.how not in ("COPY", "ADD"):
        return True
    name = posixpath.basename(target).lower()
    if is_model_file(name) or name.endswith(_ARCHIVE_SUFFIXES):
        return True
    if _GLOB.search(name):
        return name in ("*", ".*")  # `chmod +x /app/*.sh` rewrites scripts; `chown app /models/*` everything
    source = _context_path(target, added)
    context = ctx.build_context
    info = context.lstat(source) if source is not None and context is not None else None
    if info is None:  # not in a readable context: without -R, a directory's own entry is all that changes
        return False
    if stat.S_ISDIR(info.st_mode):
        return True
    return stat.S_ISREG(info.st_mode) and info.st_size >= _LARGE_FILE_BYTES


def _context_path(target: str, added: _Added) -> str | None:
    """Where in the build context the file at ``target`` came from (None for `--from` and unknown sources)."""
    if added.source is None:
        return None
    if target == added.path:
        return added.source
    if added.kind == "contents" and _under(target, added.path):
        return posixpath.join(added.source, target[len(added.path.rstrip("/")) + 1 :])
    return None


def _already_set(change: _Change, added: _Added) -> bool:
    """A COPY that already sets the owner (or mode) the RUN sets: nothing may change, so nothing is stored."""
    return added.instruction.flag("chown" if change.tool == "chown" else "chmod") is not None


class PermissionChangeCopies(Rule):
    """A RUN whose ``chown``/``chmod`` changes files that an earlier COPY/ADD/RUN of the stage added: each changed
    file is stored again in the new layer, so a model store takes twice its size."""

    id = "ML211"
    name = "permission-change-copies"
    severity = Severity.WARNING
    summary = "a later RUN chown/chmod stores the files an earlier COPY/ADD/RUN added again"
    tags = ("size",)
    fix_safety = "sometimes"
    fix_title = "fold the chown/chmod into `COPY --chown=`/`--chmod=` and drop the RUN"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        added_by_stage: dict[int, list[_Added]] = {}
        for stage in ctx.dockerfile.stages:
            inherited = added_by_stage.get(stage.parent, []) if stage.parent is not None else []
            added = added_by_stage[stage.index] = list(inherited)
            shipped = ctx.is_shipped(stage)
            for instruction in stage.body:
                cwd = workdir_before(ctx.dockerfile, stage, instruction, base=None)
                if instruction.keyword in ("COPY", "ADD"):
                    added.extend(_copy_added(instruction, cwd))
                elif instruction.keyword == "RUN":
                    if shipped:
                        yield from self._check_run(ctx, stage, instruction, cwd, added)
                    added.extend(_run_added(instruction, cwd))

    def _check_run(
        self, ctx: RuleContext, stage: Stage, instruction: Instruction, cwd: str | None, added: list[_Added]
    ) -> Iterator[Problem]:
        for command, here in _with_cwd(instruction, cwd):
            change = _change(command, instruction, here)
            if change is None:
                continue
            touched = [
                a
                for a in added
                for t in change.targets
                if _touches(change, t, a) and not _already_set(change, a) and _costly(ctx, change, t, a)
            ]
            if not touched:
                continue
            first = touched[0]
            advice = _advice(ctx, stage, change, first)
            line = first.instruction.line
            others = {a.instruction.line for a in touched} - {line}
            also = (
                f" (and line{'s' if len(others) > 1 else ''} {', '.join(map(str, sorted(others)))})" if others else ""
            )
            what = "owner" if change.tool == "chown" else "mode"
            yield self.problem(
                command,
                f"`{change.tool}` changes the {what} of files that line {line}{also} added ({first.how}): every file "
                "it changes is stored again in this layer, so they take twice their size in the image; " + advice,
                fix=_fold(ctx.dockerfile, stage, instruction, change, touched),
            )

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        """The fold computed with the finding (``check`` knows which COPY added the files); None without one."""
        return finding.fix


def _advice(ctx: RuleContext, stage: Stage, change: _Change, first: _Added) -> str:
    """What to do instead: the COPY flag when the change covers exactly what the COPY added, else the way that
    works for one file of a bulk copy; for RUN-made files, the RUN that makes them."""
    line = first.instruction.line
    if first.how not in ("COPY", "ADD"):
        return f"{change.tool} them in the RUN on line {line} that creates them ({first.how})"
    value = change.spec or ""
    if change.tool == "chmod" and not _OCTAL.fullmatch(value):
        value = "755" if value in _ADD_X else "<octal mode>"  # what +x makes of a 644 file
    whole = (change.recursive and any(first.path == t or _under(first.path, t) for t in change.targets)) or (
        first.kind == "entry" and first.path in change.targets
    )
    if not whole:  # one file of `COPY . /app`: a flag on that COPY would change every file
        if change.tool == "chmod" and change.spec in _ADD_X:
            return (
                "commit the file as executable (`git update-index --chmod=+x <file>`; COPY keeps the mode it has in "
                f"the build context) or copy it with its own `COPY --chmod={value}`"
            )
        return f"copy it with its own `COPY --{change.tool}={value}` instead of changing it afterwards"
    advice = f"use `{first.how} --{change.tool}={value}` on line {line} instead"
    if change.tool == "chown":
        created = _user_created_at(ctx, stage, value.partition(":")[0])
        if created is not None and created >= line:
            advice += f" (create the user before it: `--chown` needs the name to exist, and line {created} creates it)"
    return advice


_ADD_X = frozenset({"+x", "a+x", "ugo+x", "+rx", "a+rx", "ugo+rx"})


def _user_created_at(ctx: RuleContext, stage: Stage, user: str) -> int | None:
    """The line of the first RUN of ``stage``'s lineage that creates ``user`` (``useradd``/``adduser``), if any."""
    for member in ctx.lineage(stage):
        for instruction in member.body:
            for command in instruction.commands:
                if command.name.rsplit("/", 1)[-1] not in ("useradd", "adduser"):
                    continue
                words = command.invocation.positionals if command.invocation else command.words[1:]
                if words and words[-1].text == user:
                    return command.span.line  # the line of the useradd itself, inside a long RUN
    return None


def _with_cwd(instruction: Instruction, cwd: str | None) -> Iterator[tuple[ShellCommand, str | None]]:
    """The commands of a RUN with the directory each runs in (a plain ``cd DIR`` moves it)."""
    for command in instruction.commands:
        if command.name == "cd":
            words = command.words[1:]
            cwd = _resolve(words[0].text, instruction.scope, cwd) if len(words) == 1 else None
            continue
        yield command, cwd


def _run_added(instruction: Instruction, cwd: str | None) -> list[_Added]:
    """Files a RUN downloads or clones and does not delete again in the same RUN."""
    made: list[tuple[int, _Added]] = []
    removed: list[tuple[int, str]] = []
    for index, (command, here) in enumerate(_with_cwd(instruction, cwd)):
        for path, how in _fetched(instruction, command, here):
            if not path.startswith("~"):
                kind = "contents" if how == "git clone" else "entry"
                made.append((index, _Added(path, kind, instruction, how)))
        removed.extend(
            (index, path)
            for word in rm_targets(command)
            if (path := _resolve(word.text, instruction.scope, here)) is not None
        )
    return [a for i, a in made if not any(j > i and removes_path(t, a.path) for j, t in removed)]


def _fold(dockerfile: Dockerfile, stage: Stage, run: Instruction, change: _Change, touched: list[_Added]) -> Fix | None:
    """`COPY --chown=…`/`--chmod=…` in place of a RUN that is only this chown/chmod of exactly what one COPY of the
    same stage added. Safe when that is a single file; when it is a directory, the directory itself (if it existed
    before the COPY) keeps its old owner or mode, so the fix is unsafe."""
    copy = touched[0].instruction
    if (
        len(run.commands) != 1
        or run.flags
        or len(change.targets) != 1
        or copy not in stage.instructions
        or any(a.instruction is not copy for a in touched)
    ):
        return None
    own = [a for a in _copy_added(copy, workdir_before(dockerfile, stage, copy, base=None)) if a.instruction is copy]
    target = change.targets[0]
    if len(own) != 1 or own[0].path != target:
        return None  # the RUN changes more (or less) than this COPY added
    spec = change.spec or ""
    if change.tool == "chmod":
        if not _OCTAL.fullmatch(spec):
            return None  # `--chmod` takes an octal mode (symbolic modes need a recent Dockerfile frontend)
        flag = f"--chmod={spec}"
    else:
        if "$" in spec or spec.endswith(":") or spec.startswith(":") or "." in spec:
            return None
        flag = f"--chown={spec}"
    end = copy.keyword_span
    if run.span.end_line < len(dockerfile.lines):
        removal = Span(run.span.line, 1, run.span.end_line + 1, 1)
    elif run.span.line > 1:  # the RUN is the last line: take the newline before it instead
        previous = run.span.line - 1
        removal = Span(previous, len(dockerfile.lines[previous - 1]) + 1, run.span.end_line, run.span.end_column)
    else:
        return None
    edits = (Edit(Span(end.end_line, end.end_column, end.end_line, end.end_column), f" {flag}"), Edit(removal, ""))
    # exact only for one file, and for chown only with a group: `COPY --chown=app` gives the files app's UID as
    # their group where `chown app` kept root's
    safe = own[0].kind == "entry" and not change.recursive and (change.tool == "chmod" or ":" in spec)
    return Fix(f"add `{flag}` to the {copy.keyword} on line {copy.line} and drop the RUN", edits, safe=safe)
