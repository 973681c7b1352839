"""Questions several rules ask of the model, answered once."""

from __future__ import annotations

from ..model import Instruction, ShellCommand


def has_cache_mount(instruction: Instruction, *targets: str) -> bool:
    """Whether the RUN has ``--mount=type=cache`` on one of ``targets`` (or a directory below one)."""
    for mount in instruction.mounts():
        if mount.get("type") != "cache":
            continue
        target = (mount.get("target") or mount.get("dst") or mount.get("destination") or "").rstrip("/")
        if any(target == t.rstrip("/") or target.startswith(t.rstrip("/") + "/") for t in targets):
            return True
    return False


def is_pip_install(command: ShellCommand) -> bool:
    return command.tool == "pip" and command.subcommand == "install"


def is_apt_install(command: ShellCommand) -> bool:
    return command.tool == "apt-get" and command.subcommand == "install"
