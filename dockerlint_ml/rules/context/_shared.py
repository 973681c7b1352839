"""Helpers the build-context rules share: which COPY sources read the context, the walk, sizes in words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...dockerignore import go_clean
from ...model import Instruction, Word
from ...records import Frozen, setfield
from ..base import Rule, RuleContext
from ..common import context_sources

#: bounds of the context walk, as rule options (the walk is shared: one per context and ignore file per run)
WALK_OPTIONS: dict[str, Any] = {"max-entries": 200_000, "max-seconds": 1.5}


class ContextCopy(Frozen):
    """A COPY/ADD source read from the build context: the whole context (`.`), or a path in it."""

    _fields = ("instruction", "word", "source")
    __slots__ = _fields
    instruction: Instruction
    word: Word
    source: str  # cleaned, relative to the context root ("." for the whole context)

    def __init__(self, instruction: Instruction, word: Word, source: str) -> None:
        setfield(self, "instruction", instruction)
        setfield(self, "word", word)
        setfield(self, "source", source)

    @property
    def whole(self) -> bool:
        return self.source == "."

    @property
    def shown(self) -> str:
        text = " ".join(word.raw for word in self.instruction.arguments)
        text = text if len(text) <= 50 else text[:49] + "…"
        return f"`{self.instruction.keyword} {text}`"


def context_copies(ctx: RuleContext, *, shipped_only: bool) -> Iterator[ContextCopy]:
    """Every COPY/ADD source word read from the context (no ``--from``, URL, git or heredoc source); sources
    with variables are left out (their value is unknown), and so are COPYs with ``--exclude`` (it filters what
    the context walk would report)."""
    for instruction in ctx.instructions("COPY", "ADD", shipped_only=shipped_only):
        if instruction.flag("exclude") is not None:
            continue
        for word in context_sources(instruction):
            if "$" in word.text or not word.text.strip():
                continue
            source = go_clean(word.text.strip().lstrip("/")) if word.text.strip() != "/" else "."
            if source.startswith(".."):
                continue  # outside the context: the build fails anyway, another matter
            yield ContextCopy(instruction, word, source)


def dockerfile_path(ctx: RuleContext) -> str | None:
    path = ctx.dockerfile.path
    return None if not path or path == "-" else path


def context_walk(ctx: RuleContext, rule: type[Rule] | Rule) -> Any:
    """The walk of the build context (a ``ContextWalk``), or None when there is no readable context."""
    context = ctx.build_context
    if context is None or not hasattr(context, "walk"):
        return None
    options = ctx.options(rule)
    try:
        return context.walk(dockerfile_path(ctx), int(options["max-entries"]), float(options["max-seconds"]))
    except (OSError, ValueError, TypeError):
        return None


def size_text(size: int) -> str:
    """``512 B``, ``3.4 MiB``, ``5.0 GiB``."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - unreachable


def partial_note(walk: Any) -> str:
    """What to add to a message when the walk stopped early."""
    if not walk.partial:
        return ""
    return f" (the context walk stopped after {walk.walked:,} entries: there may be more)"


def listing(items: list[tuple[str, int]], limit: int = 3, more: bool = True) -> str:
    """``a (1.0 GiB), b (3.0 MiB)`` for the biggest ``limit`` items, ``and N more`` after them (with ``more``)."""
    ordered = sorted(items, key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"`{path}` ({size_text(size)})" for path, size in ordered[:limit])
    rest = len(ordered) - limit
    return shown + (f" and {rest:,} more" if rest > 0 and more else "")


#: model weights, datasets and archives by suffix (lower case); `*.tar*` is matched separately
ARTIFACT_SUFFIXES = (
    ".pt",
    ".pth",
    ".safetensors",
    ".bin",
    ".onnx",
    ".ckpt",
    ".gguf",
    ".ggml",
    ".h5",
    ".hdf5",
    ".keras",
    ".pb",
    ".tflite",
    ".pkl",
    ".joblib",
    ".parquet",
    ".arrow",
    ".feather",
    ".npy",
    ".npz",
    ".tfrecord",
    ".tgz",
    ".zip",
    ".7z",
)

#: the size options of the large-item search (ML802, and ML801's message)
SIZE_OPTIONS: dict[str, Any] = {"threshold-mib": 50, "min-artifact-kib": 1024}


#: directories of test fixtures: a small weights or data file there is test data, not a forgotten artifact
TEST_DIRS = frozenset({"test", "tests", "testing", "testdata", "test_data", "fixtures"})


def in_test_data(path: str) -> bool:
    return not TEST_DIRS.isdisjoint(path.lower().split("/")[:-1])


def is_artifact_name(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return name.endswith(ARTIFACT_SUFFIXES) or ".tar" in name[1:]


def large_items(walk: Any, files: list[tuple[str, int]], options: Any) -> list[tuple[str, int]]:
    """What is not worth sending among ``files``: `.git` directories and virtualenvs (as one item each, with
    their total size), model weights / datasets / archives of at least ``min-artifact-kib`` (a 3 KiB test
    fixture is not worth a finding), and any file of ``threshold-mib`` or more."""
    threshold = float(options["threshold-mib"]) * 1024 * 1024
    minimum = float(options["min-artifact-kib"]) * 1024
    venvs = tuple(venv + "/" for venv in walk.virtualenvs)
    groups: dict[str, int] = {}
    items: list[tuple[str, int]] = []
    for path, size in files:
        group = _group(path, venvs)
        if group is not None:
            groups[group] = groups.get(group, 0) + size
        elif size >= threshold or (size >= minimum and is_artifact_name(path) and not in_test_data(path)):
            items.append((path, size))
    return items + sorted(groups.items())


def _group(path: str, venvs: tuple[str, ...]) -> str | None:
    """``.git/`` (or ``sub/.git/``) or the virtualenv directory ``path`` is in, else None."""
    parts = path.split("/")
    if ".git" in parts[:-1]:
        return "/".join(parts[: parts.index(".git") + 1]) + "/"
    for venv in venvs:
        if path.startswith(venv):
            return venv
    return None
