"""ML316 known-password-set: a literal password is set for an account of the image.

Reference page: rules/ML316.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ...model import Heredoc, Instruction, Severity, ShellCommand, Span, Word
from ...variables import expand
from ..base import Problem, Rule, RuleContext

# ML316


def _inside(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (inner.end_line, inner.end_column) <= (
        outer.end_line,
        outer.end_column,
    )


def _hashed_literal(instruction: Instruction, word: Word) -> bool:
    """``word`` holds command substitutions that are all ``openssl passwd [-1|-6|-salt S] LITERAL``: a password
    hashed at build time is still a password written in the Dockerfile (``-in``/``-stdin`` read it elsewhere)."""
    nested = [c for c in instruction.commands if c.span != word.span and _inside(c.span, word.span)]
    if not nested:
        return False
    for command in nested:
        if command.name != "openssl" or command.argv[1:2] != ("passwd",):
            return False
        words, secrets = command.words[2:], []
        skip = False
        for arg in words:
            if skip:
                skip = False
            elif arg.text in ("-in", "-stdin"):
                return False
            elif arg.text == "-salt":
                skip = True
            elif not arg.text.startswith("-"):
                secrets.append(arg)
        if not secrets or not all(_known(arg, instruction) for arg in secrets):
            return False
    return True


def _known_text(text: str, instruction: Instruction) -> bool:
    expanded, resolved = expand(text, instruction.scope)
    return resolved and bool(expanded.strip())


def _known(word: Word, instruction: Instruction) -> bool:
    """A value fixed by the Dockerfile: a literal, variables whose ARG/ENV values are all set in it, or a literal
    hashed by ``openssl passwd`` (any other command substitution, ``$(cat /run/secrets/pw)``, comes from the
    build)."""
    raw = word.raw
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return bool(word.text.strip())  # single quotes: no expansion, `$6$salt$hash` is a literal hash
    if "$(" in raw or "`" in raw:
        return _hashed_literal(instruction, word)
    return _known_text(word.text, instruction)


def _heredoc_fed(instruction: Instruction, command: ShellCommand, lines: Sequence[str]) -> Heredoc | None:
    """The heredoc ``command`` reads (``chpasswd <<EOF``), or None. The model does not link a
    heredoc to its command, so look right after the command's words on its line for ``<<NAME``."""
    if not instruction.heredocs or command.span.line > len(lines):
        return None
    rest = lines[command.span.end_line - 1][command.span.end_column - 1 :].lstrip()
    if not rest.startswith("<<"):
        return None
    marker = rest[2:].lstrip("-~").strip().split(maxsplit=1)
    name = marker[0].strip("'\"") if marker else ""
    heredoc = next((h for h in instruction.heredocs if h.name == name), None)
    if heredoc is None or heredoc.body_start_line <= command.span.line:
        return None
    return heredoc


def _known_line(line: str, heredoc: Heredoc, instruction: Instruction) -> bool:
    """A heredoc line fixed by the Dockerfile (``<<'EOF'`` does not expand; ``$(…)`` runs at build time)."""
    if heredoc.quoted:
        return bool(line.strip())
    return "$(" not in line and "`" not in line and _known_text(line, instruction)


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
                found = self._password(instruction, command, ctx.dockerfile.lines)
                if found is not None:
                    account, tool = found
                    yield self.problem(
                        command,
                        f"`{tool}` sets a password written in the Dockerfile{account}: every container of the image "
                        "has it, and it is in the image history; lock the account instead (`passwd -l`, or "
                        "`useradd` without `-p`) and use `sudo`/keys for access, or set it at run time from a secret",
                    )

    @staticmethod
    def _password(instruction: Instruction, command: ShellCommand, source: Sequence[str]) -> tuple[str, str] | None:
        name = command.name
        if name == "chpasswd":
            heredoc = _heredoc_fed(instruction, command, source)
            if heredoc is not None:  # `chpasswd <<EOF` / `root:root` / `EOF`
                entries = [line.strip() for line in heredoc.body.splitlines() if ":" in line]
                known = bool(entries) and all(_known_line(line, heredoc, instruction) for line in entries)
            else:
                fed = _fed(instruction, command)
                entries = [w.text for w in fed if ":" in w.text]
                known = bool(entries) and all(_known(w, instruction) for w in fed if ":" in w.text)
            if known:
                users = [entry.split(":", 1)[0] for entry in entries]
                shown = ", ".join(f"`{user}`" for user in dict.fromkeys(users) if user and "$" not in user)
                return (f" for {shown}" if shown else ""), "chpasswd"
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
