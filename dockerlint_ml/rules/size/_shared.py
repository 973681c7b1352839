"""Helpers that several rules of the size family use (no other family imports them)."""

from __future__ import annotations

import re

from ...model import Dockerfile, Fix, ImageRef, Instruction, ShellCommand, Stage
from ..base import RuleContext
from ..common import CONDA_TOOLS as CONDA_TOOLS  # re-exported: the size package names them
from ..common import RPM_TOOLS as RPM_TOOLS
from ..common import has_cache_mount, mount_target
from ..common import is_conda_install as is_conda_install

PIP_CACHE_DIRS = ("/root/.cache/pip", "/root/.cache", "/home", "/tmp/pip-cache")


def _base_image(ctx: RuleContext, stage: Stage) -> tuple[Stage, ImageRef] | None:
    """The stage that names an image in ``stage``'s lineage, and that image (None when unknown)."""
    root = ctx.lineage(stage)[0]
    image = root.image
    if image is None or not image.resolved or image.is_scratch:
        return None
    return root, image


def _without_tag(image: ImageRef) -> str:
    reference = image.raw.split("@", 1)[0]
    return reference[: -len(image.tag) - 1] if image.tag and reference.endswith(":" + image.tag) else reference


# ML204 apt-lists-not-removed

APT_LISTS = "/var/lib/apt/lists"


def is_apt_update(command: ShellCommand) -> bool:
    """``apt-get update`` or ``apt update``: fetches the package lists into /var/lib/apt/lists."""
    return command.tool == "apt-get" and command.subcommand == "update"


def apt_spelling(command: ShellCommand) -> str:
    """``apt`` when the command is written ``apt …``, else ``apt-get``."""
    return "apt" if command.name.rsplit("/", 1)[-1] == "apt" else "apt-get"


def _apt_lists_cached(instruction: Instruction) -> bool:
    """A cache mount on /var/lib/apt (or its lists): the lists never reach the layer."""
    return has_cache_mount(instruction, "/var/lib/apt")


# ML207 conda-cache-kept

_CONDA_CACHE = re.compile(r"(?:^|/)(?:pkgs|\.cache/(?:mamba|conda)|\.conda/pkgs)(?:/\*?)?$")


def _conda_cache_mount(instruction: Instruction) -> bool:
    return any(
        mount.get("type") == "cache" and _CONDA_CACHE.search(mount_target(mount).rstrip("/"))
        for mount in instruction.mounts()
    )


def append_clean(dockerfile: Dockerfile, instruction: Instruction, command: ShellCommand, clean: str) -> Fix | None:
    """Append ``clean`` after the last command of the instruction that runs ``command``'s tool (the fix of
    ML207 and ML208)."""
    from ...fix.edits import append_after_last

    return append_after_last(
        dockerfile,
        instruction,
        command,
        lambda c: c.tool == command.tool,
        clean,
        f"run `{command.tool} clean` after the last {command.tool} command",
    )
