"""ML203 alpine-with-ml-wheels: an alpine base installs ML packages that have no musllinux wheels.

Reference page: rules/ML203.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...images import is_alpine
from ...model import Severity, ShellCommand
from ..base import Problem, Rule, RuleContext
from ..common import is_python_install, requirement_name
from ._shared import _base_image

# ML203 alpine-with-ml-wheels

_PUBLIC_INDEXES = ("https://pypi.org/", "https://download.pytorch.org/", "https://files.pythonhosted.org/")


def _may_use_own_wheels(command: ShellCommand) -> bool:
    """``--find-links``/``--no-index`` or a private index may serve musllinux wheels built elsewhere."""
    invocation = command.invocation
    if invocation is None or invocation.has_flag("-f", "--find-links", "--no-index"):
        return True
    indexes = invocation.values("-i", "--index-url", "--extra-index-url", "--index")
    return any(not url.startswith(_PUBLIC_INDEXES) for url in indexes)


class AlpineWithMlWheels(Rule):
    """An alpine (musl) image pip-installs ML packages that publish no musllinux wheels."""

    id = "ML203"
    name = "alpine-with-ml-wheels"
    severity = Severity.WARNING
    summary = "an alpine base installs ML packages that have no musllinux wheels"
    tags = ("size", "build")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction, command in ctx.commands(shipped_only=True):
            if not is_python_install(command) or _may_use_own_wheels(command):
                continue
            stage = ctx.stage_of(instruction)
            found = _base_image(ctx, stage) if stage is not None else None
            if found is None or not is_alpine(found[1]):
                continue
            assert command.invocation is not None
            from ... import knowledge as kb  # only on alpine bases: keeps the TOML off other files' path

            names = [requirement_name(word) for word in command.invocation.positionals]
            missing = list(dict.fromkeys(name for name in names if name in kb.no_musllinux_packages()))
            if missing:
                listed = ", ".join(f"`{name}`" for name in missing)
                yield self.problem(
                    command,
                    f"{listed} publish{'es' if len(missing) == 1 else ''} no musllinux wheels, so on the alpine "
                    f"base `{found[1].raw}` pip builds from source or fails: use a glibc base such as "
                    "`python:3.12-slim`",
                )
