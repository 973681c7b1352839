"""ML202 devel-image-in-final-stage: the final stage is based on a CUDA/framework devel image.

Reference page: rules/ML202.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...images import full_name
from ...model import ImageRef, Severity
from ...roles import SERVICES
from ..base import Problem, Rule, RuleContext
from ..common import from_image_word, tag_tokens
from ._shared import _base_image, _without_tag

# ML202 devel-image-in-final-stage

_RUNTIME_VARIANTS = ("nvidia/cuda", "nvcr.io/nvidia/cuda", "pytorch/pytorch")


def _is_devel_image(image: ImageRef) -> bool:
    name = full_name(image)
    framework = name in ("nvidia/cuda", "pytorch/pytorch", "tensorflow/tensorflow") or name.startswith(
        "nvcr.io/nvidia/"
    )
    return framework and "devel" in tag_tokens(image.tag)


class DevelImageInFinalStage(Rule):
    """The final image is a CUDA/framework *devel* image: nvcc, headers and static libraries ship."""

    id = "ML202"
    name = "devel-image-in-final-stage"
    severity = Severity.WARNING
    summary = "the final stage is based on a CUDA/framework devel image"
    tags = ("size", "gpu")
    roles = SERVICES  # a training or base image may need nvcc at run time (JIT-compiled ops)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        final = ctx.final_stage
        found = _base_image(ctx, final) if final is not None else None
        if found is None or not _is_devel_image(found[1]):
            return
        root, image = found
        if full_name(image) in _RUNTIME_VARIANTS and image.tag:
            tag = "-".join("runtime" if t == "devel" else t for t in image.tag.split("-"))
            run_on = f"`{_without_tag(image)}:{tag}`"
        else:
            run_on = "the matching runtime (non-devel) image"
        yield self.problem(
            from_image_word(root),
            f"`{image.raw}` is a devel image: the CUDA compiler, headers and static libraries (several GB) ship "
            f"to production: build in a devel stage and run on {run_on}, copying only the results",
        )
