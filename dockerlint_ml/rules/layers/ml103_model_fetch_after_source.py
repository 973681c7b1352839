"""ML103 model-fetch-after-source: a model download comes after the source COPY.

Reference page: rules/ML103.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...analysis.downloads import model_artifact_kind, model_downloads
from ...model import Instruction, Severity
from ..base import Problem, Rule, RuleContext
from ._shared import _short, context_sources, is_source_copy

# ML103


def _is_model_copy(instruction: Instruction) -> bool:
    """A COPY of model files/directories only: that is not source code."""
    sources = context_sources(instruction)
    return bool(sources) and all(model_artifact_kind(word.text, False) is not None for word in sources)


class ModelFetchAfterSource(Rule):
    """A build-time model download (see ML602) after a source COPY in the same stage: every code change
    invalidates the download's layer, so each rebuild downloads the model again."""

    id = "ML103"
    name = "model-fetch-after-source"
    severity = Severity.WARNING
    summary = "a model download comes after the source COPY"
    tags = ("cache", "artifacts", "build-time")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for stage in ctx.dockerfile.stages:
            source: Instruction | None = None
            for instruction in stage.body:
                if source is None and is_source_copy(instruction) and not _is_model_copy(instruction):
                    source = instruction
                    continue
                if source is None or instruction.keyword != "RUN":
                    continue
                copy = _short(f"{source.raw_keyword} {source.args}")
                for download in model_downloads(instruction):
                    yield self.problem(
                        download.span,
                        f"{download.description} comes after `{copy}` (line {source.line}), so every code change "
                        "downloads the model again: move the download above the source COPY",
                    )
