"""ML309 world-writable: files are made world-writable.

Reference page: rules/ML309.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...lazy_re import lazy
from ...model import Severity, ShellCommand, Word
from ..base import Problem, Rule, RuleContext

# ML309

_DASH_MODE = lazy(r"-[rwxXst]+")


def world_writable_mode(mode: str) -> bool:
    """Whether a chmod mode gives write permission to others (`777`, `0666`, `a+w`, `o+rwx`, `ugo+rwx`).
    The sticky bit (`1777`, as on /tmp) is the accepted way to share a directory and is not reported."""
    mode = mode.strip()
    if re.fullmatch(r"[0-7]{1,4}", mode):
        digits = mode.zfill(4)
        return bool(int(digits[-1]) & 2) and not (int(digits[0]) & 1)
    for clause in mode.split(","):
        match = re.fullmatch(r"([ugoa]*)((?:[-+=][rwxXst]*)+)", clause)
        if match is None:
            continue
        who, actions = match.groups()
        if not who or not ("o" in who or "a" in who):
            continue
        for op, perms in re.findall(r"([-+=])([rwxXst]*)", actions):
            if op in "+=" and "w" in perms and "t" not in perms:
                return True
    return False


class WorldWritable(Rule):
    """Files made writable by every user in a shipped stage: `chmod 777`/`0666`/`a+w`/`o+w` (also `-R`),
    `mkdir -m 777`, `install -m 777`, `COPY --chmod=777`/`ADD --chmod=...`. Sticky-bit modes (`1777`) pass."""

    id = "ML309"
    name = "world-writable"
    severity = Severity.WARNING
    summary = "files are made world-writable"
    tags = ("security",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        advice = (
            "give the files to the runtime user instead (`chown app:app`, `COPY --chown=app:app`) "
            "and keep them 755/644 (775 with a shared group if needed)"
        )
        for instruction in ctx.instructions("COPY", "ADD", shipped_only=True):
            for flag in instruction.flags:
                if flag.name == "chmod" and flag.value and world_writable_mode(flag.value):
                    yield self.problem(
                        flag, f"`{instruction.keyword} --chmod={flag.value}` makes files world-writable: {advice}"
                    )
        for _instruction, command in ctx.commands(shipped_only=True):
            mode = self._mode(command)
            if mode is not None and world_writable_mode(mode.text) and not mode.has_expansion:
                yield self.problem(mode, f"`{command.name} {mode.text}` makes files world-writable: {advice}")

    @staticmethod
    def _mode(command: ShellCommand) -> Word | None:
        """The mode word of ``chmod MODE``, ``mkdir -m MODE``, ``install -m MODE`` (tool grammar in shell/tools.py)."""
        invocation = command.invocation
        if invocation is None:
            return None
        if command.name == "chmod":
            mode = invocation.positionals[0] if invocation.positionals else None
            # `chmod -w file`: a symbolic mode starting with `-` parses as an option; when it comes first it is
            # the mode (it only removes permissions, so it is never world-writable)
            dashed = next((o for o in invocation.options if _DASH_MODE.fullmatch(o.name)), None)
            if dashed is not None and (mode is None or dashed.span < mode.span):
                return Word(dashed.name, dashed.name, dashed.span)
            return mode
        if command.name in ("mkdir", "install"):
            option = invocation.option("-m", "--mode")
            return option.value if option is not None else None
        return None
