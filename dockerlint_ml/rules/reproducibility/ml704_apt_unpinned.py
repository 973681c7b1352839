"""ML704 apt-unpinned: apt-get install of a package without =version.

Reference page: rules/ML704.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity
from ...variables import expand_word
from ..base import Problem, Rule, RuleContext
from ..common import is_apt_install
from ._shared import _substitutes

# ML704 apt-unpinned


class AptUnpinned(Rule):
    """``apt-get install pkg`` without ``=version``: the package version follows the mirror of the day."""

    id = "ML704"
    name = "apt-unpinned"
    severity = Severity.INFO
    summary = "apt-get install of a package without =version"
    tags = ("reproducibility", "apt")
    enabled_by_default = False

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction, command in ctx.commands():
            if not is_apt_install(command) or command.invocation is None:
                continue
            for word in command.invocation.positionals:
                text = word.text
                if _substitutes(word):
                    continue
                if word.has_expansion:
                    expanded = expand_word(text, instruction.scope)
                    if expanded is None:
                        continue
                    text = expanded
                for package in text.split():
                    if "=" in package or package.endswith(".deb") or package.startswith(("/", ".")):
                        continue
                    name = package.split("/", 1)[0]
                    yield self.problem(
                        word,
                        f"`{package}` is installed without a version: pin it (`{name}=<version>`, see "
                        f"`apt-cache policy {name}`) if the image must be rebuilt identically",
                    )
