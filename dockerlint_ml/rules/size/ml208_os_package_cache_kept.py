"""ML208 os-package-cache-kept: apk add without --no-cache, or yum/dnf/zypper install without clean all.

Reference page: rules/ML208.md.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from ...model import Dockerfile, Finding, Fix, Instruction, Severity, ShellCommand
from ...roles import DEPLOYED_OR_NOTEBOOK
from ..base import Problem, Rule, RuleContext
from ..common import RPM_TOOLS, any_after, has_cache_mount, is_rpm_install, removes_path, rm_targets
from ._shared import append_clean

_OS_CACHES = {
    "apk": ("/var/cache/apk", "/etc/apk/cache"),
    "rpm": ("/var/cache/yum", "/var/cache/dnf"),
    "zypper": ("/var/cache/zypp",),
}


def _cache_family(command: ShellCommand) -> str | None:
    """Which package cache an install leaves behind (the keys of ``_OS_CACHES``), None for any other command."""
    if command.tool == "apk" and command.subcommand == "add" and not command.has_flag("--no-cache"):
        return "apk"
    if is_rpm_install(command):
        return "rpm"
    if command.tool == "zypper" and command.subcommand == "install":
        return "zypper"
    return None


def _cleans_os_cache(family: str, command: ShellCommand) -> bool:
    if any(removes_path(word.text, path) for word in rm_targets(command) for path in _OS_CACHES[family]):
        return True
    if command.subcommand != "clean" or command.invocation is None:
        return False
    if family == "rpm":
        return command.tool in RPM_TOOLS and any(w.text == "all" for w in command.invocation.positionals)
    return family == "zypper" and command.tool == "zypper" and command.has_flag("-a", "--all")


_OS_CLEANERS = {family: functools.partial(_cleans_os_cache, family) for family in _OS_CACHES}

_OS_ADVICE = {
    "apk": "apk add keeps the package index in /var/cache/apk: use `apk add --no-cache`",
    "rpm": "{tool} install keeps its metadata and package cache: end the same RUN with `&& {tool} clean all`",
    "zypper": "zypper install keeps its metadata and package cache: end the same RUN with `&& zypper clean --all`",
}


def _apk_update_advice(instruction: Instruction, update: ShellCommand) -> str:
    """Drop the update when every later apk command fetches its own index (`--no-cache`); else (`apk upgrade`,
    `apk add` without it use the stored index) remove the index at the end of the RUN."""
    commands = list(instruction.commands)
    after = commands[commands.index(update) + 1 :]
    later = [c for c in after if c.tool == "apk" and c.subcommand not in (None, "update")]
    if later and all(c.has_flag("--no-cache") for c in later):
        return (
            "apk update stores the package index in /var/cache/apk, and `apk add --no-cache` does not remove it: "
            "drop `apk update` (`apk add --no-cache` fetches a fresh index without storing it)"
        )
    return (
        "apk update stores the package index in /var/cache/apk, and the apk commands after it use it: end the RUN "
        "with `&& rm -rf /var/cache/apk/*` (or give each of them `--no-cache` and drop `apk update`)"
    )


def _cache_cleaned(family: str, instruction: Instruction, command: ShellCommand) -> bool:
    """Whether ``family``'s cache never stays in the layer: a cache mount holds it, or a later command of the
    RUN cleans it."""
    return has_cache_mount(instruction, *_OS_CACHES[family]) or any_after(instruction, command, _OS_CLEANERS[family])


class OsPackageCacheKept(Rule):
    """apk/yum/dnf/microdnf/zypper leave their package cache in the layer."""

    id = "ML208"
    name = "os-package-cache-kept"
    severity = Severity.WARNING
    summary = "apk add without --no-cache, or yum/dnf/zypper install without clean all"
    tags = ("size",)
    roles = DEPLOYED_OR_NOTEBOOK  # not CI, docs or dev tooling images (as ML703)
    fix_safety = "safe"
    fix_title = "`apk add --no-cache`; append `yum`/`dnf`/`microdnf clean all`, `zypper clean --all`"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN", shipped_only=True):
            index_stored = False  # an `apk update` of this RUN stored the index: that is the one finding
            for command in instruction.commands:
                if command.tool == "apk" and command.subcommand == "update":
                    if not index_stored and not _cache_cleaned("apk", instruction, command):
                        index_stored = True
                        yield self.problem(command, _apk_update_advice(instruction, command))
                    continue
                family = _cache_family(command)
                if family is None or (family == "apk" and index_stored) or _cache_cleaned(family, instruction, command):
                    continue
                yield self.problem(command, _OS_ADVICE[family].format(tool=command.tool))

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        from ...fix.edits import command_at, insert_after_subcommand

        def wanted(command: ShellCommand) -> bool:
            return (command.tool == "apk" and command.subcommand == "add") or (
                command.tool in RPM_TOOLS | {"zypper"} and command.subcommand == "install"
            )

        found = command_at(dockerfile, finding.span, wanted)
        if found is None:
            return None
        instruction, command = found
        if command.tool == "apk":
            if command.has_flag("--no-cache"):
                return None
            return insert_after_subcommand(
                dockerfile, finding, lambda c: c is command, "--no-cache", "use `apk add --no-cache`"
            )
        executable = command.words[0].raw
        clean = f"{executable} clean --all" if command.tool == "zypper" else f"{executable} clean all"
        return append_clean(dockerfile, instruction, command, clean)
