"""ML313 credential-written-by-login: a command stores a credential in a file of the layer.

Reference page: rules/ML313.md.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ...lazy_re import lazy
from ...model import Instruction, Severity, ShellCommand
from ...variables import variables_used
from ..base import Problem, Rule, RuleContext
from ..common import mount_target, removes_path, rm_targets
from ._shared import CREDENTIAL_FILES, SECRET_MOUNT_HINT, is_secret_name

# ML313

_HOME = lazy(r"^(?:~|\$HOME|\$\{HOME\}|/root|/home/[^/]+)(?=/|$)")
_NOT_FILES = ("/dev/", "/proc/")


def _home(path: str) -> str:
    return _HOME.sub("~", path)


def _login(command: ShellCommand) -> tuple[str, str, tuple[str, ...]] | None:
    """(what, the file it writes, commands that remove the credential again) for a login-like command."""
    tool, sub, argv = command.tool, command.subcommand, command.argv
    if tool in ("huggingface-cli", "hf") and sub in ("login", "auth login"):
        return f"`{command.name} {sub}`", "~/.cache/huggingface/token", ("logout", "auth logout")
    if tool == "wandb" and sub == "login":
        return "`wandb login`", "~/.netrc", ()
    if command.name in ("docker", "podman", "nerdctl", "buildah") and "login" in argv[1:3]:
        return f"`{command.name} login`", "~/.docker/config.json", ("logout",)
    if command.name in ("npm", "yarn", "pnpm") and (argv[1:2] == ("set",) or argv[1:3] == ("config", "set")):
        keys = [a.partition("=")[0] for a in argv[2:]]
        if any(k.endswith(("_authToken", "_auth", "_password", "npmAuthToken")) for k in keys):
            return f"`{command.name} config set …_authToken`", "~/.npmrc", ()
    if tool == "git" and sub == "config" and command.invocation is not None:
        positionals = [w.text for w in command.invocation.positionals]
        if positionals[:1] == ["credential.helper"] and positionals[1:2] and positionals[1].startswith("store"):
            return "`git config credential.helper store`", "~/.git-credentials", ()
    if (
        command.name == "aws"
        and argv[1:3] == ("configure", "set")
        and len(argv) > 3
        and is_secret_name(argv[3].rsplit(".", 1)[-1])
    ):
        return f"`aws configure set {argv[3]}`", "~/.aws/credentials", ()
    if tool == "poetry" and sub == "config" and command.invocation is not None:
        key = command.invocation.positionals[0].text if command.invocation.positionals else ""
        if key.startswith(("http-basic.", "pypi-token.")):
            return f"`poetry config {key}`", "~/.config/pypoetry/auth.toml", ()
    return None


def _secret_variable(text: str) -> str | None:
    return next((name for name, _offset, _default in variables_used(text) if is_secret_name(name)), None)


def _writes(instruction: Instruction, command: ShellCommand) -> Iterator[tuple[str, str, str | None]]:
    """(file, what, the credential variable written) for an ``echo``/``printf``/heredoc write of a credential:
    into a credential file, or of a credential-named variable into any file."""
    targets = [r.target for r in command.redirects if r.operator in (">", ">>", "&>", ">|")]
    if command.name == "tee":
        targets += [w.text for w in command.words[1:] if not w.text.startswith("-")]
    targets = [t for t in targets if t and not t.startswith(_NOT_FILES)]
    if not targets:
        return
    if command.name in ("echo", "printf"):
        content = " ".join(w.raw for w in command.words[1:])
    elif command.name == "tee":
        content = " ".join(
            w.raw
            for o in instruction.commands
            if o.pipeline == command.pipeline and o.pipe_index < command.pipe_index and o.name in ("echo", "printf")
            for w in o.words[1:]
        )
    elif command.name == "cat" and instruction.heredocs:
        content = "\n".join(h.body for h in instruction.heredocs if not h.quoted)
    else:
        return
    variable = _secret_variable(content)
    for target in targets:
        kind = next((label for pattern, label, _marker in CREDENTIAL_FILES if pattern.search(target)), None)
        if kind is not None and (variable or content.strip()):
            yield target, f"`{command.name}` writes `{kind}`", variable
        elif variable is not None:
            yield target, f"`{command.name}` writes `${variable}` into `{target}`", variable


def _removed(instruction: Instruction, command: ShellCommand, path: str, logouts: tuple[str, ...]) -> bool:
    """Whether the RUN removes ``path`` (or logs out) after ``command``, or ``path`` is under one of its mounts."""
    home_path = _home(path)
    for mount in instruction.mounts():
        target = mount_target(mount)
        if target and removes_path(_home(target), home_path):
            return True
    index = instruction.position(command) or 0
    for later in instruction.commands[index + 1 :]:
        if any(removes_path(_home(w.text), home_path) for w in rm_targets(later)):
            return True
        if logouts and later.tool == command.tool and later.subcommand in logouts:
            return True
        if logouts and later.name == command.name and any(a in logouts for a in later.argv[1:3]):
            return True
    return False


_USERINFO = lazy(r"://[^/\s@]+@")


class CredentialWrittenByLogin(Rule):
    """A command that stores a credential in a file of the layer, whatever the value's origin (ARG, ENV or a
    secret mount): ``huggingface-cli login``, ``hf auth login``, ``wandb login``, ``docker login``,
    ``npm config set …_authToken``, ``git config credential.helper store``, ``aws configure set
    aws_secret_access_key``, ``poetry config http-basic.*``, a write into ``~/.netrc``/``~/.pypirc``/… or of a
    credential-named variable into any file. Silent when the same RUN removes the file again (or logs out),
    or the file is under a ``--mount`` of that RUN."""

    id = "ML313"
    name = "credential-written-by-login"
    severity = Severity.ERROR
    summary = "a command stores a credential in a file of the image"
    tags = ("security", "secrets")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN"):
            seen: set[int] = set()
            for command in instruction.commands:
                if command.wrapper is None and command.name in ("sudo", "env") and len(command.words) > 1:
                    continue  # the wrapped command is reported
                found: list[tuple[str, str, tuple[str, ...], str | None]] = []
                login = _login(command)
                if (
                    login is not None
                    and login[1] == "~/.git-credentials"
                    and not self._git_auth_after(ctx, instruction)
                ):
                    login = None  # the helper only stores what a later authenticated git command gets
                if login is not None:
                    found.append((*login, _secret_variable(" ".join(w.raw for w in command.words[1:]))))
                found.extend((what, path, (), variable) for path, what, variable in _writes(instruction, command))
                for what, path, logouts, variable in found:
                    if _removed(instruction, command, path, logouts) or command.span.line in seen:
                        continue
                    seen.add(command.span.line)
                    # name the variable the RUN really uses (`${NPM_TOKEN}`); HF_TOKEN when none is visible
                    env = variable or "HF_TOKEN"
                    yield self.problem(
                        command,
                        f"{what}: the credential is stored in `{posixpath.normpath(path)}` and stays in the image "
                        f"layer, readable by anyone who pulls it; use {SECRET_MOUNT_HINT} and let the tool read "
                        f"it from the environment (`--mount=type=secret,id={env.lower()},env={env}`), or remove "
                        "the file in the same RUN",
                    )

    @staticmethod
    def _git_auth_after(ctx: RuleContext, instruction: Instruction) -> bool:
        """A git command with credentials in its URL (``https://user:$TOKEN@…``) in this RUN or a later one of
        the stage: with ``credential.helper store`` git saves them to ``~/.git-credentials``."""
        stage = ctx.stage_of(instruction)
        if stage is None:
            return False
        after = False
        for candidate in stage.body:
            after = after or candidate is instruction
            if after and candidate.keyword == "RUN":
                for command in candidate.commands:
                    if command.tool == "git" and any(_USERINFO.search(w.text) for w in command.words[1:]):
                        return True
        return False
