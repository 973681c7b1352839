"""ML314 passwordless-sudo: a sudoers ``NOPASSWD`` entry for the user the image runs as.

Reference page: rules/ML314.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...lazy_re import lazy
from ...model import Instruction, Severity, ShellCommand
from ...roles import DEPLOYED
from ...variables import expand_word
from ..base import Problem, Rule, RuleContext
from ..common import final_user, is_root_user

# ML314

#: a sudoers line granting commands without a password: `user ALL=(ALL) NOPASSWD: ALL`, `%sudo ALL=…`
_ENTRY = lazy(r"(?:^|[\n/'\"]|\\n)\s*(%?[A-Za-z0-9_.${}-]+)\s+[A-Za-z0-9_,]+\s*=[^\n/]*?NOPASSWD\s*:")


def _entries(instruction: Instruction, command: ShellCommand) -> list[str]:
    """The users/``%groups`` of the NOPASSWD sudoers entries an ``echo``/``printf``/``sed``/heredoc writes."""
    if command.name in ("echo", "printf", "sed"):
        text = "\n".join(w.text for w in command.words[1:])
    elif command.name in ("cat", "tee") and instruction.heredocs:
        text = "\n".join(h.body for h in instruction.heredocs)
    else:
        return []
    return [match.group(1) for match in _ENTRY.finditer(text)]


def _groups_of(ctx: RuleContext, user: str) -> set[str]:
    """Groups ``user`` is added to by ``usermod -aG``, ``useradd -G``, ``adduser USER GROUP``, ``gpasswd -a``."""
    groups: set[str] = set()
    final = ctx.final_stage
    for stage in ctx.lineage(final) if final else []:
        for instruction in stage.of("RUN"):
            for command in instruction.commands:
                argv = [expand_word(a, instruction.scope) or a for a in command.argv]
                if not argv or user not in argv[1:]:
                    continue
                name = command.name
                if name in ("usermod", "useradd"):
                    for index, arg in enumerate(argv[:-1]):
                        if arg in ("-G", "--groups", "-aG", "-Ga") or re.fullmatch(r"-[a-zA-Z]*G", arg):
                            groups.update(argv[index + 1].split(","))
                elif name == "adduser" and len(argv) == 3 and not argv[1].startswith("-"):
                    groups.add(argv[2])
                elif name == "gpasswd" and "-a" in argv:
                    groups.add(argv[-1])
    return groups


class PasswordlessSudo(Rule):
    """A sudoers ``NOPASSWD`` entry (``echo "app ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers``) for the user the
    final image runs as, for ``ALL``, or for a ``%group`` that user is added to: the non-root ``USER`` is root
    again for anyone who gets a shell in the container. Silent when the image runs as root anyway (ML301)."""

    id = "ML314"
    name = "passwordless-sudo"
    severity = Severity.WARNING
    summary = "the user the image runs as has passwordless sudo"
    tags = ("security",)
    roles = DEPLOYED  # as ML301: a dev workstation image gives its user sudo on purpose

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        found = final_user(ctx)
        if found is None or found[1] is None or is_root_user(found[1]):
            return
        user = found[1].partition(":")[0]
        groups: set[str] | None = None
        for stage in ctx.shipped_stages:
            for instruction in stage.of("RUN"):
                for command in instruction.commands:
                    for entry in _entries(instruction, command):
                        who = expand_word(entry, instruction.scope) or entry
                        if who.startswith("%"):
                            if groups is None:
                                groups = _groups_of(ctx, user)
                            if who[1:] not in groups:
                                continue
                        elif who not in (user, "ALL"):
                            continue
                        yield self.problem(
                            command,
                            f"sudoers `{who} … NOPASSWD` lets `{user}`, the user the image runs as, become root "
                            "without a password, which undoes the non-root `USER`; do the root steps in RUN before "
                            "`USER` and drop the sudoers entry (or require a password)",
                        )
