"""Questions several rules ask of the model, answered once."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from fnmatch import fnmatchcase

from ..images import full_name
from ..model import Dockerfile, ImageRef, Instruction, ShellCommand, Stage, Word
from ..text import expand
from .base import RuleContext


def mount_target(mount: Mapping[str, str]) -> str:
    """Where a ``--mount`` is mounted (``target``, or its aliases ``dst``/``destination``), ``""`` if unset."""
    return mount.get("target") or mount.get("dst") or mount.get("destination") or ""


def has_cache_mount(instruction: Instruction, *targets: str) -> bool:
    """Whether the RUN has ``--mount=type=cache`` on one of ``targets`` (or a directory below one)."""
    for mount in instruction.mounts():
        if mount.get("type") != "cache":
            continue
        target = mount_target(mount).rstrip("/")
        if any(target == t.rstrip("/") or target.startswith(t.rstrip("/") + "/") for t in targets):
            return True
    return False


def is_pip_install(command: ShellCommand) -> bool:
    return command.tool == "pip" and command.subcommand == "install"


def is_python_install(command: ShellCommand) -> bool:
    """``pip install`` (any spelling: ``pip3``, ``python -m pip``) or ``uv pip install``."""
    return is_pip_install(command) or (command.tool == "uv" and command.subcommand == "pip install")


def is_apt_install(command: ShellCommand) -> bool:
    return command.tool == "apt-get" and command.subcommand == "install"


def from_image_word(stage: Stage) -> Instruction | Word:
    """What a finding about a stage's base image points at: the image word of its FROM, else the FROM."""
    arguments = stage.from_instruction.arguments
    return arguments[0] if arguments else stage.from_instruction


def is_root_user(user: str) -> bool:
    """Whether a ``USER`` value (``name[:group]``) is root: ``root``, ``0``, ``root:root``, ``0:0``."""
    return user.partition(":")[0].strip() in ("root", "0")


def final_user(ctx: RuleContext) -> tuple[Instruction, str | None] | None:
    """The last ``USER`` of the final stage's lineage and its value with variables expanded (None when a
    variable's value is unknown or the USER has no argument); None when no stage of the lineage sets a USER."""
    final = ctx.final_stage
    users = [i for stage in ctx.lineage(final) for i in stage.body if i.keyword == "USER"] if final else []
    if not users:
        return None
    last = users[-1]
    if not last.arguments:
        return last, None
    text, resolved = expand(last.arguments[0].text, last.scope)
    return last, text if resolved else None


# --- size helpers (ML2xx): later commands, rm targets, requirement names, image tags -------------------


def commands_after(instruction: Instruction, command: ShellCommand) -> tuple[ShellCommand, ...]:
    """The commands of ``instruction`` that run after ``command`` (source order)."""
    for index, candidate in enumerate(instruction.commands):
        if candidate is command:
            return instruction.commands[index + 1 :]
    return ()


_AFTER: dict[tuple[int, Callable[[ShellCommand], bool]], tuple[tuple[ShellCommand, ...], dict[int, int], int]] = {}


def any_after(instruction: Instruction, command: ShellCommand, predicate: Callable[[ShellCommand], bool]) -> bool:
    """``any(predicate(c) for c in commands_after(instruction, command))``, but one pass per RUN and
    predicate instead of one per command: a RUN of 50 000 chained installs must not take 50 000² steps."""
    commands = instruction.commands
    key = (id(commands), predicate)
    entry = _AFTER.get(key)
    if entry is None or entry[0] is not commands:
        if len(_AFTER) >= 64:
            _AFTER.clear()
        last = next((i for i in range(len(commands) - 1, -1, -1) if predicate(commands[i])), -1)
        entry = _AFTER[key] = (commands, {id(c): i for i, c in enumerate(commands)}, last)
    index = entry[1].get(id(command))
    return index is not None and index < entry[2]


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
    """The source words of a COPY/ADD (every argument but the destination); heredoc sources (``COPY <<EOF /f``)
    are left out. The JSON form (``COPY ["a b", "dest/"]``) is read from ``exec_form``; each source keeps its own
    word's span when the JSON items and the words line up, else the instruction's span."""
    words = list(instruction.arguments)
    if instruction.exec_form is not None:
        if len(words) == len(instruction.exec_form):
            words = [Word(text, word.raw, word.span) for text, word in zip(instruction.exec_form, words, strict=True)]
        else:
            words = [Word(text, text, instruction.span) for text in instruction.exec_form]
    return [word for word in words[:-1] if not word.text.startswith("<<")]


def workdir_before(
    dockerfile: Dockerfile, stage: Stage, instruction: Instruction, base: str | None = "/"
) -> str | None:
    """The WORKDIR in effect at ``instruction`` (``stage`` and its FROM ancestors); ``base`` is the base
    image's WORKDIR (``/`` when it sets none, None when unknown). None when a variable hides it."""
    workdir = base
    for member in dockerfile.lineage(stage):
        for candidate in member.body:
            if candidate is instruction:
                return workdir
            if candidate.keyword == "WORKDIR" and candidate.arguments:
                text, resolved = expand(candidate.arguments[0].text, candidate.scope)
                if not resolved:
                    workdir = None
                elif text.startswith("/"):
                    workdir = posixpath.normpath(text)
                elif workdir is not None:
                    workdir = posixpath.normpath(posixpath.join(workdir, text))
    return workdir
