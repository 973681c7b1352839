"""ML801 dockerignore-missing: a shipped stage copies the whole build context and there is no `.dockerignore`.

Reference page: rules/ML801.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping

from ...model import Fix, Severity
from ..base import Problem, Rule, RuleContext
from ._shared import (
    SIZE_OPTIONS,
    WALK_OPTIONS,
    ContextCopy,
    context_copies,
    context_walk,
    credential_files,
    dockerfile_path,
    git_needed,
    large_items,
    listing,
    partial_note,
    size_text,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any, ClassVar

#: what an ML image never needs, whatever the project (patterns for the starter file)
ALWAYS_OUT = (
    ".git",
    "**/.env",
    "**/__pycache__",
    "**/*.py[cod]",
    "**/.ipynb_checkpoints",
    "**/.pytest_cache",
    "**/.mypy_cache",
    "**/.ruff_cache",
    "**/.DS_Store",
    ".idea",
    ".vscode",
)

#: top-level directories of ML projects that hold runs, weights and data: listed when they exist in the
#: context and no COPY of the Dockerfile names them
RUN_OUTPUTS = (
    ".venv",
    "venv",
    "checkpoints",
    "data",
    "datasets",
    "wandb",
    "mlruns",
    "lightning_logs",
    "outputs",
    "runs",
)


class DockerignoreMissing(Rule):
    """`COPY . .` (or `ADD . /app`) in a shipped stage with no `.dockerignore` (nor `<Dockerfile>.dockerignore`)
    while the context holds what ML802/ML803 would name (`.git`, a virtualenv, weights, datasets, huge files,
    credentials): all of it is sent to the daemon on every build and copied into the image. `.git` is left out
    of the advice when the build runs git on the copied tree."""

    id = "ML801"
    name = "dockerignore-missing"
    severity = Severity.WARNING
    summary = "the whole build context is copied and there is no `.dockerignore`"
    tags = ("context", "size")
    fixable = True  # the fix travels with the finding: it needs the context's directory
    fix_safety = "unsafe"
    fix_title = "write a starter `.dockerignore` for an ML project (never overwriting one)"
    options: ClassVar[Mapping[str, Any]] = {**SIZE_OPTIONS, **WALK_OPTIONS}

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        copies = list(context_copies(ctx, shipped_only=True))
        whole = next((copy for copy in copies if copy.whole), None)
        context = ctx.build_context
        if whole is None or context is None or not hasattr(context, "ignore_file"):
            return
        if context.ignore_file(dockerfile_path(ctx)) is not None:
            return
        walk = context_walk(ctx, self)
        if walk is None:
            return  # unreadable
        git_use = git_needed(ctx)
        large = large_items(walk, walk.files, ctx.options(self), keep_git=git_use is not None)
        credentials = credential_files(walk, ".")
        if not large and not credentials:
            return  # plain source: a `.dockerignore` would save little, nothing concrete to exclude
        message = self._message(whole, walk, large, credentials, git_use)
        yield self.problem(whole.word, message, fix=self._starter(ctx, walk, git_use))

    @staticmethod
    def _message(
        copy: ContextCopy, walk: Any, large: list[tuple[str, int]], credentials: list[str], git_use: str | None
    ) -> str:
        holds = f"{len(walk.files):,} file{'s' * (len(walk.files) != 1)}, {size_text(walk.total)}"
        git = [item for item in large if item[0].endswith(".git/")]
        if git:  # the history is the first thing to exclude: always named
            holds += ", " + ", ".join(f"`{path}` ({size_text(size)})" for path, size in git)
            large = [item for item in large if item not in git]
        detail = f"; large: {listing(large)}" if large else ""
        if credentials:
            more = f" and {len(credentials) - 3} more" if len(credentials) > 3 else ""
            detail += "; credential files: " + ", ".join(f"`{path}`" for path in credentials[:3]) + more
        # never advise excluding `.git` when the build runs git on the copied tree: it would break the build
        keep = f" (keep `.git`: {git_use})" if git_use is not None and ".git" in walk.dirs else ""
        excluded = ("" if git_use is not None else "`.git`, ") + "`.env`, virtualenvs, caches, data and checkpoints"
        return (
            f"{copy.shown} sends and copies the whole build context and there is no `.dockerignore`: it holds "
            f"{holds}{detail}{partial_note(walk)}; add a `.dockerignore` excluding what the image does not need "
            f"({excluded}){keep}"
        )

    @staticmethod
    def _starter(ctx: RuleContext, walk: Any, git_use: str | None) -> Fix:
        """A starter `.dockerignore` at the context root: the always-out patterns (but `.git` when the build
        runs git on the copied tree), plus the run/data directories and virtualenvs the context has, unless a
        COPY of this Dockerfile names them (the build needs those)."""
        named = {copy.source.split("/")[0] for copy in context_copies(ctx, shipped_only=False) if not copy.whole}
        top = {path.split("/")[0] for path in walk.dirs}
        extra = [d for d in RUN_OUTPUTS if d in top and d not in named]
        extra += [venv for venv in walk.virtualenvs if venv not in extra and venv.split("/")[0] not in named]
        lines = [
            "# Starter .dockerignore written by mllint (ML801): what `docker build` should not send.",
            "# Review it: anything the image needs must not be listed here.",
            *(pattern for pattern in ALWAYS_OUT if git_use is None or pattern != ".git"),
            *extra,
        ]
        path = os.path.join(walk.root, ".dockerignore")
        return Fix("write a starter `.dockerignore`", (), safe=False, files=((path, "\n".join(lines) + "\n"),))
