"""ML205 apt-recommends: apt-get install without --no-install-recommends.

Reference page: rules/ML205.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...lazy_re import lazy
from ...model import Dockerfile, Finding, Fix, Instruction, Severity
from ..base import Problem, Rule, RuleContext
from ..common import is_apt_install

# ML205 apt-recommends

_NO_RECOMMENDS = lazy(r"apt::install-recommends\s*=\s*[\"']?(?:false|0|no|off|without|disable)[\"']?", re.I)


def _configures_recommends(instruction: Instruction) -> bool:
    """A RUN writing an apt.conf setting (``echo 'APT::Install-Recommends "0";' > ...``) or a COPY into
    /etc/apt/apt.conf.d: later installs may skip recommends, so the rule cannot tell."""
    if instruction.keyword in ("COPY", "ADD"):
        return any("/etc/apt/apt.conf" in word.text for word in instruction.arguments[-1:])
    return any(
        not is_apt_install(command) and any("install-recommends" in word.text.lower() for word in command.words)
        for command in instruction.commands
    )


class AptRecommends(Rule):
    """``apt-get install`` pulls in recommended packages too."""

    id = "ML205"
    name = "apt-recommends"
    severity = Severity.INFO
    summary = "apt-get install without --no-install-recommends"
    tags = ("size",)
    fix_safety = "safe"
    fix_title = "add `--no-install-recommends`"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for stage in ctx.shipped_stages:
            configured = any(
                _configures_recommends(i) for s in ctx.lineage(stage)[:-1] for i in s.body
            )  # ancestors' settings apply to this stage
            for instruction in stage.body:
                configured = configured or _configures_recommends(instruction)
                if configured or instruction.keyword != "RUN":
                    continue
                for command in instruction.commands:
                    if not is_apt_install(command) or not command.invocation or not command.invocation.positionals:
                        continue
                    if command.has_flag("--no-install-recommends"):
                        continue
                    if any(_NO_RECOMMENDS.fullmatch(v) for v in command.invocation.values("-o", "--option")):
                        continue
                    yield self.problem(
                        command,
                        "apt-get install also installs recommended packages (often hundreds of MB): add "
                        "`--no-install-recommends` and name the packages you need",
                    )

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        from ...fix.edits import insert_after_subcommand

        return insert_after_subcommand(
            dockerfile, finding, is_apt_install, "--no-install-recommends", "add `--no-install-recommends`"
        )
