"""ML505 cudnn-missing: a framework that needs the system cuDNN runs on an nvidia/cuda image without cuDNN.

Reference page: rules/ML505.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...images import full_name
from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ._shared import _dedupe, _definite, _shipped_facts, _verified, _what

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from ...facts import StageFacts


# ML505


def _cudnn_tag(facts: StageFacts) -> str:
    from ... import knowledge as kb

    base, cuda = facts.base, facts.base.cuda
    form = kb.nvidia_cuda_cudnn_tag(cuda.version) if cuda else None
    if form and cuda and base.image and base.image.tag and base.flavor:
        tag = base.image.tag.replace(f"-{base.flavor}-", f"-{form}-{base.flavor}-", 1)
        return f"`{full_name(base.image)}:{tag}`"
    return "an `nvidia/cuda` tag with `cudnn`"


class CudnnMissing(Rule):
    """A framework that loads the system cuDNN runs on an nvidia/cuda image without cuDNN."""

    id = "ML505"
    name = "cudnn-missing"
    severity = Severity.ERROR
    summary = "a framework that needs the system cuDNN runs on an nvidia/cuda image without cuDNN"
    tags = ("gpu",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        reported: set[tuple] = set()
        for facts in _shipped_facts(ctx):
            if facts.base.kind != "nvidia-cuda" or facts.base.cudnn != "no" or facts.has_cudnn is not False:
                continue
            for install in _dedupe([i for i in _definite(facts.all_installs) if i.system_cudnn], reported):
                major = f" {install.cudnn_major}" if install.cudnn_major else ""
                yield self.problem(
                    install.at,
                    f"{_what(install, ctx)} loads the system cuDNN{major}, but `{facts.base.reference}` has no cuDNN "
                    f"(no `cudnn` in the tag) and none is installed: use {_cudnn_tag(facts)}, or install cuDNN "
                    "(apt `libcudnn*`, or pip `nvidia-cudnn-cuNN`)",
                    severity=None if _verified(install.cuda) else Severity.WARNING,
                )
