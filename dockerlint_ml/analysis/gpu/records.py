"""The fact records: a CUDA version (``Cuda``), what a base image provides (``BaseFacts``), one package install
with the CUDA build it selects (``Install``), a Python version seen (``PythonFact``) and everything known about
one stage (``StageFacts``). Data only, plus the parsers of CUDA version texts and PyTorch variant labels.
"""

from __future__ import annotations

import re

from ...model import Condition, ImageRef, Instruction, ShellCommand, Stage, Word
from ...records import Frozen, Record, setfield

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any


class Cuda(Frozen):
    """A CUDA version and where it comes from. ``minor`` is None when only the major is known (``12.x``)."""

    _fields = ("version", "major", "minor", "source", "verified")
    __slots__ = _fields
    version: str
    major: int
    minor: int | None
    source: str
    verified: bool

    def __init__(self, version: str, major: int, minor: int | None, source: str, verified: bool = True) -> None:
        setfield(self, "version", version)
        setfield(self, "major", major)
        setfield(self, "minor", minor)
        setfield(self, "source", source)
        setfield(self, "verified", verified)

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


class BaseFacts(Frozen):
    """What the image a stage is built on provides (through ``FROM <stage>`` chains)."""

    _fields = ("image", "root_stage", "kind", "cuda", "cudnn", "flavor", "os", "python", "frameworks")
    __slots__ = _fields
    image: ImageRef | None
    root_stage: int | None  # the stage whose FROM names the image
    kind: str | None  # nvidia-cuda | pytorch | ngc | tensorflow | cpu | None (unknown image)
    cuda: Cuda | None
    cudnn: str | None  # "8", "9", "yes" (present, major unknown), "no", or None (unknown)
    flavor: str | None  # base | runtime | devel
    os: tuple[str, str] | None  # ("ubuntu", "22.04"), ("debian", "bookworm"), ("rhel", "8") ...
    python: str | None  # "3.11" for python:3.11-slim
    frameworks: tuple[str, ...]  # GPU frameworks the image ships (pytorch/pytorch -> torch)

    def __init__(
        self,
        image: ImageRef | None,
        root_stage: int | None,
        kind: str | None = None,
        cuda: Cuda | None = None,
        cudnn: str | None = None,
        flavor: str | None = None,
        os: tuple[str, str] | None = None,
        python: str | None = None,
        frameworks: tuple[str, ...] = (),
    ) -> None:
        setfield(self, "image", image)
        setfield(self, "root_stage", root_stage)
        setfield(self, "kind", kind)
        setfield(self, "cuda", cuda)
        setfield(self, "cudnn", cudnn)
        setfield(self, "flavor", flavor)
        setfield(self, "os", os)
        setfield(self, "python", python)
        setfield(self, "frameworks", frameworks)

    @property
    def has_no_cuda(self) -> bool:
        """The image is known to ship no CUDA at all."""
        return self.kind == "cpu"

    @property
    def reference(self) -> str:
        return self.image.raw if self.image is not None else "?"


