"""ML206 pip-cache-kept: pip install keeps its download cache in the image.

Reference page: rules/ML206.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...analysis.env import env_flag
from ...lazy_re import lazy
from ...model import Dockerfile, Finding, Fix, Severity, ShellCommand
from ...roles import DEPLOYED_OR_NOTEBOOK
from ..base import Problem, Rule, RuleContext
from ..common import any_after, has_cache_mount, is_pip_install, requirement_name, rm_targets
from ._shared import PIP_CACHE_DIRS

#: an ``rm`` target that removes a pip cache: ``/root/.cache``, ``~/.cache/pip``, ``$HOME/.cache/pip/*``
_PIP_CACHE_TARGET = lazy(r"(?:.*/)?\.cache(?:/pip)?(?:/\*?)?")


def _removes_pip_cache(command: ShellCommand) -> bool:
    if command.tool == "pip" and command.subcommand == "cache purge":
        return True
    return any(_PIP_CACHE_TARGET.fullmatch(word.text) for word in rm_targets(command))


#: packaging tools pip upgrades for itself: their download cache is a few MB
BUILD_TOOLING = frozenset({"pip", "setuptools", "wheel", "packaging"})


def _only_build_tooling(command: ShellCommand) -> bool:
    """``pip install -U pip setuptools wheel``: only build tooling, no requirement file, project or URL."""
    invocation = command.invocation
    if invocation is None or not invocation.positionals:
        return False
    if invocation.has_flag("-r", "--requirement", "-e", "--editable"):
        return False
    return all(requirement_name(word) in BUILD_TOOLING for word in invocation.positionals)


class PipCacheKept(Rule):
    """``pip install`` keeps its wheel cache in the image unless told not to."""

    id = "ML206"
    name = "pip-cache-kept"
    severity = Severity.WARNING
    summary = "pip install keeps its download cache in the image"
    tags = ("size",)
    roles = DEPLOYED_OR_NOTEBOOK  # not CI, docs or dev tooling images (as ML703)
    fix_safety = "safe"
    fix_title = "add `--no-cache-dir` to the pip install"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN", shipped_only=True):
            if env_flag(instruction.scope.get("PIP_NO_CACHE_DIR")):
                continue
            if has_cache_mount(instruction, *PIP_CACHE_DIRS):
                continue
            for command in instruction.commands:
                if not is_pip_install(command) or command.has_flag("--no-cache-dir", "--no-cache"):
                    continue  # pip takes `--no-cache`, an unambiguous prefix of `--no-cache-dir`, as that option
                if _only_build_tooling(command):
                    continue  # `pip install --upgrade pip`: a few MB, not worth a warning
                if any_after(instruction, command, _removes_pip_cache):
                    continue  # `... && rm -rf /root/.cache/pip` in the same RUN: the cache never reaches a layer
                yield self.problem(
                    command,
                    "pip install keeps its cache in the image: add `--no-cache-dir` "
                    "(or set `ENV PIP_NO_CACHE_DIR=1`, or use `RUN --mount=type=cache,target=/root/.cache/pip`)",
                )
                break  # once per RUN: the fix for one install is the fix for all of them

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        """``--no-cache-dir`` on the flagged install and on every later pip install of the same RUN that lacks
        it (ML206 reports a RUN once)."""
        from ...fix.edits import after, command_at, in_tab_stripped_heredoc, is_at, subcommand_word

        found = command_at(dockerfile, finding.span, is_pip_install)
        if found is None:
            return None
        instruction, flagged = found
        edits = []
        for command in instruction.commands[instruction.commands.index(flagged) :]:
            if not is_pip_install(command) or command.has_flag("--no-cache-dir", "--no-cache"):
                continue
            word = subcommand_word(command)
            if (
                word is None
                or not is_at(dockerfile, word)
                or in_tab_stripped_heredoc(instruction, dockerfile, word.span)
            ):
                if command is flagged:
                    return None
                continue
            edits.append(after(word, " --no-cache-dir"))
        return Fix("add `--no-cache-dir` to pip install", tuple(edits)) if edits else None
