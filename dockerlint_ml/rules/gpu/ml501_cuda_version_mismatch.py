"""ML501 cuda-version-mismatch: the base image's CUDA major version and an installed framework's CUDA build disagree.

Reference page: rules/ML501.md.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ._shared import _TORCH_FAMILY, _dedupe, _definite, _label, _provider, _shipped_facts, _verified, _what

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from ...facts import Cuda, Install


# ML501


def _mismatch_advice(install: Install, system: Cuda) -> str:
    from ... import knowledge as kb

    assert install.cuda is not None
    other = f"use a CUDA {install.cuda.major} base image"
    if install.package in _TORCH_FAMILY:
        release = kb.torch_release(install.version)
        variants = [v for v in release.cuda_variants if v.split(".")[0] == str(system.major)] if release else []
        if variants:
            label = _label(variants[-1])
            url = f"https://download.pytorch.org/whl/{label}"
            lock = posixpath.basename(install.via or "")
            if lock in ("uv.lock", "poetry.lock"):
                # the lock decides the wheel: the index is changed in pyproject.toml, then the project re-locked
                tool = lock.split(".")[0]
                table = "[[tool.uv.index]]" if tool == "uv" else "[[tool.poetry.source]]"
                return f"{other} or lock the {label} build (point torch's `{table}` at {url}, then `{tool} lock`)"
            return f"{other} or the {label} build (`--index-url {url}`)"
    if install.package in ("tensorflow", "tensorflow-gpu"):
        fitting = [r.tensorflow for r in kb.tensorflow_releases() if r.cuda.split(".")[0] == str(system.major)]
        if fitting:
            return f"{other} or a tensorflow release tested on CUDA {system.major} ({fitting[0]}–{fitting[-1]})"
    if install.package == "pytorch-cuda":
        return f"{other} or `pytorch-cuda={system.major}.x` matching the base"
    return f"{other} or a CUDA {system.major} build of `{install.package}`"


class CudaVersionMismatch(Rule):
    """The base image's CUDA major and a framework build's CUDA major disagree."""

    id = "ML501"
    name = "cuda-version-mismatch"
    severity = Severity.ERROR
    summary = "the base image's CUDA major version and an installed framework's CUDA build disagree"
    tags = ("gpu",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        reported: set[tuple] = set()
        for facts in _shipped_facts(ctx):
            system = facts.system_cuda
            if system is None:
                continue
            wrong = [i for i in _definite(facts.all_installs) if i.cuda is not None and i.cuda.major != system.major]
            for install in _dedupe(wrong, reported):
                assert install.cuda is not None
                yield self.problem(
                    install.at,
                    f"{_provider(facts, system, ctx)}, but {_what(install, ctx)} is a CUDA {install.cuda.short} build "
                    f"({install.reason}) that needs CUDA {install.cuda.major}: {_mismatch_advice(install, system)}",
                    severity=None if _verified(system, install.cuda) else Severity.WARNING,
                )
