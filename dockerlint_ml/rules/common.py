"""Questions several rules ask of the model, answered once."""

from __future__ import annotations

import re
from collections.abc import Iterable
from fnmatch import fnmatchcase

from ..images import full_name
from ..model import ImageRef, Instruction, ShellCommand, Word


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


# --- size helpers (ML2xx): later commands, rm targets, requirement names, image tags -------------------


def commands_after(instruction: Instruction, command: ShellCommand) -> tuple[ShellCommand, ...]:
    """The commands of ``instruction`` that run after ``command`` (source order)."""
    for index, candidate in enumerate(instruction.commands):
        if candidate is command:
            return instruction.commands[index + 1 :]
    return ()


def rm_targets(command: ShellCommand) -> tuple[Word, ...]:
    """The paths an ``rm`` removes (empty for any other command)."""
    if command.tool != "rm" or command.invocation is None:
        return ()
    return command.invocation.positionals


def removes_path(target: str, path: str) -> bool:
    """Whether an ``rm`` target removes everything in ``path``: the path itself, ``path/``, ``path/*``,
    or a parent directory (``/var/lib/apt`` removes ``/var/lib/apt/lists``)."""
    cleaned = target.removesuffix("*").rstrip("/") if target.endswith("/*") else target.rstrip("/")
    path = path.rstrip("/")
    return bool(cleaned) and (cleaned == path or path.startswith(cleaned + "/"))


_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def requirement_name(word: Word) -> str | None:
    """The normalized project name of a requirement argument (``"jax[cuda12]>=0.4"`` -> ``jax``);
    None for paths, URLs, archives and words with unexpanded variables."""
    text = word.text.strip()
    if word.has_expansion or "/" in text or "\\" in text or text.endswith((".whl", ".tar.gz", ".zip")):
        return None
    match = _REQUIREMENT_NAME.match(text)
    if match is None or (match.end() < len(text) and text[match.end()] not in "[=<>~!;@ "):
        return None
    return re.sub(r"[-_.]+", "-", match.group()).lower()


def tag_tokens(tag: str | None) -> list[str]:
    """An image tag split on ``-`` and lowercased: ``12.1.0-cudnn8-devel-ubuntu22.04`` -> 4 tokens."""
    return tag.lower().split("-") if tag else []


def image_matches(image: ImageRef, patterns: Iterable[str]) -> bool:
    """Whether ``image`` is named by one of ``patterns``: a name (``python``), a prefix of the reference
    ending at a boundary (``python:3.11`` matches ``python:3.11-bookworm``; ``nvcr.io/nvidia`` matches
    ``nvcr.io/nvidia/pytorch:24.01-py3``) or a glob (``python:3.*``)."""
    name = full_name(image)
    reference = f"{name}:{image.tag}" if image.tag else name
    for pattern in patterns:
        pattern = pattern.strip().lower()
        if not pattern:
            continue
        if any(c in pattern for c in "*?["):
            if fnmatchcase(reference, pattern) or fnmatchcase(name, pattern):
                return True
        elif pattern in (reference, name) or _prefix_at_boundary(reference, pattern):
            return True
    return False


def _prefix_at_boundary(reference: str, prefix: str) -> bool:
    return reference.startswith(prefix) and (prefix[-1] in ":/-." or reference[len(prefix)] in ":/-.@")


def copy_sources(instruction: Instruction) -> list[Word]:
    """The source words of a COPY/ADD (every argument but the destination), JSON form unwrapped
    (``COPY ["a b", "dest/"]``); heredoc sources (``COPY <<EOF /f``) are left out."""
    words = list(instruction.arguments)
    if instruction.args.lstrip().startswith("["):
        cleaned = []
        for word in words:
            text = word.text.strip()
            text = text.removeprefix("[").rstrip(",").removesuffix("]").rstrip(",").strip()
            if text:
                cleaned.append(Word(text, word.raw, word.span))
        words = cleaned
    return [word for word in words[:-1] if not word.text.startswith("<<")]
