"""Paths in the image: the WORKDIR in effect at an instruction, and what lies under /root."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from ..model import Dockerfile, Instruction, ShellCommand, Stage, memo
from ..variables import expand


def workdir_before(
    dockerfile: Dockerfile,
    stage: Stage,
    instruction: Instruction,
    base: str | None = "/",
    *,
    expand_variables: bool = True,
) -> str | None:
    """The WORKDIR in effect at ``instruction`` (``stage`` and its FROM ancestors), normalized.

    ``base`` is the base image's WORKDIR: ``/`` when it sets none, None when unknown (then a relative WORKDIR
    before any absolute one leaves it unknown). With ``expand_variables`` a WORKDIR's variables are expanded
    from its scope (None when one is unknown); without, any ``$`` makes it unknown (what a fix that must not
    guess wants). None when a variable hides it."""
    workdirs = memo(
        stage, ("workdirs", base, expand_variables), lambda: _workdirs(dockerfile, stage, base, expand_variables)
    )
    return workdirs.get(instruction, workdirs.get(None))


def _workdirs(
    dockerfile: Dockerfile, stage: Stage, base: str | None, expand_variables: bool
) -> dict[Instruction | None, str | None]:
    """The WORKDIR before each instruction of ``stage`` (and its ancestors'), in one pass: rules ask for it once
    per instruction, and a scan per question made a 5 000-line file take seconds. ``None`` maps to the WORKDIR
    after the last instruction (asked for an instruction that is not in the lineage)."""
    workdirs: dict[Instruction | None, str | None] = {}
    workdir = base
    for member in dockerfile.lineage(stage):
        for candidate in member.body:
            workdirs.setdefault(candidate, workdir)
            if candidate.keyword == "WORKDIR" and candidate.arguments:
                text = candidate.arguments[0].text
                if expand_variables:
                    text, resolved = expand(text, candidate.scope)
                else:
                    resolved = "$" not in text
                if not resolved:
                    workdir = None
                elif text.startswith("/"):
                    workdir = posixpath.normpath(text)
                elif workdir is not None:
                    workdir = posixpath.normpath(posixpath.join(workdir, text))
    workdirs[None] = workdir
    return workdirs


def under_root(path: str) -> bool:
    """Whether ``path`` is ``/root`` or below it (root's home, mode 700 in every common base image)."""
    return path == "/root" or path.startswith("/root/")


def root_opened(commands: Iterable[ShellCommand]) -> bool:
    """Whether a command makes /root itself reachable for another user: a ``chmod`` or ``chown`` naming
    ``/root``. Opening a path below it (``chown -R app /root/.cache``) is not enough: /root stays mode 700."""
    for command in commands:
        if (command.tool or command.name.rsplit("/", 1)[-1]) not in ("chmod", "chown"):
            continue
        words = command.invocation.positionals if command.invocation is not None else command.words[1:]
        if any(word.text.rstrip("/") == "/root" for word in words):
            return True
    return False