class Install(Frozen):
    """One package a pip/uv/conda command installs, with the CUDA build it selects."""

    _fields = (
        "package",
        "spec",
        "tool",
        "stage",
        "instruction",
        "command",
        "at",
        "version",
        "local",
        "extras",
        "via",
        "index_urls",
        "extra_index_urls",
        "find_links",
        "build",
        "cuda",
        "reason",
        "system_cuda",
        "system_cudnn",
        "cudnn_major",
        "pip_cuda_libs",
        "minor_matters",
        "plain_pypi",
        "python",
        "python_source",
        "copied_from",
        "location",
        "maybe",
        "branches",
    )
    __slots__ = _fields
    package: str  # normalized name
    spec: str  # the requirement as written (``torch==2.1.0+cu118``)
    tool: str  # pip | uv | conda
    stage: int
    instruction: Instruction
    command: ShellCommand
    at: Word | ShellCommand  # where findings point
    version: str | None  # exact (``==``) version without local label; ``2.1.*`` kept as is
    local: str | None  # ``cu118``, ``cpu``, ``cuda12.cudnn89``
    extras: tuple[str, ...]
    via: str | None  # the requirements file (context path) it came from
    index_urls: tuple[str, ...]
    extra_index_urls: tuple[str, ...]
    find_links: tuple[str, ...]
    # inferred
    build: str | None  # "cuda" | "cpu" | None (unknown / not a framework)
    cuda: Cuda | None
    reason: str  # how the CUDA build was decided
    system_cuda: bool | None  # loads the system CUDA libraries
    system_cudnn: bool | None  # loads the system cuDNN
    cudnn_major: int | None
    pip_cuda_libs: bool  # brings CUDA/cuDNN as nvidia-* pip packages
    minor_matters: bool  # needs at least its CUDA minor from the system (ML502)
    plain_pypi: bool  # torch from PyPI with no variant selected (ML506)
    python: str | None  # the Python this install runs with, when known
    python_source: str
    copied_from: int | None  # set on installs carried into another stage by COPY --from
    location: str | None  # the environment it went into (``/opt/venv``, a --target dir); None: unknown
    maybe: bool  # inside a shell conditional that may not run it: no rule rests on it
    branches: tuple[Condition, ...]  # the shell conditionals (outermost first) the command runs in

    def __init__(
        self,
        package: str,
        spec: str,
        tool: str,
        stage: int,
        instruction: Instruction,
        command: ShellCommand,
        at: Word | ShellCommand,
        version: str | None = None,
        local: str | None = None,
        extras: tuple[str, ...] = (),
        via: str | None = None,
        index_urls: tuple[str, ...] = (),
        extra_index_urls: tuple[str, ...] = (),
        find_links: tuple[str, ...] = (),
        build: str | None = None,
        cuda: Cuda | None = None,
        reason: str = "",
        system_cuda: bool | None = None,
        system_cudnn: bool | None = None,
        cudnn_major: int | None = None,
        pip_cuda_libs: bool = False,
        minor_matters: bool = False,
        plain_pypi: bool = False,
        python: str | None = None,
        python_source: str = "",
        copied_from: int | None = None,
        location: str | None = None,
        maybe: bool = False,
        branches: tuple[Condition, ...] = (),
    ) -> None:
        setfield(self, "package", package)
        setfield(self, "spec", spec)
        setfield(self, "tool", tool)
        setfield(self, "stage", stage)
        setfield(self, "instruction", instruction)
        setfield(self, "command", command)
        setfield(self, "at", at)
        setfield(self, "version", version)
        setfield(self, "local", local)
        setfield(self, "extras", extras)
        setfield(self, "via", via)
        setfield(self, "index_urls", index_urls)
        setfield(self, "extra_index_urls", extra_index_urls)
        setfield(self, "find_links", find_links)
        setfield(self, "build", build)
        setfield(self, "cuda", cuda)
        setfield(self, "reason", reason)
        setfield(self, "system_cuda", system_cuda)
        setfield(self, "system_cudnn", system_cudnn)
        setfield(self, "cudnn_major", cudnn_major)
        setfield(self, "pip_cuda_libs", pip_cuda_libs)
        setfield(self, "minor_matters", minor_matters)
        setfield(self, "plain_pypi", plain_pypi)
        setfield(self, "python", python)
        setfield(self, "python_source", python_source)
        setfield(self, "copied_from", copied_from)
        setfield(self, "location", location)
        setfield(self, "maybe", maybe)
        setfield(self, "branches", branches)

    @property
    def label(self) -> str:
        return self.spec


class PythonFact(Frozen):
    _fields = ("version", "source", "line")
    __slots__ = _fields
    version: str
    source: str
    line: int

    def __init__(self, version: str, source: str, line: int) -> None:
        setfield(self, "version", version)
        setfield(self, "source", source)
        setfield(self, "line", line)


class StageFacts(Record):
    _fields = (
        "stage",
        "base",
        "shipped",
        "apt_cuda",
        "cudnn_sources",
        "maybe_cudnn",
        "maybe_cuda",
        "pythons",
        "installs",
        "copied",
        "opaque",
        "compiles_cuda",
    )
    stage: Stage
    base: BaseFacts
    shipped: bool
    apt_cuda: list[tuple[Cuda | None, Word]]  # None version: distro CUDA
    cudnn_sources: list[str]
    maybe_cudnn: list[str]  # cuDNN installs inside a shell conditional
    maybe_cuda: list[str]  # CUDA apt installs inside a shell conditional
    pythons: list[PythonFact]
    installs: list[Install]
    copied: list[Install]
    opaque: list[str]  # installs whose packages cannot be seen
    compiles_cuda: bool

    def __init__(
        self,
        stage: Stage,
        base: BaseFacts,
        shipped: bool = False,
        apt_cuda: list[tuple[Cuda | None, Word]] | None = None,
        cudnn_sources: list[str] | None = None,
        maybe_cudnn: list[str] | None = None,
        maybe_cuda: list[str] | None = None,
        pythons: list[PythonFact] | None = None,
        installs: list[Install] | None = None,
        copied: list[Install] | None = None,
        opaque: list[str] | None = None,
        compiles_cuda: bool = False,
    ) -> None:
        self.stage = stage
        self.base = base
        self.shipped = shipped
        self.apt_cuda = [] if apt_cuda is None else apt_cuda
        self.cudnn_sources = [] if cudnn_sources is None else cudnn_sources
        self.maybe_cudnn = [] if maybe_cudnn is None else maybe_cudnn
        self.maybe_cuda = [] if maybe_cuda is None else maybe_cuda
        self.pythons = [] if pythons is None else pythons
        self.installs = [] if installs is None else installs
        self.copied = [] if copied is None else copied
        self.opaque = [] if opaque is None else opaque
        self.compiles_cuda = compiles_cuda

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

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
    return install.replace(**changes)
