"""ML5xx: GPU and CUDA. Which CUDA the base image provides vs. which CUDA build each framework install selects.

The inference lives in ``facts.py`` and the data in ``knowledge/*.toml``; both are loaded on the first
``check()`` that needs them, so importing this module stays cheap. Facts resting on rows the knowledge base
marks unverified never raise an ``error``: such findings are downgraded to ``warning``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..images import full_name
from ..model import Severity
from .base import Problem, Rule, RuleContext
from .common import from_image_word

if TYPE_CHECKING:
    from ..facts import Cuda, Install, StageFacts

_TORCH_FAMILY = frozenset({"torch", "torchvision", "torchaudio"})


def _shipped_facts(ctx: RuleContext) -> list[StageFacts]:
    from ..facts import facts_for

    return [facts for facts in facts_for(ctx) if facts.shipped]


def _definite(installs: list[Install]) -> list[Install]:
    """Installs that surely happen: not inside a shell conditional that may skip them (no rule rests on a
    "maybe")."""
    return [install for install in installs if not install.maybe]


def _label(cuda: str) -> str:
    """``"11.8"`` -> ``cu118``."""
    return "cu" + cuda.replace(".", "")


def _provider(facts: StageFacts, cuda: Cuda, ctx: RuleContext) -> str:
    """Who provides the system CUDA, for messages: the base image or an apt package."""
    if facts.base.cuda is cuda:
        via = ""
        root = facts.base.root_stage
        if root is not None and root != facts.stage.index:
            via = f" (through stage `{ctx.dockerfile.stages[root].label}`)"
        return f"base image `{facts.base.reference}`{via} provides CUDA {cuda.version}"
    return f"{cuda.source} provides CUDA {cuda.version}"


def _what(install: Install, ctx: RuleContext) -> str:
    """``torch==2.1.0+cu118`` (from requirements.txt, installed in stage `build` and copied here)."""
    notes = []
    if install.via:
        notes.append(f"from {install.via}")
    if install.copied_from is not None:
        notes.append(f"installed in stage `{ctx.dockerfile.stages[install.stage].label}` and copied here")
    return f"`{install.spec}`" + (f" ({', '.join(notes)})" if notes else "")


def _verified(*items: Cuda | None) -> bool:
    return all(item is None or item.verified for item in items)


def _dedupe(installs: list[Install], seen: set[tuple]) -> Iterator[Install]:
    """One install per (command, CUDA, file): torch, torchvision and torchaudio of one command are one fix. ``seen``
    is shared by the shipped stages, so a stage built FROM another does not report its installs again."""
    for install in installs:
        key = (install.command.span, install.cuda.short if install.cuda else None, install.via, install.build)
        if key not in seen:
            seen.add(key)
            yield install


# ---------------------------------------------------------------------------------------------------------
# ML501


def _mismatch_advice(install: Install, system: Cuda) -> str:
    from .. import knowledge as kb

    assert install.cuda is not None
    other = f"use a CUDA {install.cuda.major} base image"
    if install.package in _TORCH_FAMILY:
        release = kb.torch_release(install.version)
        variants = [v for v in release.cuda_variants if v.split(".")[0] == str(system.major)] if release else []
        if variants:
            label = _label(variants[-1])
            return f"{other} or the {label} build (`--index-url https://download.pytorch.org/whl/{label}`)"
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


# ---------------------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------------------
# ML503


class GpuFrameworkOnCpuBase(Rule):
    """A GPU-only package that loads the system CUDA is installed on a base image with no CUDA."""

    id = "ML503"
    name = "gpu-framework-on-cpu-base"
    severity = Severity.WARNING
    summary = "a GPU-only package that needs the system CUDA is installed on a base image without CUDA"
    tags = ("gpu",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        from .. import knowledge as kb

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


# ---------------------------------------------------------------------------------------------------------
# ML504

_GPU_NAME = re.compile(
    r"cuda|(?:^|-)cu1\d|gpu|^nvidia-|^(?:vllm|xformers|flash-attn|bitsandbytes|triton|deepspeed|apex|pycuda|numba|"
    r"cudf|cuml|cugraph|tensorrt|sglang|llama-cpp-python|auto-gptq|autoawq|exllamav2|mxnet|spconv|mmcv|detectron2|"
    r"torch-scatter|torch-sparse|torch-cluster|pyg-lib|cuquantum|kornia-rs|onnxruntime-training|lightgbm|xgboost|"
    r"catboost|opencv-contrib-python-rolling)(?:$|-)"
)
_FRAMEWORKS = frozenset(
    {"torch", "torchvision", "torchaudio", "tensorflow", "tensorflow-cpu", "tensorflow-gpu", "jax", "jaxlib",
     "onnxruntime", "onnxruntime-gpu", "paddlepaddle", "paddlepaddle-gpu"}
)  # fmt: skip


class CudaBaseCpuFramework(Rule):
    """A CUDA base image, but every ML framework installed is a CPU build."""

    id = "ML504"
    name = "cuda-base-cpu-framework"
    severity = Severity.WARNING
    summary = "a CUDA base image is used but only CPU builds of the frameworks are installed"
    tags = ("gpu", "size")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for facts in _shipped_facts(ctx):
            if facts.base.kind != "nvidia-cuda" or facts.opaque or facts.compiles_cuda:
                continue
            installs = facts.all_installs
            cpu = [i for i in _definite(installs) if i.build == "cpu"]
            if not cpu:
                continue
            gpu = [
                i
                for i in installs
                if i.build == "cuda" or i.pip_cuda_libs or i.system_cuda or _GPU_NAME.search(i.package)
                or (i.package in _FRAMEWORKS and i.build is None)
            ]  # fmt: skip
            if gpu:
                continue
            names = ", ".join(f"`{i.spec}`" for i in cpu[:3])
            yield self.problem(
                cpu[0].at,
                f"base image `{facts.base.reference}` ships CUDA (gigabytes), but the frameworks installed are CPU "
                f"builds ({names}): use a plain base such as `python:3.12-slim`, or install the GPU builds",
            )


# ---------------------------------------------------------------------------------------------------------
# ML505


def _cudnn_tag(facts: StageFacts) -> str:
    from .. import knowledge as kb

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


# ---------------------------------------------------------------------------------------------------------
# ML506


def _suggest_variant(install: Install, system: Cuda) -> str | None:
    """A published variant of this torch release with the base's CUDA major: the newest that the base's minor
    covers, else the closest newer one; None when the release has none (never an index that does not exist)."""
    from .. import knowledge as kb

    release = kb.torch_release(install.version)
    variants = list(release.cuda_variants) if release else []
    same = [v for v in variants if v.split(".")[0] == str(system.major)]
    fitting = [v for v in same if system.minor is None or int(v.split(".")[1]) <= system.minor]
    if fitting:
        return _label(fitting[-1])
    return _label(same[0]) if same else None


class TorchCudaVariantUnspecified(Rule):
    """torch comes from plain PyPI on a CUDA base: pip's default CUDA build, not one chosen for the base."""

    id = "ML506"
    name = "torch-cuda-variant-unspecified"
    severity = Severity.INFO
    summary = "torch is installed from plain PyPI on a CUDA base image without naming its CUDA variant"
    tags = ("gpu", "size")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for facts in _shipped_facts(ctx):
            system = facts.base.cuda
            if system is None:
                continue
            torch = [
                i for i in _definite(facts.all_installs) if i.package == "torch" and i.plain_pypi and i.tool != "conda"
            ]
            seen: set[object] = set()  # one finding per install command, however many stages carry it
            for install in torch:
                if install.command.span in seen:
                    continue
                seen.add(install.command.span)
                system_cuda = facts.system_cuda or system
                if install.cuda is not None and install.cuda.major != system_cuda.major:
                    continue  # ML501 reports the mismatch on this span
                label = _suggest_variant(install, system)
                pinned = bool(install.version) and "*" not in (install.version or "")
                default = f"the CUDA {install.cuda.short} build" if install.cuda else "its default CUDA build"
                where = f"base `{facts.base.reference}` (CUDA {system.version})"
                if install.reason.startswith("no `"):
                    head = f"{_what(install, ctx)}: the {install.reason.split('`')[1]} index has no such build, so pip "
                    head += f"installs the PyPI wheel ({default}), not one chosen for {where}"
                elif label and install.cuda is not None and label == _label(install.cuda.short):
                    head = (
                        f"{_what(install, ctx)} comes from plain PyPI: its wheel is {default}, which suits {where} "
                        "today, but PyPI's default CUDA changes between torch releases"
                    )
                else:
                    head = f"{_what(install, ctx)} comes from plain PyPI, so pip picks {default}"
                    if not pinned:
                        head += " (whichever PyPI makes the default when the image is built)"
                    head += f", not one chosen for {where}"
                if label and install.cuda is not None and label == _label(install.cuda.short):
                    advice = (
                        f"name it (`--index-url https://download.pytorch.org/whl/{label}`) so that a torch upgrade "
                        "cannot silently switch the CUDA build"
                    )
                elif label:
                    advice = f"name the variant, e.g. `--index-url https://download.pytorch.org/whl/{label}`"
                elif install.version and _torch_release(install.version):
                    advice = (
                        f"this torch release has no CUDA {system.major} build: upgrade torch, then name its variant"
                    )
                else:
                    advice = (
                        f"name the CUDA {system.major} variant (`--index-url https://download.pytorch.org/whl/cuXYZ`)"
                    )
                yield self.problem(install.at, f"{head}: {advice}")


