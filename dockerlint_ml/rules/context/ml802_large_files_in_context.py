"""ML802 large-files-in-context: a whole-context or directory COPY brings in weights, datasets, archives, `.git`,
a virtualenv or huge files that `.dockerignore` does not exclude.

Reference page: rules/ML802.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ._shared import (
    SIZE_OPTIONS,
    WALK_OPTIONS,
    context_copies,
    context_walk,
    git_needed,
    large_items,
    listing,
    partial_note,
    size_text,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any, ClassVar


class LargeFilesInContext(Rule):
    """A shipped stage's `COPY . .` (or COPY of a directory of the context) brings in model weights, datasets,
    archives, a `.git` directory, a virtualenv or files over the threshold that `.dockerignore` lets through.
    Without any `.dockerignore` ML801 reports instead (its message names them). `.git` is not reported when a
    RUN of the build runs git on the copied tree (or installs a project versioned from git)."""

    id = "ML802"
    name = "large-files-in-context"
    severity = Severity.WARNING
    summary = "a COPY brings weights, datasets, archives, `.git` or a virtualenv from the build context"
    tags = ("context", "size")
    options: ClassVar[Mapping[str, Any]] = {**SIZE_OPTIONS, **WALK_OPTIONS}

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        copies = list(context_copies(ctx, shipped_only=True))
        if not copies:
            return
        walk = context_walk(ctx, self)
        if walk is None or walk.ignore_label is None:
            return  # no readable context, or no ignore file at all (ML801's case)
        options = ctx.options(self)
        keep_git = git_needed(ctx) is not None  # the build runs git on the copied tree: `.git` must stay
        allowlist = _allowlist(ctx)
        for copy in copies:
            if not copy.whole and copy.source not in walk.dirs:
                continue  # a single file, or a directory the walk did not reach
            items = large_items(walk, walk.under(copy.source), options, keep_git=keep_git)
            if allowlist:  # `*` then `!app`: what is sent was chosen; only a huge file is worth a word
                limit = float(options["threshold-mib"]) * 1024 * 1024
                items = [(path, size) for path, size in items if size >= limit or path.endswith("/")]
            if not items:
                continue
            total = sum(size for _, size in items)
            yield self.problem(
                copy.word,
                f"{copy.shown} brings in {len(items)} large item{'s' * (len(items) != 1)} that "
                f"`{walk.ignore_label}` does not exclude ({size_text(total)}): {listing(items)}"
                f"{partial_note(walk)}; they are sent on every build and baked into the image: add them to "
                f"`{walk.ignore_label}`, or COPY only what the image needs",
            )


def _allowlist(ctx: RuleContext) -> bool:
    """Whether the ignore file excludes everything and names what to send (`*`, then `!app`)."""
    ignore = ctx.build_context.ignore_file(ctx.dockerfile.path) if ctx.build_context is not None else None
    matcher = ignore.matcher if ignore is not None else None
    return matcher is not None and matcher.allowlist
