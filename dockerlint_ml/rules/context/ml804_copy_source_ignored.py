"""ML804 copy-source-ignored: a COPY/ADD source is excluded by `.dockerignore`.

Reference page: rules/ML804.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ._shared import WALK_OPTIONS, context_copies, context_walk, dockerfile_path

_GLOB = frozenset("*?[")


class CopySourceIgnored(Rule):
    """A `COPY`/`ADD` source (not `--from`) that the ignore file excludes is not sent: the build fails with
    "not found", or a glob copies nothing. Reported only when the source exists in the context (a literal
    path) or when everything a glob matches there is excluded."""

    id = "ML804"
    name = "copy-source-ignored"
    severity = Severity.ERROR
    summary = "a COPY/ADD source is excluded by `.dockerignore`"
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
