"""ML804 copy-source-ignored: a COPY/ADD source is excluded by `.dockerignore`, or a RUN reads a path that
`COPY . .` did not bring because it is excluded.

Reference page: rules/ML804.md.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator

from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ._shared import (
    GENERATED,
    WALK_OPTIONS,
    RunRead,
    context_copies,
    context_walk,
    dockerfile_path,
    reads_after_whole_copy,
)

_GLOB = frozenset("*?[")


class CopySourceIgnored(Rule):
    """A `COPY`/`ADD` source (not `--from`) that the ignore file excludes is not sent: the build fails with
    "not found", or a glob copies nothing. Reported only when the source exists in the context (a literal
    path) or when everything a glob matches there is excluded. Also: after `COPY . /app`, a RUN that reads a
    path under /app (`go build ./tests/e2e-ui`) whose directory exists in the context but is excluded."""

    id = "ML804"
    name = "copy-source-ignored"
    severity = Severity.ERROR
    summary = "a COPY/ADD source, or a path a RUN reads after `COPY . .`, is excluded by `.dockerignore`"
    tags = ("context", "correctness")
    options = WALK_OPTIONS

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        context = ctx.build_context
        if context is None or not hasattr(context, "ignore_file"):
            return
        ignore = context.ignore_file(dockerfile_path(ctx))
        if ignore is None or ignore.matcher is None:
            return  # nothing excluded, or a malformed file (Docker refuses it; the rules cannot tell)
        matcher = ignore.matcher

        def excluded(path: str) -> bool:
            """Excluded, and nothing under it re-included (an exception pattern can make an excluded directory
            partly sent: then the walk, bounded, must show nothing under it; unknown -> not excluded)."""
            if not matcher.excluded(path):
                return False
            if not matcher.may_reinclude_under(path):
                return True
            walk = context_walk(ctx, self)
            return walk is not None and not walk.partial and not walk.under(path)

        for copy in context_copies(ctx, shipped_only=False):
            if copy.whole:
                continue
            if _GLOB.intersection(copy.source):
                matched = context.glob(copy.source)
                if not matched or not all(excluded(path) for path in matched):
                    continue
                yield self.problem(
                    copy.word,
                    f"{copy.shown}: everything `{copy.source}` matches in the context is excluded by "
                    f"`{ignore.label}` (e.g. `{matched[0]}`, pattern `{matcher.deciding_pattern(matched[0])}`), so "
                    f"the COPY finds nothing to copy: re-include what the image needs with a `!` line in "
                    f"`{ignore.label}`, or drop the COPY",
                )
            elif context.kind(copy.source) is not None and excluded(copy.source):
                yield self.problem(
                    copy.word,
                    f"{copy.shown}: `{copy.source}` is excluded by `{ignore.label}` (pattern "
                    f'`{matcher.deciding_pattern(copy.source)}`), so the build fails with "not found": add '
                    f"`!{copy.source}` after it in `{ignore.label}`, or remove the pattern",
                )
        yield from self._ignored_reads(ctx, ignore.label, excluded, matcher.deciding_pattern)

    def _ignored_reads(
        self, ctx: RuleContext, label: str, excluded: Callable[[str], bool], pattern: Callable[[str], str | None]
    ) -> Iterator[Problem]:
        """RUN inputs under a whole-context COPY's directory whose context path (a directory above it, or
        itself) exists and is excluded: `COPY . .` silently left them out."""
        kind = getattr(ctx.build_context, "kind", None)
        if kind is None:
            return
        seen: set[tuple[int, str]] = set()
        for read in reads_after_whole_copy(ctx):
            gone = _excluded_part(read.path, kind, excluded)
            if gone is None or (read.instruction.line, read.path) in seen:
                continue
            seen.add((read.instruction.line, read.path))
            own = dockerfile_path(ctx)
            other = f", or give this Dockerfile its own `{posixpath.basename(own)}.dockerignore` beside it"
            copy = " ".join(word.raw for word in read.copy.arguments)
            yield self.problem(
                read.word,
                f"line {read.instruction.line} runs `{_shown(read)}`, but `{gone}` is excluded by `{label}` "
                f"(pattern `{pattern(gone)}`), so `{read.copy.keyword} {copy}` (line {read.copy.line}) did not "
                f"bring `{read.path}` and the build fails: add `!{read.path}` after that pattern in `{label}`"
                + (other if own and label == ".dockerignore" else ""),
            )


def _excluded_part(path: str, kind: Callable[[str], str | None], excluded: Callable[[str], bool]) -> str | None:
    """The first leading part of ``path`` that is in the context and excluded; None when a part is not in the
    context (the build may generate it), is a glob, or is a directory builds generate (stale local output)."""
    parts = path.split("/")
    for end in range(1, len(parts) + 1):
        prefix = "/".join(parts[:end])
        if _GLOB.intersection(parts[end - 1]) or kind(prefix) is None:
            return None
        if excluded(prefix):
            return None if parts[end - 1] in GENERATED or parts[end - 1].endswith(".egg-info") else prefix
    return None


def _shown(read: RunRead) -> str:
    words = read.command.words
    upto = words[: words.index(read.word) + 1] if read.word in words else (*words[:1], read.word)
    text = " ".join(word.raw for word in upto)
    return text if len(text) <= 60 else "… " + text[-58:]
