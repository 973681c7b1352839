"""ML202 devel-image-in-final-stage: the final stage is based on a CUDA/framework devel image.

Reference page: rules/ML202.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...images import full_name
from ...model import ImageRef, Severity, Stage
from ...roles import SERVICES
from ..base import Problem, Rule, RuleContext
from ..common import from_image_word
from ._shared import _base_image, _without_tag

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from ...knowledge import DevelImage

# ML202 devel-image-in-final-stage: which images are devel flavors is knowledge (images.toml [[devel_image]])


def _runtime_reference(image: ImageRef, devel: DevelImage) -> str | None:
    """The runtime image to name in the advice: ``nvidia/cuda:12.1.0-runtime-ubuntu22.04`` for
    ``…-devel-ubuntu22.04``, ``tensorflow/tensorflow:2.15.0-gpu`` for ``2.15.0-devel-gpu``; None when unknown."""
    if devel.runtime_image:
        return devel.runtime_image
    if devel.runtime_token is None or not image.tag:
        return None
    tokens = [devel.runtime_token if t.lower() == devel.token else t for t in image.tag.split("-")]
    tag = "-".join(t for t in tokens if t) or "latest"
    if tag in ("gpu",):  # `devel-gpu` -> `latest-gpu`
        tag = f"latest-{tag}"
    return f"{_without_tag(image)}:{tag}"


#: packages that compile CUDA ops with nvcc when they run (DeepSpeed's fused ops): their image needs the toolkit
_JIT_PACKAGES = frozenset({"deepspeed"})


def _jit_compiles(ctx: RuleContext) -> bool:
    """Whether the shipped image installs a package that JIT-compiles CUDA ops at run time (it needs `nvcc`)."""
    from ...facts import facts_for

    return any(
        install.package in _JIT_PACKAGES
        for stage in facts_for(ctx)
        if ctx.is_shipped(stage.stage)
        for install in stage.all_installs
    )


class DevelImageInFinalStage(Rule):
    """The final image is a CUDA/framework *devel* image: nvcc, headers and static libraries ship."""

    id = "ML202"
    name = "devel-image-in-final-stage"
    severity = Severity.WARNING
    summary = "the final stage is based on a CUDA/framework devel image"
    tags = ("size", "gpu")
    roles = SERVICES  # a training or base image may need nvcc at run time (JIT-compiled ops)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        from ... import knowledge as kb

        final = ctx.final_stage
        found = _base_image(ctx, final) if final is not None else None
        if found is None:
            return
        root, image = found
        devel = kb.devel_image(full_name(image), image.tag)
        if devel is None or _jit_compiles(ctx) or _explained(ctx, root):
            return
        runtime = _runtime_reference(image, devel)
        run_on = f"`{runtime}`" if runtime else "the matching runtime (non-devel) image"
        yield self.problem(
            from_image_word(root),
            f"`{image.raw}` is a devel image: the compiler, headers and static libraries (several GB) ship "
            f"to production: build in a devel stage and run on {run_on}, copying only the results",
            # without a runtime image the knowledge can name, the advice may not be followable: info
            severity=None if runtime else Severity.INFO,
        )


def _explained(ctx: RuleContext, root: Stage) -> bool:
    """A comment just above the FROM that gives a reason for the devel image (`# devel needed for bitsandbytes'
    libcudart.so`): a deliberate choice, stated where a reader looks."""
    line = root.from_instruction.line
    return any(line - 3 <= at < line and "devel" in text.lower() for at, text in ctx.dockerfile.comments)