def _torch_release(version: str) -> object:
    from .. import knowledge as kb

    return kb.torch_release(version)


# ---------------------------------------------------------------------------------------------------------
# ML507


class EolCudaImage(Rule):
    """The nvidia/cuda base image is a CUDA release whose images are end-of-life."""

    id = "ML507"
    name = "eol-cuda-image"
    severity = Severity.WARNING
    summary = "the CUDA base image is an end-of-life CUDA release (its tags are deleted from the registry)"
    tags = ("gpu", "reproducibility")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        from .. import knowledge as kb
        from ..facts import base_facts, needed_stages

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


# ---------------------------------------------------------------------------------------------------------
# ML508


def _python_advice(package: str, python: tuple[int, ...]) -> str:
    from .. import knowledge as kb

    rows: list[tuple[str, str, str, bool]]
    if package == "torch":
        rows = [(r.torch, r.python_min, r.python_max, r.verified) for r in kb.torch_releases()]
    else:
        rows = [(r.tensorflow, r.python_min, r.python_max, r.verified) for r in kb.tensorflow_releases()]
    fitting = [
        name
        for name, low, high, verified in rows
        if verified and (kb.version_tuple(low) or ()) <= python <= (kb.version_tuple(high) or (99,))
    ]
    if not fitting:
        return ""
    return f" or {package} {fitting[0]}–{fitting[-1]}"


