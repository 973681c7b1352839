"""Requirements files an install reads (``pip install -r requirements.txt``, ``uv pip install -r``), read
through the build context as the COPYs (or bind mounts) before the RUN placed them, nested ``-r other.txt``
included (relative to the file that names it, as pip resolves it).

``requirements_install`` answers for one install command only when it can see every file the command reads:
a file that is not in the context, cannot be read, is generated or edited in the build, or names a URL, and
the answer is None (the versions may live where this cannot look). Requirement lines go through
``packages`` (the one requirement parser).
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from typing import Any

from ..model import Instruction, ShellCommand, Stage, Word
from ..records import Frozen, setfield
from ..variables import expand
from .commands import is_python_install
from .packages import requirement_lines

#: options of a requirements file (or of the command) that name a requirements file
REQUIREMENT_OPTIONS = ("-r", "--requirement", "--requirements")
#: options after which the versions are decided elsewhere: constraints, overrides, hash-checking
_DECIDING_OPTIONS = ("-c", "--constraint", "--constraints", "--override", "--overrides", "--require-hashes", "--hash")
#: nested files read per install at most (a cycle or a deep include tree stops here: unknown, silent)
MAX_FILES = 16


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
    """The requirements files ``command`` installs from (``-r FILE``, several, nested); None when it names
    none, or any of them (nested included) cannot be read from the build context as the image holds it."""
    from .gpu.copies import _copies_along, context_file_for
    from .manifests import _directory_after_cd

    invocation = command.invocation
    if build_context is None or invocation is None or not is_python_install(command):
        return None
    words = [o.value for o in invocation.options if o.name in REQUIREMENT_OPTIONS and o.value is not None]
    if not words:
        return None
    cwd = _directory_after_cd(instruction, command)
    if cwd is None:
        return None
    lineage = list(lineage)
    pending: list[str] = []  # image paths, relative to the WORKDIR (pip resolves nested files from the file)
    for word in words:
        target, resolved = expand(word.text, instruction.scope) if word.has_expansion else (word.text, True)
        if not resolved or "$" in target:
            return None
        pending.append(posixpath.normpath(posixpath.join(cwd, target)))
    read: list[str] = []  # image paths of the files read
    files: list[str] = []
    requirements: list[tuple[str, str]] = []
    decided = False
    seen: set[str] = set()
    while pending:
        image_path = pending.pop(0)
        if image_path in seen:
            continue
        seen.add(image_path)
        if len(seen) > MAX_FILES or "://" in image_path or image_path.endswith((".toml", ".py", ".cfg")):
            return None  # a URL, a pyproject/setup.py (uv reads those too): not a requirements file read here
        found = context_file_for(lineage, instruction, image_path, build_context)
        if found is None:
            return None
        path, text = found
        files.append(path)
        read.append(image_path)
        for option, value in requirement_lines(text, per_requirement=True):
            if option == "":
                requirements.append((path, value))
            elif option in REQUIREMENT_OPTIONS:
                pending.append(posixpath.normpath(posixpath.join(posixpath.dirname(image_path), value)))
            elif option in _DECIDING_OPTIONS:
                decided = True
    workdir = _copies_along(lineage)[1].get(id(instruction), ("/", 0))[0]
    if _rewritten(lineage, instruction, command, [posixpath.join(workdir, p) for p in read]):
        return None
    return RequirementsInstall(tuple(files), tuple(requirements), words[0], decided)


#: commands that replace a whole directory (``rm -rf serve; git clone ... serve``)
_REPLACING = frozenset({"git", "rm", "mv", "cp", "ln", "tar", "unzip", "rsync"})


def _rewritten(lineage: Sequence[Stage], instruction: Instruction, command: ShellCommand, paths: list[str]) -> bool:
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
