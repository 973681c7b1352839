"""ML102 apt-update-alone: apt-get update in a RUN without an install.

Reference page: rules/ML102.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...lazy_re import lazy
from ...model import Dockerfile, Edit, Finding, Fix, Instruction, Severity, ShellCommand, Span, Stage
from ..base import Problem, Rule, RuleContext
from ..common import is_apt, is_apt_install

# ML102

_APT_INSTALLS = frozenset({"install", "reinstall", "build-dep", "satisfies", "source", "download"})

_APT_UPGRADES = frozenset({"upgrade", "dist-upgrade", "full-upgrade"})

#: commands that may install packages with apt behind our back: stay silent when a RUN uses one
_OPAQUE_INSTALLERS = frozenset({"aptitude", "apt-fast", "nala", "install_packages", "rosdep", "add-pkg"})

#: shells whose arguments may be a script file (`bash install.sh`); no ksh, unlike ``shell.SHELLS``
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})


def _opaque(command: ShellCommand) -> bool:
    """A command that may run an apt install we cannot see: an installer helper or a script."""
    first = command.words[0].text if command.words else ""
    if command.name in _OPAQUE_INSTALLERS or first.endswith(".sh") or first.startswith("./"):
        return True
    if command.name in _SHELLS:  # `sh -c SCRIPT` is not opaque: the script's commands are in the RUN's
        return len(command.words) > 1 and command.script is None
    return False


_APT_SCRIPT_OPERATORS = lazy(r"[;|&<>()$`\\]")


class AptUpdateAlone(Rule):
    """``apt-get update`` (or ``apt update``) in a RUN with no install in the same RUN: the index is cached in
    that layer, so a later ``apt-get install`` uses a stale index. A RUN that only upgrades
    (``apt-get update && apt-get upgrade -y``) uses the index itself and is reported only when a later RUN
    installs without its own update."""

    id = "ML102"
    name = "apt-update-alone"
    severity = Severity.WARNING
    summary = "apt-get update in a RUN without an install"
    tags = ("cache", "apt")
    fix_safety = "unsafe"
    fix_title = "merge a lone `apt-get update` into the next install RUN"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for stage in ctx.dockerfile.stages:
            for position, instruction in enumerate(stage.body):
                if instruction.keyword != "RUN":
                    continue
                commands = instruction.commands
                update = next((c for c in commands if is_apt(c, ("update",))), None)
                if update is None or any(is_apt(c, _APT_INSTALLS) or _opaque(c) for c in commands):
                    continue
                stale = self._stale_install(ctx, stage, stage.body[position + 1 :])
                verb = "apt update" if update.name == "apt" else "apt-get update"
                if stale is not None:
                    yield self.problem(
                        update,
                        f"`{verb}` runs in a RUN without an install: the install on line {stale.line} uses the "
                        "index cached in this layer, which goes stale; run `apt-get update && apt-get install …` "
                        "in one RUN",
                    )
                elif not any(is_apt(c, _APT_UPGRADES) for c in commands):
                    yield self.problem(
                        update,
                        f"`{verb}` runs in a RUN without an install: the index is cached in this layer and goes "
                        "stale for later installs; run it in the same RUN as `apt-get install` (and remove "
                        "`/var/lib/apt/lists/*` there)",
                    )

    @staticmethod
    def _stale_install(ctx: RuleContext, stage: Stage, later: tuple[Instruction, ...]) -> Instruction | None:
        """The first later RUN (in this stage or a stage built FROM it) that installs without updating."""
        candidates = list(later)
        for other in ctx.dockerfile.stages:
            if other.index > stage.index and stage in ctx.lineage(other):
                candidates.extend(other.body)
        for instruction in candidates:
            if instruction.keyword != "RUN":
                continue
            for command in instruction.commands:
                if is_apt(command, ("update",)):
                    break
                if is_apt(command, _APT_INSTALLS):
                    return instruction
        return None

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        """Delete the lone ``RUN apt-get update`` and start the next installing RUN of the stage with it."""
        from ...fix.edits import insert, instruction_at, is_at, span_key, stage_at

        lone = instruction_at(dockerfile, finding.span, "RUN")
        if lone is None or lone.heredocs or lone.flags or lone.exec_form is not None or lone.onbuild is not None:
            return None
        if not lone.commands or not all(c.tool == "apt-get" or c.name in ("sudo", "env") for c in lone.commands):
            return None
        script = " ".join(lone.args.split())
        if _APT_SCRIPT_OPERATORS.search(script.replace("&&", "")):
            return None
        stage = stage_at(dockerfile, lone.span)
        if stage is None:
            return None
        body = list(stage.body)
        following = body[body.index(lone) + 1 :] if lone in body else []
        target = None
        for instruction in following:
            if instruction.keyword != "RUN":
                continue
            installs = [c for c in instruction.commands if is_apt_install(c)]
            if not installs:
                continue
            updates = [c for c in instruction.commands if c.tool == "apt-get" and c.subcommand == "update"]
            if updates and span_key(updates[0].span) < span_key(installs[0].span):
                return None  # it refreshes the index itself: the lone update is merely redundant
            target = instruction
            break
        if target is None or target.heredocs or target.exec_form is not None or not target.arguments:
            return None
        first = target.arguments[0]
        if not is_at(dockerfile, first):
            return None
        end = lone.span.end_line + 1
        lines = dockerfile.lines
        blank_before = lone.span.line == 1 or not lines[lone.span.line - 2].strip()
        if blank_before and end <= len(lines) and not lines[end - 1].strip():
            end += 1  # do not leave two blank lines where the RUN was
        deletion = Edit(Span(lone.span.line, 1, end, 1), "")
        return Fix(
            f"merge `{script}` into the RUN on line {target.line}",
            (deletion, insert(first.span.line, first.span.column, f"{script} && ")),
            safe=False,
        )
