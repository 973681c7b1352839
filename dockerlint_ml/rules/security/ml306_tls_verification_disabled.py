"""ML306 tls-verification-disabled: TLS certificate verification is disabled.

Reference page: rules/ML306.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...analysis.env import env_off
from ...lazy_re import lazy
from ...model import Severity, ShellCommand, Span, Word
from ..base import Problem, Rule, RuleContext
from ..common import CONDA_TOOLS
from ._shared import _env_arg_instructions

# ML306


def _insecure_env(name: str, value: str | None) -> bool:
    """Whether an environment variable turns TLS verification off."""
    if value is None or "$" in value:
        return False
    value = value.strip().strip("'\"").lower()
    name = name.upper()
    if name in ("PIP_TRUSTED_HOST", "UV_INSECURE_HOST"):
        return bool(value)
    if name in ("PYTHONHTTPSVERIFY", "NODE_TLS_REJECT_UNAUTHORIZED"):
        return value == "0"
    if name == "GIT_SSL_NO_VERIFY":  # git only checks that it is set
        return bool(value)
    if name in ("NPM_CONFIG_STRICT_SSL", "CONDA_SSL_VERIFY", "YARN_STRICT_SSL", "CURL_INSECURE"):
        return env_off(value)
    return False


_GIT_SSL_KEY = lazy(r"http\.(?:.+\.)?sslverify", re.IGNORECASE)

_APT_VERIFY = lazy(r"Acquire::https?::(?:.+::)?Verify-(?:Peer|Host)\s*=?\s*\"?(?:false|0|no)", re.IGNORECASE)


class TlsVerificationDisabled(Rule):
    """TLS certificate checks turned off for a download tool or package manager, in a RUN command or through
    ENV/ARG: `curl -k`, `wget --no-check-certificate`, pip/uv `--trusted-host`, `PIP_TRUSTED_HOST`,
    `PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY`, git `http.sslVerify false`, npm/yarn `strict-ssl false`,
    conda `ssl_verify false`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, apt `Verify-Peer=false`."""

    id = "ML306"
    name = "tls-verification-disabled"
    severity = Severity.ERROR
    summary = "TLS certificate verification is disabled"
    tags = ("security", "supply-chain")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        fix = "fix the certificate chain instead (install the CA into the system store, or point the tool at it)"
        for instruction in _env_arg_instructions(ctx):
            for name, value, word in instruction.pairs():
                if _insecure_env(name, value):
                    yield self.problem(
                        word, f"`{instruction.keyword} {name}={value}` disables TLS certificate checks: {fix}"
                    )
        for _instruction, command in ctx.commands():
            for name, value in command.assignments:
                if _insecure_env(name, value):
                    yield self.problem(command, f"`{name}={value}` disables TLS certificate checks: {fix}")
            if command.name == "env":
                for word in command.words[1:]:
                    name, equals, value = word.text.partition("=")
                    if equals and _insecure_env(name, value):
                        yield self.problem(word, f"`{word.text}` disables TLS certificate checks: {fix}")
            found = self._insecure(command)
            if found is not None:
                at, what = found
                yield self.problem(at, f"{what} disables TLS certificate checks: {fix}")

    def _insecure(self, command: ShellCommand) -> tuple[ShellCommand | Word | Span, str] | None:
        invocation = command.invocation
        argv = [w.text for w in command.words]
        lowered = [a.lower() for a in argv]
        tool = command.tool
        if invocation is not None:
            if tool == "curl":
                option = invocation.option("-k", "--insecure", "--proxy-insecure")
                if option is not None:
                    return option.span, f"`curl {option.name}`"
            if tool == "wget":
                option = invocation.option("--no-check-certificate")
                if option is not None:
                    return option.span, "`wget --no-check-certificate`"
            if tool in ("pip", "uv"):
                option = invocation.option("--trusted-host", "--allow-insecure-host")
                if option is not None:
                    return option.span, f"`{tool} {option.name}`"
                if command.subcommand == "config set" and invocation.positionals:
                    key = invocation.positionals[0].text
                    if key.endswith(".trusted-host"):
                        return invocation.positionals[0], f"`pip config set {key}`"
            if tool == "git":
                for value in invocation.values("-c"):
                    key, _, setting = value.partition("=")
                    if _GIT_SSL_KEY.fullmatch(key) and env_off(setting):
                        return command, f"`git -c {value}`"
                if command.subcommand == "config":
                    positionals = invocation.positionals
                    if (
                        len(positionals) >= 2
                        and _GIT_SSL_KEY.fullmatch(positionals[0].text)
                        and env_off(positionals[1].text)
                    ):
                        return command, f"`git config {positionals[0].text} {positionals[1].text}`"
            if tool in CONDA_TOOLS:
                for index, text in enumerate(lowered[:-2]):
                    if text in ("--set", "set") and lowered[index + 1] == "ssl_verify" and env_off(lowered[index + 2]):
                        return command, f"`{command.name} config {text} ssl_verify {argv[index + 2]}`"
            if tool == "apt-get":
                for value in invocation.values("-o", "--option"):
                    if _APT_VERIFY.search(value):
                        return command, f"`apt-get -o {value}`"
        if command.name in ("npm", "yarn", "pnpm"):
            for index, text in enumerate(lowered):
                if text in ("strict-ssl", "--strict-ssl") and lowered[index + 1 : index + 2] in (["false"], ["0"]):
                    return command, f"`{command.name} … strict-ssl {argv[index + 1]}`"
                if text in ("strict-ssl=false", "--strict-ssl=false"):
                    return command, f"`{command.name} … {argv[index]}`"
        return None
