"""ML502 cuda-minor-too-new: a framework that uses the system CUDA needs a newer CUDA minor version than the base
provides.

Reference page: rules/ML502.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ._shared import _TORCH_FAMILY, _dedupe, _definite, _provider, _shipped_facts, _what

# ML502


class CudaMinorTooNew(Rule):
    """Same CUDA major, but a framework that uses the system CUDA needs a newer minor than the base has."""

    id = "ML502"
    name = "cuda-minor-too-new"
    severity = Severity.WARNING
    summary = "a framework that uses the system CUDA needs a newer CUDA minor version than the base provides"
    tags = ("gpu",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        reported: set[tuple] = set()
        for facts in _shipped_facts(ctx):
            system = facts.system_cuda
            if system is None or system.minor is None:
                continue
            compiles = facts.compiles_cuda and (facts.base.flavor == "devel" or bool(facts.apt_cuda))
            for install in _dedupe(_definite(facts.all_installs), reported):
                cuda = install.cuda
                if cuda is None or cuda.minor is None or cuda.major != system.major or cuda.minor <= system.minor:
                    continue
                if install.minor_matters:
                    why = "it loads the system CUDA libraries"
                elif install.package in _TORCH_FAMILY and compiles:
                    why = "CUDA extensions compiled in this image are built with the base's older nvcc"
                else:
                    continue
                yield self.problem(
                    install.at,
                    f"{_provider(facts, system, ctx)}, but {_what(install, ctx)} is built for CUDA {cuda.short} and "
                    f"{why}: use a CUDA {cuda.short} (or newer {cuda.major}.x) base image, or an older build",
                )
