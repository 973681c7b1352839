"""ML207 conda-cache-kept: conda/mamba install without `conda clean -a` in the same RUN.

Reference page: rules/ML207.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ...lazy_re import lazy
from ...model import Dockerfile, Finding, Fix, Instruction, Severity, ShellCommand
from ..base import Problem, Rule, RuleContext
from ..common import any_after, rm_targets
from ._shared import _CONDA_CACHE, CONDA_TOOLS, _conda_cache_mount, append_clean, is_conda_install


def _first_uncleaned(
    instruction: Instruction, wanted: Callable[[ShellCommand], bool], cleans: Callable[[ShellCommand], bool]
) -> ShellCommand | None:
    """The first command of ``instruction`` that ``wanted`` picks with no ``cleans`` command after it."""
    for command in instruction.commands:
        if wanted(command) and not any_after(instruction, command, cleans):
            return command
    return None


_CLEAN_ALL_CLUSTER = lazy(r"-[a-zA-Z]*[at][a-zA-Z]*")


def _cleans_conda(command: ShellCommand) -> bool:
    if command.tool in CONDA_TOOLS and command.subcommand == "clean":
        return command.has_flag("-a", "--all", "-t", "--tarballs") or any(
            _CLEAN_ALL_CLUSTER.fullmatch(word.text) for word in command.words[2:]
        )
    return any(_CONDA_CACHE.search(word.text) for word in rm_targets(command))


class CondaCacheKept(Rule):
    """conda/mamba/micromamba keep every downloaded package tarball in ``pkgs/``."""

    id = "ML207"
    name = "conda-cache-kept"
    severity = Severity.WARNING
    summary = "conda/mamba install without `conda clean -a` in the same RUN"
    tags = ("size",)
    fix_safety = "safe"
    fix_title = "append `conda`/`mamba clean -afy` (`micromamba clean --all --yes`)"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN", shipped_only=True):
            if _conda_cache_mount(instruction):
                continue
            command = _first_uncleaned(instruction, is_conda_install, _cleans_conda)
            if command is not None:
                clean = "micromamba clean -a -y" if command.tool == "micromamba" else f"{command.tool} clean -afy"
                yield self.problem(
                    command,
                    f"{command.tool} {command.subcommand} keeps the package cache (tarballs and extracted packages) "
                    f"in the image: end the same RUN with `&& {clean}` (or use a cache mount on the pkgs dir)",
                )

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        from ...fix.edits import command_at

        found = command_at(dockerfile, finding.span, is_conda_install)
        if found is None:
            return None
        instruction, command = found
        executable = command.words[0].raw
        clean = f"{executable} clean --all --yes" if command.tool == "micromamba" else f"{executable} clean -afy"
        return append_clean(dockerfile, instruction, command, clean)
