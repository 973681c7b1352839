"""ML706 unpinned-remote-download: git clone without a pinned ref, or download of a latest/master/main URL.

Reference page: rules/ML706.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...analysis.downloads import is_model_clone, is_model_url
from ...analysis.git import git_clone_pinned
from ...analysis.urls import moving_url_segment, redact, url_words
from ...model import Severity
from ..base import Problem, Rule, RuleContext

# ML706 unpinned-remote-download


class UnpinnedRemoteDownload(Rule):
    """``git clone`` without a fixed ref, or ``curl``/``wget`` of a ``latest``/``master``/``main`` URL."""

    id = "ML706"
    name = "unpinned-remote-download"
    severity = Severity.INFO
    summary = "git clone without a pinned ref, or download of a latest/master/main URL"
    tags = ("reproducibility",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:

        for instruction, command in ctx.commands():
            if command.tool == "git" and command.subcommand == "clone" and command.invocation is not None:
                if is_model_clone(command) or git_clone_pinned(instruction, command) is not False:
                    continue
                url = redact(next((w.text for w in command.invocation.positionals), "the repository"))
                yield self.problem(
                    command,
                    f"`git clone {url}` builds whatever the branch holds today: clone a tag "
                    "(`--branch v1.2.3`) or `git checkout <commit sha>` after the clone, in the same RUN",
                )
                continue
            for word in url_words(command):
                segment = moving_url_segment(word.text)
                if segment is None or is_model_url(word.text):
                    continue
                yield self.problem(
                    word,
                    f"`{redact(word.text)}` names `{segment}`, which moves: download a versioned URL "
                    "(a release tag or commit sha) and verify its checksum",
                )
