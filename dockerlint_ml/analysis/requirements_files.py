"""Requirements files an install reads (``pip install -r requirements.txt``, ``uv pip install -r``), read
through the build context as the COPYs (or bind mounts) before the RUN placed them, nested ``-r other.txt``
included (relative to the file that names it, as pip resolves it). The one walker of requirements files:
the GPU facts, ML703 and ML904 all read them through :func:`requirements_files`.

:func:`requirements_files` says what it read and what it could not (a file not in the context, a URL, a
pyproject, a ``cd`` to somewhere unknown) and whether the build rewrites one of them; each consumer decides
what an incomplete walk means. :func:`requirements_install` answers for one install command only when it can
see every file the command reads, unchanged by the build (None otherwise: the versions may live where this
cannot look). Lines go through ``packages.requirement_lines`` (the one requirements-file parser).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence

from ..model import Instruction, ShellCommand, Stage, Word
from ..records import Frozen, setfield
from ..variables import expand
from .commands import is_python_install
from .packages import requirement_lines

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any

#: options of a requirements file (or of the command) that name a requirements file
REQUIREMENT_OPTIONS = ("-r", "--requirement", "--requirements")
#: options of a requirements file (or of the command) that name a constraints file
CONSTRAINT_OPTIONS = ("-c", "--constraint", "--constraints")
#: index options of a requirements file line: the index (replaces), extra indexes, find-links (add)
INDEX_URL_OPTIONS = ("-i", "--index-url")
EXTRA_INDEX_OPTIONS = ("--extra-index-url",)
FIND_LINKS_OPTIONS = ("-f", "--find-links")
#: options after which the versions are decided elsewhere: constraints, overrides, hash-checking
_DECIDING_OPTIONS = (*CONSTRAINT_OPTIONS, "--override", "--overrides", "--require-hashes", "--hash")
#: nested files read per install at most (a cycle or a deep include tree stops here: unknown)
MAX_FILES = 16


class RequirementsFile(Frozen):
    """One requirements file an install reads, as the build context holds it."""

    _fields = ("path", "image_path", "lines", "at")
    __slots__ = _fields
    path: str  # context path
    image_path: str  # where the install reads it: relative to the WORKDIR, or absolute
    lines: tuple[tuple[str, str], ...]  # ``requirement_lines(text, per_requirement=True)``: ("", requirement)
    at: Word  # the command's `-r` value this file was reached from (itself, or through nested `-r`)

    def __init__(self, path: str, image_path: str, lines: tuple[tuple[str, str], ...], at: Word) -> None:
        setfield(self, "path", path)
        setfield(self, "image_path", image_path)
        setfield(self, "lines", lines)
        setfield(self, "at", at)

    @property
    def requirements(self) -> list[str]:
        """The requirement lines, as written (without their per-line options)."""
        return [value for option, value in self.lines if option == ""]

    def options(self, *names: str) -> list[tuple[str, str]]:
        """The (option, value) lines of ``names`` (``--index-url``, ``-e``...), in file order."""
        return [(option, value) for option, value in self.lines if option in names]


class UnreadFile(Frozen):
    """A requirements file an install names that cannot be read here."""

    _fields = ("written", "at", "named_in")
    __slots__ = _fields
    written: str  # the `-r` value as written
    at: Word  # the command's `-r` value it was reached from
    named_in: str | None  # context path of the file whose nested `-r` names it; None: the command line

    def __init__(self, written: str, at: Word, named_in: str | None) -> None:
        setfield(self, "written", written)
        setfield(self, "at", at)
        setfield(self, "named_in", named_in)

    @property
    def label(self) -> str:
        """``-r requirements.txt (line 4)``, ``-r base.txt in requirements/dev.txt``."""
        if self.named_in is None:
            return f"-r {self.at.text} (line {self.at.span.line})"
        return f"-r {self.written} in {self.named_in}"


class RequirementsFiles(Frozen):
    """The requirements files one command names (``-r``, nested included): those read, those not."""

    _fields = ("words", "files", "unread", "rewritten")
    __slots__ = _fields
    words: tuple[Word, ...]  # the command's `-r` values
    files: tuple[RequirementsFile, ...]  # read, in reading order (each `-r` of the command, then its nested)
    unread: tuple[UnreadFile, ...]
    rewritten: bool  # an earlier command of the build writes one of the files read (see rewritten_by_build)

    def __init__(
        self, words: tuple[Word, ...], files: tuple[RequirementsFile, ...], unread: tuple[UnreadFile, ...],
        rewritten: bool,
    ) -> None:  # fmt: skip
        setfield(self, "words", words)
        setfield(self, "files", files)
        setfield(self, "unread", unread)
        setfield(self, "rewritten", rewritten)

    @property
    def complete(self) -> bool:
        """Every file was read, and the image holds them as the context does."""
        return not self.unread and not self.rewritten


def requirements_files(
    lineage: Sequence[Stage],
    instruction: Instruction,
    command: ShellCommand,
    build_context: Any,
    scope: Mapping[str, str | None] | None = None,
) -> RequirementsFiles | None:
    """The requirements files ``command`` names (``-r FILE``, several, nested), read from the build context
    as the image holds them when ``command`` runs (relative to where an earlier ``cd`` of the RUN left it);
    None when it names none. ``scope`` overrides the instruction's variables (inside a shell conditional)."""
    from .gpu.copies import context_file_for, copies_along
    from .manifests import directory_after_cd

    invocation = command.invocation
    if invocation is None:
        return None
    words = tuple(o.value for o in invocation.options if o.name in REQUIREMENT_OPTIONS and o.value is not None)
    if not words:
        return None
    scope = instruction.scope if scope is None else scope
    cwd = directory_after_cd(instruction, command)
    lineage = list(lineage)
    files: list[RequirementsFile] = []
    unread: list[UnreadFile] = []
    seen: set[str] = set()
    for word in words:
        target, resolved = expand(word.text, scope) if word.has_expansion else (word.text, True)
        if cwd is None or not resolved or "$" in target:
            unread.append(UnreadFile(word.text, word, None))
            continue
        # (path as written, context path of the file naming it, directory it is relative to in the image):
        # pip resolves a nested file from the file that names it
        pending: list[tuple[str, str | None, str]] = [(target, None, cwd)]
        while pending:
            written, named_in, directory = pending.pop(0)
            image_path = posixpath.normpath(posixpath.join(directory, written))
            if image_path in seen:
                continue
            seen.add(image_path)
            found = None
            # a URL, a pyproject/setup.py (uv reads those too), or past the limit: not read here
            if len(seen) <= MAX_FILES and "://" not in written and not written.endswith((".toml", ".py", ".cfg")):
                found = context_file_for(lineage, instruction, image_path, build_context)
            if found is None:
                unread.append(UnreadFile(written if named_in else word.text, word, named_in))
                continue
            path, text = found
            lines = tuple(requirement_lines(text, per_requirement=True))
            files.append(RequirementsFile(path, image_path, lines, word))
            nested = posixpath.dirname(image_path)
            pending += [(value, path, nested) for option, value in lines if option in REQUIREMENT_OPTIONS]
    workdir = copies_along(lineage)[1].get(id(instruction), ("/", 0))[0]
    paths = [posixpath.join(workdir, f.image_path) for f in files]
    rewritten = bool(files) and rewritten_by_build(lineage, instruction, command, paths)
    return RequirementsFiles(words, tuple(files), tuple(unread), rewritten)


