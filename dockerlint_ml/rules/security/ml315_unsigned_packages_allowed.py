"""ML315 unsigned-packages-allowed: package signature checks are switched off.

Reference page: rules/ML315.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...analysis.commands import RPM_TOOLS
from ...lazy_re import lazy
from ...model import Instruction, Severity, ShellCommand, Span
from ..base import Problem, Rule, RuleContext

# ML315

#: apt options (and `-o` settings) that install packages whose signature does not check out
_APT_FLAGS = frozenset({"--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories"})
_APT_SETTINGS = lazy(r"(?i)(?:APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories)=(?:true|1|yes)")
#: a yum/dnf setting that turns package or repository signature (or TLS) checks off
_RPM_OFF = lazy(r"(?i)(?:^|[.\s]|\\n)(?:gpgcheck|repo_gpgcheck|localpkg_gpgcheck|sslverify)\s*=\s*(?:0|false|no)\b")
#: the same apt settings written to an apt.conf file: `APT::Get::AllowUnauthenticated "true";`
_APT_CONF = lazy(r'(?i)(?:APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories)\s+"?(?:true|1|yes)"?\s*;')
_TRUSTED = lazy(r"\[[^\]]*\btrusted=yes\b[^\]]*\]")
_WRITERS = frozenset({"echo", "printf", "tee", "sed", "cat"})


def _sed_replacements(command: ShellCommand) -> list[str]:
    """The replacement texts of ``sed``'s ``s/PATTERN/REPLACEMENT/`` scripts: what the edit writes (the pattern
    is what it removes, so ``s/gpgcheck=0/gpgcheck=1/`` turns checks on)."""
    replacements: list[str] = []
    for word in command.words[1:]:
        text = word.text
        if len(text) < 4 or text[0] != "s" or text[1].isalnum() or text[1] in " \\\n":
            continue
        parts = re.split(r"(?<!\\)" + re.escape(text[1]), text[2:])
        if len(parts) >= 2:
            replacements.append(parts[1])
    return replacements


def _written_text(instruction: Instruction, command: ShellCommand) -> str:
    """What an ``echo``/``printf``/``sed`` (or a heredoc fed to ``cat``/``tee``) writes."""
    if command.name == "sed":
        return "\n".join(_sed_replacements(command))
    if command.name in ("cat", "tee"):
        return "\n".join(h.body for h in instruction.heredocs)
    return " ".join(w.text for w in command.words[1:])


def _problems(instruction: Instruction, command: ShellCommand) -> Iterator[tuple[Span, str, str]]:
    """(where, what was done, how to undo it) for each check switched off by ``command``."""
    tool = command.tool
    if tool == "apt-get":
        for option in command.invocation.options if command.invocation else ():
            if option.name in _APT_FLAGS:
                if option.value is not None and option.value.text.lower() in ("false", "0", "no"):
                    continue  # `--allow-unauthenticated=false` keeps the check
                yield option.span, f"`{command.name} {option.name}`", "remove it and import the repository's key"
            elif option.name in ("-o", "--option") and option.value and _APT_SETTINGS.search(option.value.text):
                yield option.span, f"`-o {option.value.text}`", "remove it and import the repository's key"
    elif tool == "apk" and command.has_flag("--allow-untrusted"):
        yield command.span, "`apk --allow-untrusted`", "remove it and add the package's signing key under /etc/apk/keys"
    elif tool in RPM_TOOLS or tool == "zypper":
        for option in command.invocation.options if command.invocation else ():
            if option.name in ("--nogpgcheck", "--no-gpg-checks", "--no-gpgcheck"):
                yield option.span, f"`{command.name} {option.name}`", "remove it and `rpm --import` the repository key"
            elif option.name == "--setopt" and option.value and _RPM_OFF.search(option.value.text):
                if "sslverify" in option.value.text.lower():
                    yield option.span, f"`--setopt={option.value.text}`", "remove it and install the CA certificate"
                else:
                    yield option.span, f"`--setopt={option.value.text}`", "remove it and `rpm --import` the repo key"
    elif command.name == "rpm":
        for word in command.words[1:]:
            if word.text in ("--nosignature", "--nodigest", "--nogpg"):
                yield word.span, f"`rpm {word.text}`", "remove it and `rpm --import` the package's signing key"
    if command.name in _WRITERS:
        text = _written_text(instruction, command)
        if _TRUSTED.search(text) and "deb" in text:
            yield (
                command.span,
                "an apt source with `[trusted=yes]`",
                ("drop `trusted=yes` and add the repository's key with `[signed-by=/usr/share/keyrings/<key>.gpg]`"),
            )
        setting = _APT_CONF.search(text)
        if setting:
            yield (
                command.span,
                f"an apt setting `{setting.group(0)}`",
                "remove it and import the repository's key",
            )
        match = _RPM_OFF.search(text)
        if match and not re.search(r"(?i)sslverify", match.group(0)):
            yield (
                command.span,
                f"a repository with `{match.group(0).removeprefix(chr(92) + 'n').strip(' .')}`",
                ("set `gpgcheck=1` with the repository's `gpgkey=`"),
            )


class UnsignedPackagesAllowed(Rule):
    """Package signature checks switched off: ``apt-get --allow-unauthenticated``/``--force-yes``, apt sources
    with ``[trusted=yes]``, ``apk --allow-untrusted``, ``yum``/``dnf --nogpgcheck``, ``gpgcheck=0`` written to a
    repo file or passed with ``--setopt``, ``rpm --nosignature``/``--nodigest``, ``--setopt=sslverify=false``."""

    id = "ML315"
    name = "unsigned-packages-allowed"
    severity = Severity.ERROR
    summary = "package signature checks are disabled"
    tags = ("security", "supply-chain")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN"):
            seen: set[Span] = set()
            for command in instruction.commands:
                for span, what, advice in _problems(instruction, command):
                    if span in seen:  # `sudo apt-get …` is seen twice
                        continue
                    seen.add(span)
                    effect = (
                        "turns off TLS checks of the package repositories"
                        if "sslverify" in what.lower()
                        else "installs packages whose signature is not checked"
                    )
                    yield self.problem(
                        span,
                        f"{what} {effect}: anyone who can change the download (mirror, proxy, network) picks what "
                        f"runs in the image; {advice}",
                    )
        for instruction in ctx.instructions("COPY", "ADD"):
            for heredoc in instruction.heredocs:
                if _TRUSTED.search(heredoc.body) or _RPM_OFF.search(heredoc.body) or _APT_CONF.search(heredoc.body):
                    yield self.problem(
                        instruction,
                        "the repository file written here switches off package signature checks "
                        "(`[trusted=yes]`/`gpgcheck=0`/`AllowUnauthenticated`): add the repository's key instead",
                    )
