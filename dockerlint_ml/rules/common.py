"""Questions several rules ask of the model, answered once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from fnmatch import fnmatchcase

# the command predicates and paths rules ask about live in `analysis`; re-exported here for the rules
from ..analysis.commands import CONDA_TOOLS as CONDA_TOOLS
from ..analysis.commands import RPM_TOOLS as RPM_TOOLS
from ..analysis.commands import installs_packages as installs_packages
from ..analysis.commands import is_apt as is_apt
from ..analysis.commands import is_apt_install as is_apt_install
from ..analysis.commands import is_conda_install as is_conda_install
from ..analysis.commands import is_os_package_install as is_os_package_install
from ..analysis.commands import is_pip_install as is_pip_install
from ..analysis.commands import is_python_install as is_python_install
from ..analysis.commands import is_rpm_install as is_rpm_install
from ..analysis.commands import os_package_name as os_package_name
from ..analysis.packages import project_name
from ..analysis.paths import workdir_before as workdir_before
from ..images import full_name
from ..model import Dockerfile, ImageRef, Instruction, ShellCommand, Stage, Word, memo
from ..variables import expand_word
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
    return last, expand_word(last.arguments[0].text, last.scope)


# --- size helpers (ML2xx): later commands, rm targets, requirement names, image tags -------------------


def any_after(instruction: Instruction, command: ShellCommand, predicate: Callable[[ShellCommand], bool]) -> bool:
    """Whether a command of ``instruction`` after ``command`` satisfies ``predicate``, in one pass per RUN and
    predicate instead of one per command: a RUN of 50 000 chained installs must not take 50 000² steps. The
    last match is cached on the instruction, keyed by the predicate (pass a module-level function, not a new
    lambda per call)."""
    commands = instruction.commands
    last = memo(
        instruction,
        ("any_after", predicate),
        lambda: next((i for i in range(len(commands) - 1, -1, -1) if predicate(commands[i])), -1),
    )
    index = instruction.position(command)
    return index is not None and index < last


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


def requirement_name(word: Word) -> str | None:
    """The normalized project name of a requirement argument (``"jax[cuda12]>=0.4"`` -> ``jax``);
    None for paths, URLs, archives and words with unexpanded variables."""
    return None if word.has_expansion else project_name(word.text)


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


def copy_source_words(instruction: Instruction) -> list[Word]:
    """Every source word of a COPY/ADD (every argument but the destination: URLs, git sources and ``--from``
    paths included, see ``context_sources`` in the layers family for build-context ones only); heredoc sources
    (``COPY <<EOF /f``) are left out. The JSON form (``COPY ["a b", "dest/"]``) is read from ``exec_form``; each
    source keeps its own word's span when the JSON items and the words line up, else the instruction's span."""
    words = list(instruction.arguments)
    if instruction.exec_form is not None:
        if len(words) == len(instruction.exec_form):
            words = [Word(text, word.raw, word.span) for text, word in zip(instruction.exec_form, words, strict=True)]
        else:
            words = [Word(text, text, instruction.span) for text in instruction.exec_form]
    return [word for word in words[:-1] if not word.text.startswith("<<")]


def copy_from_stage(dockerfile: Dockerfile, instruction: Instruction) -> Stage | None:
    """The stage of this Dockerfile a ``COPY --from=NAME`` reads (its name or index, variables expanded); None
    for no ``--from`` or an external image (``--from=ghcr.io/org/tools:1.2``)."""
    flag = instruction.flag("from")
    name = expand_word(flag.value, instruction.scope) if flag is not None and flag.value else None
    return dockerfile.stage_named(name) if name else None


def root_filesystem_source(dockerfile: Dockerfile, stage: Stage) -> Stage | None:
    """The stage whose whole filesystem ``stage`` copies (``COPY --from=build / /``, as a ``FROM scratch`` squash
    does), or None. The files (shell, ``useradd``, ``/etc/passwd``) come with it; its ``USER`` and ``ENV`` do not."""
    for instruction in stage.of("COPY"):
        sources = copy_source_words(instruction)
        if len(sources) != 1 or not instruction.arguments:
            continue
        if sources[0].text.rstrip("/") == "" and instruction.arguments[-1].text.rstrip("/") == "":
            source = copy_from_stage(dockerfile, instruction)
            if source is not None and source.index < stage.index:
                return source
    return None


def context_sources(instruction: Instruction) -> list[Word]:
    """The build-context sources of a COPY/ADD (see :func:`copy_source_words`): none for ``--from``, heredocs, URLs
    and git sources, nor for an invalid JSON form."""
    if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from") or instruction.heredocs:
        return []
    if instruction.exec_form is None and instruction.args.startswith("["):
        return []  # JSON-looking but not valid JSON: unknown
    return [w for w in copy_source_words(instruction) if "://" not in w.text and not w.text.startswith("git@")]
