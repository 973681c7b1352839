"""ML404 root-local-packages-unreadable: /root/.local packages used by a non-root USER.

Reference page: rules/ML404.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...analysis.paths import root_opened, under_root
from ...model import Severity
from ...variables import expand
from ..base import Problem, Rule, RuleContext
from ..common import final_user, is_root_user
from ._shared import _lineage_instructions


class RootLocalPackagesUnreadable(Rule):
    """Packages under /root (pip --user's /root/.local) cannot be read by a non-root USER."""

    id = "ML404"
    name = "root-local-packages-unreadable"
    severity = Severity.ERROR
    summary = "/root/.local packages used by a non-root USER"
    tags = ("serving", "security")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        user = final_user(ctx)
        if user is None or user[1] is None or is_root_user(user[1]):
            return
        user_instruction, name = user
        if self._root_opened(ctx):
            return
        user_name = name.split(":", 1)[0]
        home = f"/home/{user_name}" if user_name and not user_name.isdigit() else "/home/app"
        where = f"`USER {name}` (line {user_instruction.line})"
        for instruction in _lineage_instructions(ctx, "COPY", "ADD", "ENV"):
            if instruction.keyword == "ENV":
                for key, value, word in instruction.pairs():
                    if key not in ("PATH", "PYTHONPATH") or value is None:
                        continue
                    entries = expand(value.strip("\"'"), instruction.scope)[0].split(":")
                    bad = next((e for e in entries if under_root(e.rstrip("/"))), None)
                    if bad:
                        yield self.problem(
                            word,
                            f"{key} points at `{bad}`, but the image runs as {where} and /root is mode 700, so "
                            f"nothing there can be run or imported: install to the user's home (e.g. `{home}/.local`) "
                            "or a virtualenv and point the path there",
                        )
                continue
            if len(instruction.arguments) < 2 or instruction.args.startswith("["):
                continue
            dest = instruction.arguments[-1]
            target = expand(dest.text, instruction.scope)[0].rstrip("/")
            if target == "/root/.local" or target.startswith("/root/.local/"):
                yield self.problem(
                    dest,
                    f"packages are copied to `{target}`, but the image runs as {where} and /root is mode 700, so "
                    f"they cannot be imported: copy them to the user's home with ownership, e.g. "
                    f"`COPY --from=builder --chown={name} /root/.local {home}/.local`, and put `{home}/.local/bin` "
                    "on PATH",
                )

    @staticmethod
    def _root_opened(ctx: RuleContext) -> bool:
        """A RUN chmods/chowns /root itself (e.g. `chmod 755 /root`): the rule cannot tell, so it stays silent."""
        commands = (c for instruction in _lineage_instructions(ctx, "RUN") for c in instruction.commands)
        return root_opened(commands)