class RequirementsInstall(Frozen):
    """The requirements files an install command reads, and what they list."""

    _fields = ("files", "requirements", "at", "decided")
    __slots__ = _fields
    files: tuple[str, ...]  # context paths, in reading order
    requirements: tuple[tuple[str, str], ...]  # (context path, requirement as written)
    at: Word  # the first `-r` value of the command: where findings point
    decided: bool  # a file adds constraints (`-c`), `--require-hashes` or `--hash` entries: versions are decided

    def __init__(
        self, files: tuple[str, ...], requirements: tuple[tuple[str, str], ...], at: Word, decided: bool
    ) -> None:
        setfield(self, "files", files)
        setfield(self, "requirements", requirements)
        setfield(self, "at", at)
        setfield(self, "decided", decided)


def requirements_install(
    lineage: Sequence[Stage], instruction: Instruction, command: ShellCommand, build_context: Any
) -> RequirementsInstall | None:
    """The requirements files the install ``command`` reads; None when it names none, or any of them (nested
    included) cannot be read from the build context as the image holds it."""
    if build_context is None or not is_python_install(command):
        return None
    walk = requirements_files(lineage, instruction, command, build_context)
    if walk is None or not walk.complete:
        return None
    requirements = tuple((f.path, text) for f in walk.files for text in f.requirements)
    decided = any(f.options(*_DECIDING_OPTIONS) for f in walk.files)
    return RequirementsInstall(tuple(f.path for f in walk.files), requirements, walk.words[0], decided)


#: commands that replace a whole directory (``rm -rf serve; git clone ... serve``)
_REPLACING = frozenset({"git", "rm", "mv", "cp", "ln", "tar", "unzip", "rsync"})


def rewritten_by_build(
    lineage: Sequence[Stage], instruction: Instruction, command: ShellCommand, paths: list[str]
) -> bool:
    """Whether an earlier command of the build names one of the files (``pip-compile -o requirements.txt``,
    ``sed -i ... requirements.txt``, ``> requirements.txt``) other than to install it, or replaces a directory
    they are in (``git clone ... serve``): what the image holds may then not be what the context does."""
    names = {posixpath.basename(p) for p in paths}
    directories = {part for p in paths for part in posixpath.dirname(p).split("/") if part not in ("", ".", "..")}
    for stage in lineage:
        for earlier in stage.instructions:
            for shell in earlier.commands:
                if shell is command:
                    return False
                if is_python_install(shell):
                    continue
                written = [w.text for w in shell.words[1:]] + [r.target for r in shell.redirects]
                named = {posixpath.basename(text.strip("\"'").rstrip("/")) for text in written}
                if named & names or (shell.name in _REPLACING and named & directories):
                    return True
            if earlier is instruction:
                return False
    return False
