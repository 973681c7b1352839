"""ML803 credential-files-in-context: a whole-context or directory COPY brings in credential files.

Reference page: rules/ML803.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...analysis.secret_files import dotenv_holds_secret, is_dotenv
from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ._shared import WALK_OPTIONS, context_copies, context_walk, credential_files, partial_note


class CredentialFilesInContext(Rule):
    """A shipped stage's `COPY . .` (or COPY of a directory of the context) brings in credential files (the
    ML303 list: `.env`, private keys, `.netrc`, cloud credentials, Oracle wallets...) that no `.dockerignore`
    excludes: they end up in an image layer."""

    id = "ML803"
    name = "credential-files-in-context"
    severity = Severity.ERROR
    summary = "a COPY brings credential files (`.env`, keys, `.netrc`...) from the build context"
    tags = ("context", "security", "secrets")
    options = WALK_OPTIONS

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        copies = list(context_copies(ctx, shipped_only=True))
        if not copies:
            return
        walk = context_walk(ctx, self)
        if walk is None:
            return
        for copy in copies:
            if not copy.whole and copy.source not in walk.dirs:
                continue
            found = [path for path in credential_files(walk, copy.source) if _holds_credentials(ctx, path)]
            if not found:
                continue
            shown = ", ".join(f"`{path}`" for path in sorted(found)[:5])
            more = f" and {len(found) - 5} more" if len(found) > 5 else ""
            label = walk.ignore_label
            where = f"`{label}` does not exclude them" if label else "there is no `.dockerignore`"
            yield self.problem(
                copy.word,
                f"{copy.shown} copies credential files into an image layer ({where}): {shown}{more}"
                f"{partial_note(walk)}; exclude them in `{walk.ignore_label or '.dockerignore'}` and pass secrets "
                "at run time or with `RUN --mount=type=secret`",
            )


def _holds_credentials(ctx: RuleContext, path: str) -> bool:
    """A dotenv file counts only when it sets a credential (a committed `.env.local` with `API_KEY=` and
    `PORT=7860` is a template); any other credential file counts by its name. Unreadable: it counts."""
    if not is_dotenv(path) or ctx.build_context is None:
        return True
    text = ctx.build_context.read_text(path)
    return text is None or dotenv_holds_secret(text)
