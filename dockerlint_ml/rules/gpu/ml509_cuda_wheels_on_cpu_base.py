"""ML509 cuda-wheels-on-cpu-base: torch (or ``tensorflow[and-cuda]``, ``jax[cudaNN]``) from plain PyPI on a Linux
base without CUDA pulls gigabytes of ``nvidia-*`` CUDA wheels.

Reference page: rules/ML509.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...images import is_alpine
from ...lazy_re import lazy
from ...model import Severity, Word
from ...variables import expand
from ..base import Problem, Rule, RuleContext
from ..common import from_image_word
from ._shared import _definite, _shipped_facts

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from ...facts import Install, StageFacts

# ML509

#: ENV/ARG names that say the image is meant for GPUs (`NVIDIA_VISIBLE_DEVICES`, `CUDA_HOME`, `USE_GPU`...)
_GPU_NAME = lazy(r"CUDA|NVIDIA|(?:^|_)GPUS?(?:_|$)", re.IGNORECASE)
#: words of the file path or stage name that say so (`Dockerfile.gpu`, `docker/cuda/Dockerfile`, `AS gpu`)
_GPU_WORDS = frozenset({"gpu", "gpus", "cuda", "nvidia"})
_FRAMEWORKS = frozenset({"torch", "tensorflow", "jax"})


def _candidate(install: Install) -> bool:
    """An install that brings CUDA as nvidia-* wheels by default or by a CUDA extra: torch from plain PyPI (its
    Linux x86_64 wheel depends on them), ``tensorflow[and-cuda]``, ``jax[cuda12]``."""
    if install.package not in _FRAMEWORKS or install.build != "cuda" or not install.pip_cuda_libs:
        return False
    if install.tool == "conda":
        return False
    return install.plain_pypi if install.package == "torch" else True


def _gpu_hint(ctx: RuleContext, facts: StageFacts, candidates: list[Install]) -> bool:
    """Anything besides the candidates that says the image is meant to run on GPUs."""
    if facts.apt_cuda or facts.maybe_cuda or facts.cudnn_sources or facts.compiles_cuda:
        return True
    if any(i.build == "cuda" for i in facts.all_installs if i not in candidates):
        return True  # `cupy-cuda12x`, `onnxruntime-gpu`, `torch==2.3.0+cu121`, an explicit cu121 index...
    stage = facts.stage
    # the file's own name and the stage's (`Dockerfile.gpu`, `cuda.Dockerfile`, `AS gpu`), not its directories:
    # a folder named after this rule (`cuda-wheels-on-cpu-base/`) says nothing about the image
    name = ctx.dockerfile.path.replace("\\", "/").rsplit("/", 1)[-1]
    words = set(re.split(r"[^a-z0-9]+", f"{name} {stage.name or ''}".lower()))
    if words & _GPU_WORDS:
        return True
    for member in ctx.lineage(stage):
        for instruction in member.of("ENV", "ARG"):
            if any(_GPU_NAME.search(name) for name, _value, _word in instruction.pairs()):
                return True
    first_from = ctx.dockerfile.stages[0].from_instruction.line
    return any(
        _GPU_NAME.search(name)
        for i in ctx.dockerfile.instructions
        if i.keyword == "ARG" and i.line < first_from
        for name, _value, _word in i.pairs()
    )


def _linux_amd64_base(ctx: RuleContext, facts: StageFacts) -> bool:
    """The base is a glibc Linux image for x86_64 as far as the file says: not alpine (no wheels at all, ML203),
    no ``--platform`` other than linux/amd64 (PyPI's linux/arm64 torch wheels are CPU-only)."""
    if not facts.base.has_no_cuda or is_alpine(facts.base.image):
        return False
    root = ctx.dockerfile.stages[facts.base.root_stage if facts.base.root_stage is not None else facts.stage.index]
    platform = root.from_instruction.flag("platform")
    word = from_image_word(root)
    if isinstance(word, Word) and word.has_expansion:
        return False  # `FROM ${BASE_IMAGE}`: the file expects another base passed in (often a CUDA one)
    if platform is None:
        return True
    value, resolved = expand(platform.value or "", root.from_instruction.scope)
    return resolved and value.strip().lower() in ("linux/amd64", "linux/x86_64", "amd64")


def _advice(installs: list[Install]) -> str:
    torch = [i for i in installs if i.package == "torch"]
    parts = []
    if torch:
        parts.append("install the CPU build (`--index-url https://download.pytorch.org/whl/cpu`)")
    for install in installs:
        if install.package != "torch":
            extra = next((e for e in install.extras if e.startswith(("and-cuda", "cuda"))), "")
            parts.append(f"install `{install.package}` without the `[{extra}]` extra")
    return " and ".join(dict.fromkeys(parts))


class CudaWheelsOnCpuBase(Rule):
    """A CPU base image gets torch's CUDA build from PyPI, with ~3 GB of nvidia-* wheels that nothing uses on a
    machine without GPUs."""

    id = "ML509"
    name = "cuda-wheels-on-cpu-base"
    severity = Severity.INFO
    summary = "torch from plain PyPI (or a CUDA extra) on a base without CUDA pulls gigabytes of CUDA wheels"
    tags = ("gpu", "size")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        seen: set[object] = set()  # one finding per install command, however many stages carry it
        for facts in _shipped_facts(ctx):
            if not _linux_amd64_base(ctx, facts):
                continue
            candidates = [i for i in _definite(facts.all_installs) if _candidate(i)]
            if not candidates or _gpu_hint(ctx, facts, candidates):
                continue
            by_command: dict[object, list[Install]] = {}
            for install in candidates:
                by_command.setdefault(install.command.span, []).append(install)
            for span, installs in by_command.items():
                if span in seen:
                    continue
                seen.add(span)
                yield self.problem(installs[0].at, self._message(facts, installs))

    @staticmethod
    def _message(facts: StageFacts, installs: list[Install]) -> str:
        names = ", ".join(f"`{i.spec}`" for i in installs)
        torch = next((i for i in installs if i.package == "torch"), None)
        if torch is not None and len(installs) == 1:
            build = f"the CUDA {torch.cuda.short} build" if torch.cuda else "a CUDA build"
            what = f"{names} comes from plain PyPI, whose Linux wheel is {build}: pip pulls ~3 GB of `nvidia-*` wheels"
        else:
            verb = "pulls" if len(installs) == 1 else "pull"
            what = f"{names} {verb} gigabytes of `nvidia-*` CUDA wheels from PyPI"
        via = f" (from {installs[0].via})" if installs[0].via else ""
        return (
            f"{what}{via} onto `{facts.base.reference}`, which has no CUDA. If the image runs on CPU, "
            f"{_advice(installs)}; if it runs on GPUs, ignore this"
        )
