"""ML307 add-instead-of-copy: ADD is used where COPY or a verified download serves.

Reference page: rules/ML307.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...analysis.git import is_sha_or_release
from ...model import Severity
from ...variables import expand_word
from ..base import Problem, Rule, RuleContext
from ..common import copy_source_words

# ML307


#: What ADD extracts: tar archives, plain or compressed with gzip, bzip2 or xz (and zstd in newer BuildKit).
ARCHIVE_SUFFIXES = (
    ".tar",
    ".tar.gz",
    ".tgz",
    ".taz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tb2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
)


def _is_git_source(source: str) -> bool:
    base = source.split("#", 1)[0]
    return source.startswith(("git@", "git://", "ssh://")) or base.endswith(".git")


class AddInsteadOfCopy(Rule):
    """``ADD`` used where ``COPY`` (or a verified download) serves: a local file that is not a tar archive to
    extract, a remote URL without ``--checksum``, a git source not pinned to a commit or version tag."""

    id = "ML307"
    name = "add-instead-of-copy"
    severity = Severity.WARNING
    summary = "ADD is used where COPY or a verified download serves"
    tags = ("security", "best-practice")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("ADD"):
            checksum = instruction.flag("checksum") is not None
            local_reported = False
            for source in copy_source_words(instruction):
                text = expand_word(source.text, instruction.scope)
                if text is None:
                    continue  # unknown source: cannot tell
                if _is_git_source(text):
                    ref = text.partition("#")[2].split(":", 1)[0]
                    if not checksum and not is_sha_or_release(ref):
                        yield self.problem(
                            source,
                            "ADD of a git repository that is not pinned: the build gets whatever the branch holds "
                            "today; add `#<commit sha>` or a version tag (and `--checksum=<commit sha>`)",
                        )
                elif re.match(r"(?:https?|ftp)://", text, re.IGNORECASE):
                    if not checksum:
                        yield self.problem(
                            source,
                            "ADD of a remote URL without `--checksum`: the download is not verified; add "
                            "`--checksum=sha256:<digest>` or `RUN curl -fsSLO <url> && echo '<sha256>  <file>' | "
                            "sha256sum -c`",
                        )
                elif not text.lower().endswith(ARCHIVE_SUFFIXES) and not local_reported:
                    local_reported = True
                    note = " (ADD does not extract .zip)" if text.lower().endswith(".zip") else ""
                    yield self.problem(
                        source,
                        f"ADD of a local file or directory that is not a tar archive to extract{note}: use COPY, "
                        "which does only what it says",
                    )
