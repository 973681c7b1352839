"""ML303 secret-file-copied: a credential file is copied into the image.

Reference page: rules/ML303.md.
"""

from __future__ import annotations

from collections.abc import Iterator

# the credential-file list is shared with ML803 (build context): it lives in `analysis`
from ...analysis.secret_files import SECRET_DIRS as SECRET_DIRS
from ...analysis.secret_files import SECRET_FILE_PATTERNS as SECRET_FILE_PATTERNS
from ...analysis.secret_files import SECRET_PATH_SUFFIXES as SECRET_PATH_SUFFIXES
from ...analysis.secret_files import dotenv_holds_secret, is_dotenv, secret_file_kind
from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ..common import copy_source_words
from ._shared import SECRET_MOUNT_HINT

# ML303


class SecretFileCopied(Rule):
    """``COPY``/``ADD`` of a credential file from the build context (`.env`, private keys, `.netrc`,
    `.pypirc`, `kaggle.json`, cloud credentials...). Copying the whole context (`COPY . .`) is not reported:
    what it contains depends on `.dockerignore`."""

    id = "ML303"
    name = "secret-file-copied"
    severity = Severity.ERROR
    summary = "a credential file is copied into the image"
    tags = ("security", "secrets")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("COPY", "ADD"):
            if instruction.flag("from") is not None:
                continue  # comes from another stage or image, not from the build context
            for source in copy_source_words(instruction):
                kind = secret_file_kind(source.text)
                if kind is None or _template(ctx, source.text):
                    continue
                yield self.problem(
                    source,
                    f"{instruction.keyword} of {kind} puts credentials in an image layer (deleting it later does "
                    f"not remove it): keep it out of the image and use {SECRET_MOUNT_HINT}, or mount it at run "
                    "time; add it to `.dockerignore`",
                )


def _template(ctx: RuleContext, path: str) -> bool:
    """A dotenv file the build context shows sets no credential (`API_KEY=`, `PORT=7860`): a template. Without a
    readable context, the name is all the evidence there is and the finding stands."""
    if not is_dotenv(path) or ctx.build_context is None or any(c in path for c in "*?[$"):
        return False
    text = ctx.build_context.read_text(path)
    return text is not None and not dotenv_holds_secret(text)
