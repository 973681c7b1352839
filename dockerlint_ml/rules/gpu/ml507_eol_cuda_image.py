"""ML507 eol-cuda-image: the CUDA base image is an end-of-life CUDA release (its tags are deleted from the registry).

Reference page: rules/ML507.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ..common import from_image_word

# ML507


class EolCudaImage(Rule):
    """The nvidia/cuda base image is a CUDA release whose images are end-of-life."""

    id = "ML507"
    name = "eol-cuda-image"
    severity = Severity.WARNING
    summary = "the CUDA base image is an end-of-life CUDA release (its tags are deleted from the registry)"
    tags = ("gpu", "reproducibility")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        from ... import knowledge as kb
        from ...facts import base_facts, needed_stages

        needed = needed_stages(ctx.dockerfile, ctx.shipped_indexes)
        for stage in ctx.dockerfile.stages:
            if stage.index not in needed or stage.image is None:
                continue
            base = base_facts(stage.image, stage.index)
            if base.kind != "nvidia-cuda" or base.cuda is None:
                continue
            limit = kb.cuda_eol_major_max()
            if limit is None or base.cuda.major > limit:
                continue
            yield self.problem(
                from_image_word(stage),
                f"`{stage.image.raw}` is CUDA {base.cuda.version}: every CUDA {limit}.x-or-older release needs a "
                "driver branch NVIDIA lists as end of life, and NVIDIA deletes end-of-life CUDA image tags: move to a "
                "supported CUDA 12 or 13 image",
            )
