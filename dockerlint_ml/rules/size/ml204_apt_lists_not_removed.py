"""ML204 apt-lists-not-removed: apt-get update and install without removing /var/lib/apt/lists/* in the same RUN.

Reference page: rules/ML204.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Dockerfile, Finding, Fix, Instruction, Severity, ShellCommand, memo
from ...roles import DEPLOYED_OR_NOTEBOOK
from ..base import Problem, Rule, RuleContext
from ..common import any_after, is_apt, is_apt_install, removes_path, rm_targets
from ._shared import APT_LISTS, _apt_lists_cached, apt_spelling, is_apt_update

#: apt-get/apt subcommands that read the package lists (an install without them fails: "Unable to locate package")
_APT_LIST_READERS = frozenset(
    {"install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "source", "download"}
)


def _removes_apt_lists(command: ShellCommand) -> bool:
    if command.tool == "apt-get" and command.subcommand == "dist-clean":
        return True
    if command.name == "find" and "-delete" in command.argv:
        return any(removes_path(arg, APT_LISTS) or arg.startswith(APT_LISTS + "/") for arg in command.argv[1:])
    return any(removes_path(word.text, APT_LISTS) for word in rm_targets(command))


def _reads_apt_lists(command: ShellCommand) -> bool:
    return (command.tool == "apt-get" and command.subcommand in _APT_LIST_READERS) or command.name == "apt-cache"


def _first_apt_event(instruction: Instruction) -> str | None:
    """What a RUN first does to the package lists: ``update`` (fetch), ``remove`` or ``read`` (install
    from them); None when it does not touch them. A RUN with a cache mount on the lists uses its own."""
    if instruction.keyword != "RUN" or _apt_lists_cached(instruction):
        return None
    for command in instruction.commands:
        if is_apt_update(command):
            return "update"
        if _removes_apt_lists(command):
            return "remove"
        if _reads_apt_lists(command):
            return "read"
    return None


def apt_lists_needed_later(dockerfile: Dockerfile) -> dict[int, Instruction]:
    """For each RUN (by ``id``), the first later RUN of the same stage or of a stage built FROM it that
    installs from the package lists already in the image, with no ``apt-get update`` (or removal) of its own
    in between: removing the lists in the earlier RUN would break that install. One backward pass per file,
    cached on the Dockerfile."""
    return memo(dockerfile, "apt_lists_needed_later", lambda: _apt_lists_needed_later(dockerfile))


def _apt_lists_needed_later(dockerfile: Dockerfile) -> dict[int, Instruction]:
    children: dict[int, list[int]] = {}
    for stage in dockerfile.stages:
        if stage.parent is not None and stage.parent != stage.index:
            children.setdefault(stage.parent, []).append(stage.index)
    #: per stage: the RUN reading the lists that a stage's start hands down to (None: fetched/removed first, or none)
    at_start: dict[int, Instruction | None] = {}
    result: dict[int, Instruction] = {}
    for stage in reversed(dockerfile.stages):
        pending = next(
            (at_start[c] for c in children.get(stage.index, ()) if c > stage.index and at_start.get(c)), None
        )
        for instruction in reversed(stage.body):
            if pending is not None and instruction.keyword == "RUN":
                result[id(instruction)] = pending
            event = _first_apt_event(instruction)
            if event == "read":
                pending = instruction
            elif event is not None:
                pending = None
        at_start[stage.index] = pending
    return result


def _install_after_update(instruction: Instruction) -> ShellCommand | None:
    """The first install that follows an ``apt-get update`` of the same RUN and leaves the lists behind."""
    updated = False
    for command in instruction.commands:
        updated = updated or is_apt_update(command)
        if updated and is_apt_install(command) and not any_after(instruction, command, _removes_apt_lists):
            return command
    return None


class AptListsNotRemoved(Rule):
    """``apt-get update`` + ``install`` leaves the package index (tens of MB) in the layer."""

    id = "ML204"
    name = "apt-lists-not-removed"
    severity = Severity.WARNING
    summary = "apt-get update and install without removing /var/lib/apt/lists/* in the same RUN"
    tags = ("size",)
    roles = DEPLOYED_OR_NOTEBOOK  # not CI, docs or dev tooling images (as ML703)
    fix_safety = "safe"
    fix_title = "append `&& rm -rf /var/lib/apt/lists/*` after the last apt command"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        needed = None
        for instruction in ctx.instructions("RUN", shipped_only=True):
            if _apt_lists_cached(instruction):
                continue
            command = _install_after_update(instruction)
            if command is None:
                continue  # no update here: the lists belong to an earlier layer, removing them here saves nothing
            tool = apt_spelling(command)
            braces = any(
                "{" in word.text and "/var/lib/" in word.text
                for other in instruction.commands
                for word in rm_targets(other)
            )
            note = " (`/bin/sh` does not expand `{a,b}` braces, so `rm -rf /var/lib/{apt,dpkg}/...` removes nothing)"
            if needed is None:
                needed = apt_lists_needed_later(ctx.dockerfile)
            later = needed.get(id(instruction))
            if later is not None:
                advice = (
                    f"the RUN on line {later.line} installs from these lists without its own `{tool} update`, so "
                    f"they cannot simply be removed here: run `{tool} update` in that RUN too and end both RUNs "
                    "with `&& rm -rf /var/lib/apt/lists/*`"
                )
            else:
                advice = (
                    "end the same RUN with `&& rm -rf /var/lib/apt/lists/*` "
                    "(or use `--mount=type=cache,target=/var/lib/apt`)"
                )
            yield self.problem(
                command,
                f"{tool} install leaves the package lists fetched by `{tool} update` in the image: {advice}"
                + (note if braces else ""),
            )

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        from ...fix.edits import append_after_last, command_at

        found = command_at(dockerfile, finding.span, is_apt_install)
        if found is None:
            return None
        instruction, command = found
        if id(instruction) in apt_lists_needed_later(dockerfile):
            return None  # a later RUN installs from these lists without its own `apt-get update`
        return append_after_last(
            dockerfile,
            instruction,
            command,
            is_apt,
            "rm -rf /var/lib/apt/lists/*",
            "remove /var/lib/apt/lists/* after the last apt-get command",
        )