class PythonWithoutWheels(Rule):
    """The Python of the image has no wheels for the pinned framework release."""

    id = "ML508"
    name = "python-without-wheels"
    severity = Severity.ERROR
    summary = "the image's Python version has no wheels for a pinned framework version"
    tags = ("gpu", "build")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        from .. import knowledge as kb
        from ..facts import facts_for, needed_stages, python_for

        needed = needed_stages(ctx.dockerfile, ctx.shipped_indexes)
        for facts in facts_for(ctx):
            if facts.stage.index not in needed:
                continue
            for install in _definite(facts.installs):
                if not install.version or install.tool == "conda":
                    continue
                if install.package == "torch":
                    row = kb.torch_release(install.version)
                    line = row.torch if row else ""
                elif install.package in ("tensorflow", "tensorflow-gpu", "tensorflow-cpu"):
                    row = kb.tensorflow_release(install.version)  # type: ignore[assignment]
                    line = row.tensorflow if row else ""  # type: ignore[union-attr]
                else:
                    continue
                found = python_for(facts, install)
                if row is None or not row.verified or found is None or not row.python_min or not row.python_max:
                    continue
                python, origin = found
                version = kb.version_tuple(python)
                low, high = kb.version_tuple(row.python_min), kb.version_tuple(row.python_max)
                if version is None or low is None or high is None or low <= version[:2] <= high:
                    continue
                yield self.problem(
                    install.at,
                    f"{_what(install, ctx)}: {install.package} {line} publishes wheels for Python "
                    f"{row.python_min}–{row.python_max} only, but Python here is {python} ({origin}), so the "
                    f"install fails: use Python {row.python_min}–{row.python_max}"
                    f"{_python_advice(install.package, version[:2])}",
                )


RULES: list[type[Rule]] = [
    CudaVersionMismatch,
    CudaMinorTooNew,
    GpuFrameworkOnCpuBase,
    CudaBaseCpuFramework,
    CudnnMissing,
    TorchCudaVariantUnspecified,
    EolCudaImage,
    PythonWithoutWheels,
]
