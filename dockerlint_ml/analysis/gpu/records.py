"""The fact records: a CUDA version (``Cuda``), what a base image provides (``BaseFacts``), one package install
with the CUDA build it selects (``Install``), a Python version seen (``PythonFact``) and everything known about
one stage (``StageFacts``). Data only, plus the parsers of CUDA version texts and PyTorch variant labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from ...model import Condition, ImageRef, Instruction, ShellCommand, Stage, Word


@dataclass(frozen=True)
class Cuda:
    """A CUDA version and where it comes from. ``minor`` is None when only the major is known (``12.x``)."""

    version: str
    major: int
    minor: int | None
    source: str
    verified: bool = True

    @property
    def short(self) -> str:
        return f"{self.major}.{self.minor}" if self.minor is not None else f"{self.major}.x"


def cuda_of(text: str | None, source: str, verified: bool = True) -> Cuda | None:
    """``"12.1.0"`` / ``"12.1"`` / ``"12.x"`` -> Cuda."""
    if not text:
        return None
    match = re.match(r"(\d+)(?:\.(\d+|x))?", text)
    if not match:
        return None
    minor = match.group(2)
    return Cuda(text, int(match.group(1)), int(minor) if minor and minor != "x" else None, source, verified)


def cuda_of_label(label: str, source: str) -> Cuda | None:
    """A PyTorch variant label: ``cu118`` -> 11.8, ``cu92`` -> 9.2, ``cu130`` -> 13.0."""
    match = re.fullmatch(r"cu(\d)(\d)|cu(\d\d)(\d+)", label.lower())
    if not match:
        return None
    major, minor = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return Cuda(f"{int(major)}.{int(minor)}", int(major), int(minor), source)


@dataclass(frozen=True)
class BaseFacts:
    """What the image a stage is built on provides (through ``FROM <stage>`` chains)."""

    image: ImageRef | None
    root_stage: int | None  # the stage whose FROM names the image
    kind: str | None = None  # nvidia-cuda | pytorch | ngc | tensorflow | cpu | None (unknown image)
    cuda: Cuda | None = None
    cudnn: str | None = None  # "8", "9", "yes" (present, major unknown), "no", or None (unknown)
    flavor: str | None = None  # base | runtime | devel
    os: tuple[str, str] | None = None  # ("ubuntu", "22.04"), ("debian", "bookworm"), ("rhel", "8") ...
    python: str | None = None  # "3.11" for python:3.11-slim
    frameworks: tuple[str, ...] = ()  # GPU frameworks the image ships (pytorch/pytorch -> torch)

    @property
    def has_no_cuda(self) -> bool:
        """The image is known to ship no CUDA at all."""
        return self.kind == "cpu"

    @property
    def reference(self) -> str:
        return self.image.raw if self.image is not None else "?"


@dataclass(frozen=True)
class Install:
    """One package a pip/uv/conda command installs, with the CUDA build it selects."""

    package: str  # normalized name
    spec: str  # the requirement as written (``torch==2.1.0+cu118``)
    tool: str  # pip | uv | conda
    stage: int
    instruction: Instruction
    command: ShellCommand
    at: Word | ShellCommand  # where findings point
    version: str | None = None  # exact (``==``) version without local label; ``2.1.*`` kept as is
    local: str | None = None  # ``cu118``, ``cpu``, ``cuda12.cudnn89``
    extras: tuple[str, ...] = ()
    via: str | None = None  # the requirements file (context path) it came from
    index_urls: tuple[str, ...] = ()
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    # inferred
    build: str | None = None  # "cuda" | "cpu" | None (unknown / not a framework)
    cuda: Cuda | None = None
    reason: str = ""  # how the CUDA build was decided
    system_cuda: bool | None = None  # loads the system CUDA libraries
    system_cudnn: bool | None = None  # loads the system cuDNN
    cudnn_major: int | None = None
    pip_cuda_libs: bool = False  # brings CUDA/cuDNN as nvidia-* pip packages
    minor_matters: bool = False  # needs at least its CUDA minor from the system (ML502)
    plain_pypi: bool = False  # torch from PyPI with no variant selected (ML506)
    python: str | None = None  # the Python this install runs with, when known
    python_source: str = ""
    copied_from: int | None = None  # set on installs carried into another stage by COPY --from
    location: str | None = None  # the environment it went into (``/opt/venv``, a --target dir); None: unknown
    maybe: bool = False  # inside a shell conditional that may not run it: no rule rests on it
    branches: tuple[Condition, ...] = ()  # the shell conditionals (outermost first) the command runs in

    @property
    def label(self) -> str:
        return self.spec


@dataclass(frozen=True)
class PythonFact:
    version: str
    source: str
    line: int


@dataclass
class StageFacts:
    stage: Stage
    base: BaseFacts
    shipped: bool = False
    apt_cuda: list[tuple[Cuda | None, Word]] = field(default_factory=list)  # None version: distro CUDA
    cudnn_sources: list[str] = field(default_factory=list)
    maybe_cudnn: list[str] = field(default_factory=list)  # cuDNN installs inside a shell conditional
    maybe_cuda: list[str] = field(default_factory=list)  # CUDA apt installs inside a shell conditional
    pythons: list[PythonFact] = field(default_factory=list)
    installs: list[Install] = field(default_factory=list)
    copied: list[Install] = field(default_factory=list)
    opaque: list[str] = field(default_factory=list)  # installs whose packages cannot be seen
    compiles_cuda: bool = False

    @property
    def all_installs(self) -> list[Install]:
        return self.installs + self.copied

    @property
    def system_cuda(self) -> Cuda | None:
        """The CUDA the system provides: the base image's, else a single version installed by apt."""
        if self.base.cuda is not None:
            return self.base.cuda
        versions = {c.short for c, _ in self.apt_cuda if c is not None}
        if len(versions) == 1 and all(c is not None for c, _ in self.apt_cuda):
            return self.apt_cuda[0][0]
        return None

    @property
    def has_any_cuda(self) -> bool | None:
        """True when some CUDA is present (base, apt, conda or pip); False when known absent; None unknown."""
        if self.base.cuda is not None or self.base.kind in ("nvidia-cuda", "pytorch", "ngc") or self.apt_cuda:
            return True
        if any(i.pip_cuda_libs or i.package in CONDA_CUDA for i in self.all_installs):
            return True
        if self.base.has_no_cuda and not self.opaque and not self.maybe_cuda:
            return False
        return None

    @property
    def has_cudnn(self) -> bool | None:
        if self.base.cudnn not in (None, "no") or self.cudnn_sources:
            return True
        if any(i.pip_cuda_libs for i in self.all_installs):
            return True
        if self.base.cudnn == "no" and not self.opaque and not self.maybe_cudnn:
            return False
        return None


CONDA_CUDA = frozenset({"pytorch-cuda", "cudatoolkit", "cuda-version", "cuda-toolkit", "cuda-runtime", "cuda"})


def _set(install: Install, **changes: Any) -> Install:
    return replace(install, **changes)
