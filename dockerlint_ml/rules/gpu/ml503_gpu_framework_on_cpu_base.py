"""ML503 gpu-framework-on-cpu-base: a GPU-only package that needs the system CUDA is installed on a base image
without CUDA.

Reference page: rules/ML503.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ._shared import _definite, _shipped_facts, _what

# ML503


class GpuFrameworkOnCpuBase(Rule):
    """A GPU-only package that loads the system CUDA is installed on a base image with no CUDA."""

    id = "ML503"
    name = "gpu-framework-on-cpu-base"
    severity = Severity.WARNING
    summary = "a GPU-only package that needs the system CUDA is installed on a base image without CUDA"
    tags = ("gpu",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        from ... import knowledge as kb

        for facts in _shipped_facts(ctx):
            if facts.has_any_cuda is not False:
                continue
            for install in _definite(facts.all_installs):
                if not re.search(r"gpu|cuda|tensorrt", install.package):
                    continue
                row = kb.system_cuda_package(install.package)
                if row is None or row.needs_system_cuda != "yes" or install.system_cuda is False:
                    continue
                yield self.problem(
                    install.at,
                    f"{_what(install, ctx)} loads the system CUDA libraries, but the base image "
                    f"`{facts.base.reference}` has no CUDA and none is installed: it cannot use the GPU. Build on an "
                    f"`nvidia/cuda:*-cudnn-runtime-*` image, or install the CPU package instead",
                )
