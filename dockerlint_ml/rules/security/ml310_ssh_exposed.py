"""ML310 ssh-exposed: the image exposes or installs an SSH server.

Reference page: rules/ML310.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity, Stage
from ...roles import SERVICES
from ...variables import expand_word
from ..base import Problem, Rule, RuleContext
from ..common import is_os_package_install, os_package_name

# ML310


SSH_SERVER_PACKAGES = {
    "apt-get": frozenset({"openssh-server", "ssh", "dropbear", "dropbear-bin"}),
    "apk": frozenset({"openssh", "openssh-server", "dropbear"}),
    "yum": frozenset({"openssh-server", "dropbear"}),
    "dnf": frozenset({"openssh-server", "dropbear"}),
    "microdnf": frozenset({"openssh-server", "dropbear"}),
    "zypper": frozenset({"openssh-server", "openssh", "dropbear"}),
}


def _exposes_ssh(port: str) -> bool:
    number, _, protocol = port.partition("/")
    if protocol and protocol.lower() != "tcp":
        return False
    low, dash, high = number.partition("-")
    if not low.isdigit() or (dash and not high.isdigit()):
        return False
    return int(low) == 22 if not dash else int(low) <= 22 <= int(high)


class SshExposed(Rule):
    """The image exposes port 22 (an `EXPOSE` in the final stage or a stage it is built from) or installs an
    SSH server (`openssh-server`, Debian's `ssh` metapackage, Alpine's `openssh`, `dropbear`) in a shipped
    stage. The SSH client (`openssh-client`, `git` over ssh) is fine."""

    id = "ML310"
    name = "ssh-exposed"
    severity = Severity.WARNING
    summary = "the image exposes or installs an SSH server"
    tags = ("security",)
    #: a dev pod or a multi-node training image uses sshd on purpose
    roles = SERVICES

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        final = ctx.final_stage
        if final is None:
            return
        yield from self._first(ctx, final)

    def _first(self, ctx: RuleContext, final: Stage) -> Iterator[Problem]:
        """One finding per image: the EXPOSE of port 22 if there is one, else the SSH server install."""
        for stage in ctx.lineage(final):
            for instruction in stage.of("EXPOSE"):
                for word in instruction.arguments:
                    port = expand_word(word.text, instruction.scope)
                    if port is not None and _exposes_ssh(port):
                        yield self.problem(
                            word,
                            f"`EXPOSE {word.text}` publishes SSH: do not run sshd in a deployed model container; "
                            "use `docker exec`/`kubectl exec` to get a shell",
                        )
                        return
        for _instruction, command in ctx.commands(shipped_only=True):
            packages = SSH_SERVER_PACKAGES.get(command.tool or "")
            if not packages or not is_os_package_install(command) or command.invocation is None:
                continue
            for word in command.invocation.positionals:
                if os_package_name(word.text) in packages:
                    yield self.problem(
                        word,
                        f"`{word.text}` installs an SSH server in the image: it is attack surface with keys or "
                        "passwords to manage; use `docker exec`/`kubectl exec` (install `openssh-client` if you "
                        "only need git over ssh)",
                    )
                    return
