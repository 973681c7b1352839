"""ML316 known-password-set: a literal password is set for an account of the image.

Reference page: rules/ML316.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Instruction, Severity, ShellCommand, Word
from ...variables import expand
from ..base import Problem, Rule, RuleContext

# ML316


def _known(word: Word, instruction: Instruction) -> bool:
    """A value fixed by the Dockerfile: a literal, or variables whose ARG/ENV values are all set in it (no
    command substitution: ``$(cat /run/secrets/pw)`` comes from the build)."""
    raw = word.raw
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return bool(word.text.strip())  # single quotes: no expansion, `$6$salt$hash` is a literal hash
    if "$(" in raw or "`" in raw:
        return False
    text, resolved = expand(word.text, instruction.scope)
    return resolved and bool(text.strip())


def _fed(instruction: Instruction, command: ShellCommand) -> list[Word]:
    """What an ``echo``/``printf`` earlier in the pipeline writes to ``command``'s stdin (here-strings too)."""
    words: list[Word] = []
    for other in instruction.commands:
        if (
            other.pipeline == command.pipeline
            and other.pipe_index < command.pipe_index
            and other.name in ("echo", "printf")
        ):
            words.extend(w for w in other.words[1:] if not (w.text.startswith("-") and len(w.text) <= 3))
    return words


class KnownPasswordSet(Rule):
    """``echo 'user:pass' | chpasswd`` (``-e`` hashes too), ``echo pass | passwd --stdin user``,
    ``usermod -p``/``useradd -p`` with a literal or an ARG/ENV default: every container of the image shares the
    password, and it is in the Dockerfile and the image history."""

    id = "ML316"
    name = "known-password-set"
    severity = Severity.ERROR
    summary = "a literal password is set for an account of the image"
    tags = ("security", "secrets")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN"):
            for command in instruction.commands:
                found = self._password(instruction, command)
                if found is not None:
                    account, tool = found
                    yield self.problem(
                        command,
                        f"`{tool}` sets a password written in the Dockerfile{account}: every container of the image "
                        "has it, and it is in the image history; lock the account instead (`passwd -l`, or "
                        "`useradd` without `-p`) and use `sudo`/keys for access, or set it at run time from a secret",
                    )

    @staticmethod
    def _password(instruction: Instruction, command: ShellCommand) -> tuple[str, str] | None:
        name = command.name
        if name == "chpasswd":
            fed = _fed(instruction, command)
            lines = [w for w in fed if ":" in w.text]
            if lines and all(_known(w, instruction) for w in lines):
                user = lines[0].text.split(":", 1)[0]
                return (f" for `{user}`" if user and "$" not in user else ""), "chpasswd"
        elif name == "passwd" and "--stdin" in command.argv:
            fed = _fed(instruction, command)
            if fed and all(_known(w, instruction) for w in fed):
                return "", "passwd --stdin"
        elif name in ("usermod", "useradd"):
            words = command.words
            for index, word in enumerate(words[1:-1], start=1):
                if word.text in ("-p", "--password") and _known(words[index + 1], instruction):
                    value = words[index + 1].text
                    if value in ("*", "!", "!!", "x"):
                        return None  # a locked account
                    user = words[-1].text if words[-1] is not words[index + 1] else ""
                    return (f" for `{user}`" if user and not user.startswith(("-", "$")) else ""), f"{name} -p"
        return None
