"""ML602 model-downloaded-at-build: model weights are downloaded at build time.

Reference page: rules/ML602.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...analysis.downloads import ModelDownload, model_downloads
from ...model import Severity
from ..base import Problem, Rule, RuleContext

# ML602 model-downloaded-at-build


class ModelDownloadedAtBuild(Rule):
    """A RUN downloads model weights at build time: says the trade-off, and whether the download is pinned."""

    id = "ML602"
    name = "model-downloaded-at-build"
    severity = Severity.INFO
    summary = "model weights are downloaded at build time"
    tags = ("artifacts", "ml")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN"):
            shipped = ctx.is_shipped(instruction.stage_index)
            for download in model_downloads(instruction):
                if not shipped and download.pinned is not False:
                    continue  # a build stage: the size trade-off is decided by what the final stage copies
                yield self.problem(download.span, self._message(download, shipped))

    @staticmethod
    def _message(download: ModelDownload, shipped: bool) -> str:
        if shipped:
            head = (
                f"{download.description} downloads model weights at build time: the image grows by the "
                "model's size, but containers start without fetching it"
            )
        else:
            head = f"{download.description} downloads model weights at build time"
        if download.pinned is False:
            return (
                f"{head}; the download is not pinned to a revision: {download.how_to_pin} "
                "so rebuilds get the same weights"
            )
        advice = "mount or fetch at startup instead if the model changes more often than the code"
        if download.pinned:
            return f"{head} (pinned to a fixed revision; {advice})"
        return f"{head} ({advice})"
