"""Helpers that several rules of the size family use (no other family imports them)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...lazy_re import lazy
from ...model import Dockerfile, Fix, ImageRef, Instruction, ShellCommand, Stage
from ...variables import expand_word
from ..base import RuleContext
from ..common import CONDA_TOOLS as CONDA_TOOLS  # re-exported: the size package names them
from ..common import RPM_TOOLS as RPM_TOOLS
from ..common import copy_source_words, has_cache_mount, mount_target
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

_CONDA_CACHE = lazy(r"(?:^|/)(?:pkgs|\.cache/(?:mamba|conda)|\.conda/pkgs)(?:/\*?)?$")


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


# ML209 / ML211: paths in the image that an instruction demonstrably adds

_GLOB = lazy(r"[*?\[]")

_HOME_PREFIX = lazy(r"^(?:~|\$HOME|\$\{HOME\})(?=/|$)")


def _normalize(path: str) -> str:
    path = re.sub(r"/+", "/", path)
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts and parts[-1] not in ("", "~"):
                parts.pop()
        elif part != ".":
            parts.append(part)
    joined = "/".join(parts)
    return joined.rstrip("/") or ("/" if path.startswith("/") else joined)


def _resolve(text: str, scope: Mapping[str, str | None], cwd: str | None) -> str | None:
    """An absolute (or ``~/``-relative) path for a word, variables expanded; None when it cannot be told."""
    home = _HOME_PREFIX.match(text)
    if home:
        text = "~" + text[home.end() :]
    expanded = expand_word(text, scope)
    if not expanded or "$" in expanded or "`" in expanded:
        return None
    if not expanded.startswith(("/", "~")):
        if cwd is None or expanded.startswith("-"):
            return None
        expanded = cwd + "/" + expanded
    return _normalize(expanded)


def _copy_created(instruction: Instruction, cwd: str | None) -> list[tuple[str, str]]:
    sources = copy_source_words(instruction)
    if not instruction.arguments or not sources:
        return []
    dest_word = instruction.arguments[-1]
    dest_text = instruction.exec_form[-1] if instruction.exec_form else dest_word.text
    dest = _resolve(dest_text, instruction.scope, cwd)
    if dest is None:
        return []
    how = instruction.keyword
    if dest_text.endswith("/") or len(sources) > 1:
        named = [
            f"{dest.rstrip('/')}/{word.text.rstrip('/').rsplit('/', 1)[-1]}"
            for word in sources
            if not word.text.endswith("/")
            and not _GLOB.search(word.text)
            and "$" not in word.text
            and word.text.rstrip("/").rsplit("/", 1)[-1] not in ("", ".", "..")
            and "://" not in word.text
        ]
        return [(path, how) for path in named] or []
    return [(dest, how)]


def _fetched(instruction: Instruction, command: ShellCommand, cwd: str | None) -> list[tuple[str, str]]:
    """(path, how) for what a download (``curl -o``/``-O``, ``wget``) or ``git clone`` writes (resolved against
    ``cwd``; unresolvable ones left out)."""
    tool, sub, invocation = command.tool, command.subcommand, command.invocation
    scope = instruction.scope
    if invocation is None:
        return []
    if tool in ("curl", "wget"):
        option = "-o" if tool == "curl" else "-O"
        outputs = invocation.values(option, "--output" if tool == "curl" else "--output-document")
        if outputs:
            return [(p, f"{tool} download") for o in outputs if o != "-" and (p := _resolve(o, scope, cwd))]
        remote = invocation.has_flag("-O", "--remote-name") if tool == "curl" else not invocation.has_flag("-O")
        directory = invocation.values("--output-dir" if tool == "curl" else "-P", "--directory-prefix")
        base = _resolve(directory[-1], scope, cwd) if directory else cwd
        if not remote or base is None:
            return []
        names = [w.text.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] for w in invocation.positionals]
        return [(f"{base}/{name}", f"{tool} download") for name in names if name and "$" not in name]
    if tool == "git" and sub == "clone" and invocation.positionals:
        words = invocation.positionals
        if len(words) >= 2:
            path = _resolve(words[1].text, scope, cwd)
        else:
            name = words[0].text.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
            path = _resolve(name, scope, cwd) if name and "$" not in name and ":" not in name else None
        return [(path, "git clone")] if path else []
    return []
