"""What a Dockerfile's stages contain, inferred from the model: base image facts, system CUDA/cuDNN, Python,
and every framework install with the CUDA build it selects.

The GPU rules (ML5xx) and ``mllint --facts`` read these facts; nothing here re-parses Dockerfile text (shell
commands come from the model's ``ShellCommand.invocation``). Requirements files are read only through the
build context object, when the Dockerfile ``COPY``s (or bind-mounts) them in. Anything that cannot be told
(an unknown image, an unpinned version, an ARG without default) is left as None: unknown is not bad.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any

from . import knowledge as kb
from .images import full_name
from .model import Condition, Dockerfile, ImageRef, Instruction, ShellCommand, Stage, Word
from .text import expand

# ---------------------------------------------------------------------------------------------------------
# Data


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


# ---------------------------------------------------------------------------------------------------------
# Base images

_CPU_REPOSITORIES = frozenset(
    {
        "python", "debian", "ubuntu", "alpine", "buildpack-deps", "centos", "fedora", "amazonlinux", "rockylinux",
        "almalinux", "continuumio/miniconda3", "continuumio/anaconda3", "continuumio/miniconda",
        "mambaorg/micromamba", "condaforge/miniforge3", "condaforge/mambaforge", "redhat/ubi8", "redhat/ubi9",
        "redhat/ubi8-minimal", "redhat/ubi9-minimal", "rockylinux/rockylinux", "opensuse/leap",
    }
)  # fmt: skip
_DEBIAN = {"stretch": "9", "buster": "10", "bullseye": "11", "bookworm": "12", "trixie": "13", "jessie": "8"}
_UBUNTU_CODENAMES = frozenset({"trusty", "xenial", "bionic", "focal", "jammy", "noble", "lunar", "mantic", "oracular"})


def _os_of_tag(repository: str, tag: str | None) -> tuple[str, str] | None:
    tokens = (tag or "").lower().split("-")
    name = repository.rsplit("/", 1)[-1]
    if repository in ("debian", "python", "buildpack-deps") or name == "python":
        for token in tokens:
            if token in _DEBIAN:
                return "debian", token
            if token.startswith("alpine") and re.fullmatch(r"alpine\d+\.\d+", token):
                return "alpine", token.removeprefix("alpine")
        if repository == "debian" and tokens and re.fullmatch(r"\d+(?:\.\d+)?", tokens[0]):
            return "debian", tokens[0].split(".")[0]
        return None
    if repository == "ubuntu":
        first = tokens[0] if tokens else ""
        if re.fullmatch(r"\d\d\.\d\d", first) or first in _UBUNTU_CODENAMES:
            return "ubuntu", first
        return None
    if repository == "centos":
        match = re.fullmatch(r"(?:centos)?(\d+)(?:\.[\d.]+)?", tokens[0] if tokens else "")
        return ("centos", match.group(1)) if match else None
    if repository == "alpine":
        match = re.fullmatch(r"(\d+\.\d+)(?:\.\d+)?", tokens[0] if tokens else "")
        return ("alpine", match.group(1)) if match else None
    match = re.search(r"(?:^|/)ubi(\d+)(?:/|-|$)", repository)
    if match:
        return "rhel", match.group(1)
    return None


def _os_of_cuda_tag(os_text: str) -> tuple[str, str] | None:
    match = re.fullmatch(r"(ubuntu|ubi|centos|rockylinux)(\d+(?:\.\d+)?)", os_text)
    if not match:
        return None
    product = {"ubi": "rhel"}.get(match.group(1), match.group(1))
    return (product, match.group(2)) if product in ("ubuntu", "rhel", "centos") else None


def base_facts(image: ImageRef | None, root_stage: int | None) -> BaseFacts:
    if image is None or not image.resolved or image.is_scratch:
        return BaseFacts(image, root_stage)
    name, tag = full_name(image), image.tag
    if name in _CPU_REPOSITORIES or name.startswith(("gcr.io/distroless/", "registry.access.redhat.com/ubi")):
        python = None
        if image.name == "python" and tag:
            match = re.match(r"(\d+\.\d+)", tag)
            python = match.group(1) if match else None
        return BaseFacts(image, root_stage, "cpu", cudnn="no", os=_os_of_tag(name, tag), python=python)
    if not ("cuda" in name or name.startswith("nvcr.io/") or name in ("pytorch/pytorch", "tensorflow/tensorflow")):
        return BaseFacts(image, root_stage)  # not a GPU image family: no need to load the knowledge files
    if name in kb.nvidia_cuda_repositories():
        parsed = kb.nvidia_cuda_tag(tag)
        if parsed is not None:
            cudnn = "no"
            if parsed.cudnn:
                major = kb.cudnn_major_of_tag(parsed.cuda, parsed.cudnn)
                cudnn = str(major) if major else "yes"
            return BaseFacts(
                image,
                root_stage,
                "nvidia-cuda",
                cuda_of(parsed.cuda, "nvidia/cuda image tag"),
                cudnn,
                parsed.flavor,
                _os_of_cuda_tag(parsed.os),
            )
        loose = re.match(r"(\d+\.\d+(?:\.\d+)?)(?:-|$)", tag or "")
        return BaseFacts(
            image, root_stage, "nvidia-cuda", cuda_of(loose.group(1), "nvidia/cuda image tag") if loose else None
        )
    if name == "pytorch/pytorch":
        parsed_torch = kb.pytorch_image_tag(tag)
        if parsed_torch is None:
            return BaseFacts(image, root_stage)
        return BaseFacts(
            image,
            root_stage,
            "pytorch",
            cuda_of(parsed_torch.cuda, "pytorch/pytorch image tag"),
            parsed_torch.cudnn,
            parsed_torch.flavor,
            frameworks=("torch",),
        )
    if name in kb.ngc_repositories():
        release = kb.ngc_release(tag)
        container = name.rsplit("/", 1)[-1]
        frameworks = {"pytorch": ("torch",), "tensorflow": ("tensorflow",)}.get(container, ("tritonserver",))
        if release is None:
            return BaseFacts(image, root_stage, "ngc", frameworks=frameworks)
        verified = release.verified and release.checked_container == container
        source = f"NGC release {release.release} (checked on the {release.checked_container} container)"
        return BaseFacts(
            image, root_stage, "ngc", cuda_of(release.cuda, source, verified), "yes", frameworks=frameworks
        )
    if name == "tensorflow/tensorflow":
        if tag and re.search(r"(?:^|-)gpu(?:-|$)", tag):
            tf = kb.tensorflow_gpu_image(tag)
            cuda = (
                cuda_of(tf.cuda, f"tested CUDA of tensorflow {tf.tensorflow} (image tag rule)", False) if tf else None
            )
            return BaseFacts(image, root_stage, "tensorflow", cuda, "yes" if tf else None, frameworks=("tensorflow",))
        if tag is None or tag == "latest" or re.fullmatch(r"\d+\.\d+\.\d+(?:-jupyter)?", tag):
            return BaseFacts(image, root_stage, "cpu")
        return BaseFacts(image, root_stage)
    return BaseFacts(image, root_stage)


# ---------------------------------------------------------------------------------------------------------
# Requirements

_REQUIREMENT = re.compile(
    r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[(?P<extras>[^\]]*)\])?\s*(?P<spec>[^;]*)"
)
_PYTORCH_INDEX = re.compile(r"download\.pytorch\.org/whl/(?:nightly/|test/)?(cu\d+|cpu|rocm[\d.]+)(?:/|$)")


def parse_requirement(text: str) -> tuple[str, tuple[str, ...], str | None, str | None] | None:
    """``"jax[cuda12]==0.4.30"`` -> (``jax``, (``cuda12``,), ``0.4.30``, None); None for paths and URLs."""
    text = text.strip()
    if not text or "/" in text or "\\" in text or "://" in text or text.endswith((".whl", ".tar.gz", ".zip")):
        return None
    match = _REQUIREMENT.match(text)
    spec_text = match.group("spec").strip() if match else ""
    if not match or (spec_text and not re.match(r"(?:[=<>~!]|@)", spec_text)):
        return None
    extras = tuple(kb.normalize(e.strip()) for e in (match.group("extras") or "").split(",") if e.strip())
    spec = match.group("spec").strip()
    version = local = None
    exact = re.fullmatch(r"===?\s*([^\s,]+)", spec)
    compatible = re.fullmatch(r"~=\s*(\d+\.\d+)\.\d+", spec)
    if exact:
        version, _, local = exact.group(1).partition("+")
        local = local or None
    elif compatible:
        version = compatible.group(1) + ".*"
    return kb.normalize(match.group("name")), extras, version, local


def _split_conda_spec(text: str) -> tuple[str, str | None] | None:
    text = text.strip().strip("'\"").split("::")[-1]
    match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:(==?)\s*([0-9][^=\s,]*))?(?:=[^\s]*)?", text)
    if not match:
        return None
    return kb.normalize(match.group(1)), match.group(3)


# ---------------------------------------------------------------------------------------------------------
# Install resolution: which CUDA build does an install select?

_TORCH_FAMILY = frozenset({"torch", "torchvision", "torchaudio"})
_PYPI = ("https://pypi.org/simple", "https://pypi.python.org/simple")


def _variant_of_urls(urls: Sequence[str]) -> str | None:
    for url in urls:
        match = _PYTORCH_INDEX.search(url)
        if match:
            return match.group(1)
    return None


def _set(install: Install, **changes: Any) -> Install:
    return replace(install, **changes)


def _resolve_torch(install: Install, backend: str | None) -> Install:
    release = kb.torch_release(install.version) if install.version else None
    local = (install.local or "").lower()
    verified = release.verified if release else True
    if local.startswith("cu"):
        cuda = cuda_of_label(local, f"local version +{local}")
        return _set(install, build="cuda", cuda=cuda, reason=f"local version `+{local}`", pip_cuda_libs=True)
    if local == "cpu":
        return _set(install, build="cpu", reason="local version `+cpu`")
    if local:
        return _set(install, reason=f"local version `+{local}`")
    for label, origin in (
        (backend, "uv --torch-backend"),
        (_variant_of_urls(install.index_urls), "index URL"),
    ):
        if label and label.lower() != "auto":
            return _torch_label(install, label, f"{origin} `{label}`")
    extra = _variant_of_urls(install.extra_index_urls + install.find_links)
    if extra:
        if release is not None and extra.startswith("cu"):
            wanted = cuda_of_label(extra, "")
            if wanted is not None and wanted.short not in release.cuda_variants and install.package == "torch":
                # the extra index has no build of this release: pip takes the PyPI wheel
                return _torch_pypi(install, release, f"no `{extra}` build of torch {release.torch}; PyPI wheel")
        return _torch_label(install, extra, f"extra index `{extra}`")
    if any("download.pytorch.org" in url for url in install.find_links):
        return _set(
            install, build="cuda" if install.package == "torch" else None, reason="find-links page, variant unknown"
        )
    urls = install.index_urls + install.extra_index_urls + install.find_links
    unresolved = next((url for url in urls if "$" in url), None)
    if unresolved:
        return _set(install, reason=f"index `{unresolved}` not known here, variant unknown")
    if any(not url.startswith(_PYPI) for url in urls):
        return _set(install, reason="private index, variant unknown")
    if install.package != "torch":
        return install
    if release is None:
        return _set(install, build="cuda", plain_pypi=True, pip_cuda_libs=True, reason="PyPI, version not in the table")
    return _torch_pypi(install, release, f"PyPI default for torch {release.torch}", verified)


def _torch_label(install: Install, label: str, reason: str) -> Install:
    if label.lower() == "cpu":
        return _set(install, build="cpu", reason=reason)
    cuda = cuda_of_label(label, reason)
    if cuda is None:
        return _set(install, reason=reason)
    return _set(install, build="cuda", cuda=cuda, reason=reason, pip_cuda_libs=True)


def _torch_pypi(install: Install, release: kb.TorchRelease, reason: str, verified: bool = True) -> Install:
    cuda = cuda_of(release.pypi_linux_default_cuda, reason, release.verified and verified)
    return _set(install, build="cuda", cuda=cuda, reason=reason, pip_cuda_libs=cuda is not None, plain_pypi=True)


_MAYBE_GPU_PACKAGE = re.compile(r"cuda|cupy|tensorrt|^nvidia-|^paddlepaddle-gpu$")


def _resolve(install: Install, backend: str | None) -> Install:
    name = install.package
    if name in _TORCH_FAMILY:
        return _resolve_torch(install, backend)
    if name in ("tensorflow", "tensorflow-gpu", "tf-nightly"):
        release = kb.tensorflow_release(install.version) if install.version else None
        parts = kb.version_tuple(install.version) or (99,)
        if name == "tensorflow" and parts < (2, 1):
            return install  # tensorflow < 2.1 on PyPI was the CPU build
        and_cuda = "and-cuda" in install.extras and parts >= (kb.version_tuple(kb.tensorflow_and_cuda_since()) or ())
        cuda = (
            cuda_of(release.cuda, f"tested CUDA of tensorflow {release.tensorflow}", release.verified)
            if release
            else None
        )
        return _set(
            install,
            build="cuda",
            cuda=cuda,
            reason="tensorflow tested build configuration" + (" with [and-cuda]" if and_cuda else ""),
            system_cuda=not and_cuda,
            system_cudnn=not and_cuda,
            pip_cuda_libs=and_cuda,
            minor_matters=not and_cuda,
            cudnn_major=kb.version_tuple(release.cudnn)[0] if release and release.cudnn else None,
        )
    if name in ("tensorflow-cpu", "onnxruntime", "paddlepaddle", "jax-cpu"):
        return _set(install, build="cpu", reason=f"`{name}` is the CPU build")
    if name == "onnxruntime-gpu":
        ort = kb.onnxruntime_cuda(install.version) if install.version else None
        pip_libs = bool({"cuda", "cudnn"} & set(install.extras))
        cuda = (
            cuda_of(ort.cuda, f"onnxruntime-gpu {ort.min_version}-{ort.max_version} PyPI build", ort.verified)
            if ort
            else None
        )
        return _set(
            install,
            build="cuda",
            cuda=cuda,
            reason="onnxruntime CUDA execution provider requirements" if ort else "version unknown",
            system_cuda=not pip_libs,
            system_cudnn=not pip_libs,
            pip_cuda_libs=pip_libs,
            cudnn_major=ort.cudnn_major if ort else None,
        )
    if name == "jax":
        for extra in install.extras:
            found = kb.jax_extra(extra, install.version)
            if found is not None:
                return _set(
                    install,
                    build="cuda",
                    cuda=Cuda(f"{found.cuda_major}.x", found.cuda_major, None, f"jax[{extra}]", found.verified),
                    reason=f"extra `[{extra}]`",
                    system_cuda=found.needs_system_cuda,
                    pip_cuda_libs=found.cuda_from_pip,
                )
            if extra.startswith(("cuda", "tpu")):
                return _set(install, reason=f"extra `[{extra}]` not in the table")
        return _set(install, build="cpu", reason="jax without a CUDA extra installs the CPU jaxlib")
    if name == "jaxlib":
        match = re.match(r"cuda(\d+)", install.local or "")
        if match:
            major = int(match.group(1))
            return _set(
                install,
                build="cuda",
                cuda=Cuda(f"{major}.x", major, None, f"+{install.local}"),
                system_cuda=True,
                reason=f"local version `+{install.local}`",
            )
        return install
    if not _MAYBE_GPU_PACKAGE.search(name):
        return install  # numpy, fastapi, ...: no need to load the package tables
    plugin = kb.jax_plugin_cuda_major(name)
    if plugin is not None:
        pip_libs = "with-cuda" in install.extras
        return _set(
            install,
            build="cuda",
            cuda=Cuda(f"{plugin}.x", plugin, None, name),
            system_cuda=not pip_libs,
            pip_cuda_libs=pip_libs,
            reason="package name",
        )
    cupy = kb.cupy_cuda(name)
    if cupy is not None:
        major, minor = cupy
        text = f"{major}.{minor}" if minor is not None else f"{major}.x"
        return _set(
            install,
            build="cuda",
            cuda=Cuda(text, major, minor, name, True),
            system_cuda=True,
            minor_matters=minor is not None,
            reason="package name",
        )
    trt = kb.tensorrt_cuda_major(name)
    if trt is not None:
        return _set(install, build="cuda", cuda=Cuda(f"{trt}.x", trt, None, name), reason="package name")
    if name == "paddlepaddle-gpu":
        return _set(install, build="cuda", system_cuda=True, reason="GPU-only package")
    nvidia = kb.nvidia_pip_cuda_major(name)
    if nvidia is not None or name.startswith("nvidia-cud"):
        return _set(install, pip_cuda_libs=True, reason="NVIDIA CUDA library from pip")
    return install


# ---------------------------------------------------------------------------------------------------------
# Commands -> installs


Scope = Mapping[str, "str | None"]


def _env_values(scope: Scope, command: ShellCommand, *names: str) -> list[str]:
    """Values of environment variables (the command's own ``A=1 cmd`` assignments first), variables in them
    expanded where known and kept as written where not (``$TORCH_BACKEND`` stays ``$TORCH_BACKEND``)."""
    merged = dict(scope)
    merged.update(command.assignments)
    values: list[str] = []
    for name in names:
        value = merged.get(name)
        if value:
            values.extend(expand(value, scope)[0].split())
    return values


def _expanded(word: Word, scope: Scope) -> str | None:
    if not word.has_expansion:
        return word.text
    text, resolved = expand(word.text, scope)
    return text if resolved else None


def _values(command: ShellCommand, scope: Scope, *names: str, keep_unresolved: bool = False) -> list[str]:
    """Option values with variables expanded; a value with an unknown variable is skipped, or kept as written
    (``https://download.pytorch.org/whl/cu${CUDA}``: an index is named, its variant unknown) with keep_unresolved."""
    assert command.invocation is not None
    found = []
    for option in command.invocation.options:
        if option.name in names and option.value is not None:
            value = _expanded(option.value, scope)
            if value is None and keep_unresolved:
                value = expand(option.value.text, scope)[0]
            if value:
                found.append(value)
    return found


@dataclass
class _Indexes:
    index: list[str]
    extra: list[str]
    links: list[str]


def _command_indexes(command: ShellCommand, scope: Scope) -> _Indexes:
    uv = command.tool == "uv"
    index = _values(command, scope, "-i", "--index-url", "--default-index", keep_unresolved=True)
    extra = _values(command, scope, "--extra-index-url", "--index", keep_unresolved=True)
    links = _values(command, scope, "-f", "--find-links", keep_unresolved=True)
    if uv:
        index = index or _env_values(scope, command, "UV_INDEX_URL", "UV_DEFAULT_INDEX")
        extra += _env_values(scope, command, "UV_EXTRA_INDEX_URL", "UV_INDEX")
        links += _env_values(scope, command, "UV_FIND_LINKS")
    else:
        index = index or _env_values(scope, command, "PIP_INDEX_URL")
        extra += _env_values(scope, command, "PIP_EXTRA_INDEX_URL")
        links += _env_values(scope, command, "PIP_FIND_LINKS")
    return _Indexes(index, extra, links)


def _python_of_command(command: ShellCommand, scope: Scope) -> str | None:
    match = re.fullmatch(r"(?:python|pip)(\d\.\d+)", command.name)
    if match:
        return match.group(1)
    if command.tool == "uv":
        for value in _values(command, scope, "--python", "-p"):
            found = re.fullmatch(r"(?:python|cpython-?)?(\d\.\d+)(?:\.\d+)?", value)
            if found:
                return found.group(1)
    return None


# ---------------------------------------------------------------------------------------------------------
# Where an install goes (so that ``COPY --from`` can tell whether it copies it)

_ENV_ROOT = re.compile(r"venv|virtualenv|conda|mamba|miniforge|(?:^|/)\.?env(?:s)?(?:/|$)")


def _absolute(path: str, workdir: str) -> str:
    return posixpath.normpath(posixpath.join(workdir, path))


def _env_of_executable(path: str, workdir: str) -> str | None:
    """``/opt/venv/bin/pip`` -> ``/opt/venv``; None for the system interpreter or a bare name."""
    if "/" not in path:
        return None
    directory = posixpath.dirname(_absolute(path, workdir))
    if posixpath.basename(directory) != "bin":
        return None
    root = posixpath.dirname(directory)
    return None if root in ("/", "/usr", "/usr/local") else root


def _env_on_path(scope: Scope, venvs: set[str]) -> str | None:
    """The first Python environment on ``PATH`` (``ENV PATH=/opt/venv/bin:$PATH``)."""
    for entry in (scope.get("PATH") or "").split(":"):
        entry = posixpath.normpath(entry) if entry.startswith("/") else ""
        if posixpath.basename(entry) != "bin":
            continue
        root = posixpath.dirname(entry)
        if root in venvs or (_ENV_ROOT.search(root) and "$" not in root):
            return root
    return None


# Copy sources that carry a Python environment when where pip installed to is unknown: the directory names of
# environments, and the directories that hold them (``/usr/local`` holds ``/usr/local/lib/python3.X``).
_ENV_COPY = re.compile(
    r"site-packages|dist-packages|venv|(?:^|/)\.?env(?:/|$)|/opt/conda|conda|mamba|miniforge|"
    r"^/usr/local/lib/python|^/usr/lib/python|/\.local(?:/|$)"
)
_LIBRARY_DIR = re.compile(r"/lib(?:64)?(?:/python[\d.]*(?:/(?:site|dist)-packages)?)?/?")
_ENV_HOLDERS = frozenset({"/", "/usr", "/usr/local", "/usr/local/lib", "/usr/lib", "/opt", "/root"})


def _carried_location(location: str | None, source: str, destination: str) -> tuple[bool, str | None]:
    """Whether ``COPY --from=<stage> source destination`` copies an install made into ``location``, and where
    the environment is afterwards."""
    if any(c in source for c in "*?["):
        if location is not None and (fnmatchcase(location, source) or fnmatchcase(location, source + "/*")):
            return True, destination
        if location is None and _ENV_COPY.search(source):
            return True, destination
        return False, None
    if location is None:
        if source in _ENV_HOLDERS:
            return True, None
        if _ENV_COPY.search(source) and not re.search(r"-packages/.", source):
            return True, destination
        return False, None
    if location == "~/.local":
        if re.search(r"/\.local(?:/|$)", source):
            return True, destination
        if source in ("/", "/root", "/home") or re.fullmatch(r"/home/[^/]+", source):
            return True, posixpath.join(destination, ".local") if source != "/" else location
        return False, None
    if source == "/":
        return True, posixpath.normpath(posixpath.join(destination, location.lstrip("/")))
    if location == source or location.startswith(source + "/"):
        return True, posixpath.normpath(destination + location[len(source) :])
    if source.startswith(location + "/") and _LIBRARY_DIR.fullmatch(source[len(location) :]):
        return True, destination  # the environment's lib/pythonX.Y/site-packages, not one package inside
    return False, None


class _StageWalker:
    """Collects the facts of one stage's own instructions (and its FROM-ancestors')."""

    def __init__(self, facts: StageFacts, dockerfile: Dockerfile, lineage: list[Stage], build_context: Any) -> None:
        self.facts = facts
        self.dockerfile = dockerfile
        self.lineage = lineage
        self.build_context = build_context
        self.venvs: set[str] = set()  # environments created so far (python -m venv, uv venv, conda create -p)
        self.venvs_without_pip: set[str] = set()  # `uv venv` without `--seed` makes no pip in the environment
        self.workdirs = _copies_along(tuple(lineage))[1]
        self.branched: list[Install] = []  # installs inside shell conditionals

    def run(self) -> None:
        for stage in self.lineage:
            for instruction in stage.instructions:
                if instruction.keyword == "RUN":
                    self._run(stage, instruction)
                elif instruction.keyword in ("COPY", "ADD"):
                    if any("cudnn" in w.text.lower() for w in instruction.arguments[:-1]):
                        self.facts.cudnn_sources.append(f"{instruction.keyword} line {instruction.line}")
                elif instruction.keyword == "ENV":
                    names = {name for name, _value, _word in instruction.pairs()}
                    if names & {"TORCH_CUDA_ARCH_LIST", "FORCE_CUDA"}:
                        self.facts.compiles_cuda = True
        self._settle_branches()

    def _run(self, stage: Stage, instruction: Instruction) -> None:
        workdir = self.workdirs.get(id(instruction), ("/", 0))[0]
        for command in instruction.commands:
            branches = command.conditions
            scope: Scope = instruction.scope
            masked = {name for branch in branches for name in branch.variables}
            if masked:  # inside `if [ -n "$X" ]`, $X is not its ARG default
                scope = {**instruction.scope, **dict.fromkeys(masked)}
            step = _Step(stage, instruction, command, scope, branches, workdir)
            self._command(step)

    def _command(self, step: _Step) -> None:
        command = step.command
        tool, sub = command.tool, command.subcommand
        if command.name == "nvcc":
            self.facts.compiles_cuda = True
        if tool in ("curl", "wget") and any("cudnn" in w.text.lower() for w in command.words[1:]):
            source = f"download line {command.span.line}"
            (self.facts.maybe_cudnn if step.branches else self.facts.cudnn_sources).append(source)
        opaque = (tool in ("conda", "mamba", "micromamba") and sub in ("env create", "env update")) or (
            (tool in ("poetry", "pipenv") and sub in ("install", "sync")) or (tool == "uv" and sub == "sync")
        )
        if tool in ("apt-get", "yum", "dnf", "microdnf") and sub == "install":
            self._os_packages(step)
        elif (tool == "pip" and sub == "install") or (tool == "uv" and sub == "pip install"):
            self._pip(step)
            if command.has_flag("--no-build-isolation"):
                self.facts.compiles_cuda = True
        elif tool in ("conda", "mamba", "micromamba") and sub in ("install", "create", "update"):
            self._conda(step)
        elif opaque:
            self.facts.opaque.append(f"{tool} {sub} (line {command.span.line})")
        elif tool == "uv" and command.invocation is not None:
            self._uv_python(step)
        if tool == "python" and any(w.text == "setup.py" for w in command.words[1:2]):
            self.facts.compiles_cuda = True
        self._venv(step)

    def _venv(self, step: _Step) -> None:
        """Remember environments created: ``python -m venv DIR``, ``virtualenv DIR``, ``uv venv [DIR]``."""
        command = step.command
        invocation = command.invocation
        target: str | None = None
        if (
            command.tool == "python"
            and invocation is not None
            and invocation.values("-m")[:1] in (["venv"], ["virtualenv"])
        ):
            positionals = [w for w in invocation.positionals if not w.text.startswith("-")]
            target = positionals[0].text if positionals else None
        elif command.name == "virtualenv":
            positionals = [w for w in command.words[1:] if not w.text.startswith("-")]
            target = positionals[0].text if positionals else None
        elif command.tool == "uv" and command.subcommand == "venv" and invocation is not None:
            positionals = [w for w in invocation.positionals if not w.text.startswith("-")]
            target = positionals[0].text if positionals else ".venv"
            if not invocation.has_flag("--seed"):
                self.venvs_without_pip.add(_absolute(expand(target, step.scope)[0], step.workdir))
        if target:
            self.venvs.add(_absolute(expand(target, step.scope)[0], step.workdir))

    def _location(self, step: _Step) -> str | None:
        """The environment a pip/uv command installs into, when it can be told."""
        command = step.command
        for names in (("-t", "--target"), ("--prefix",), ("--root",)):
            values = _values(command, step.scope, *names)
            if values:
                return _absolute(values[0], step.workdir)
        if command.has_flag("--user"):
            return "~/.local"
        if command.tool == "uv":
            if command.has_flag("--system"):
                return None
            for value in _values(command, step.scope, "--python", "-p"):
                found = _env_of_executable(value, step.workdir)
                if found is not None:
                    return found
            virtual = _env_values(step.scope, command, "VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")
            if virtual and "$" not in virtual[0]:
                return _absolute(virtual[0], step.workdir)
            if _absolute(".venv", step.workdir) in self.venvs:
                return _absolute(".venv", step.workdir)
        executable = expand(command.words[0].text, step.scope)[0] if command.words else ""
        found = _env_of_executable(executable, step.workdir)
        if found is not None:
            return found
        on_path = _env_on_path(step.scope, self.venvs)
        system_pip = on_path is None or (on_path in self.venvs_without_pip and command.tool == "pip")
        if system_pip and command.tool == "pip" and self._system_python_under_usr_local():
            # `uv venv` seeds no pip, and without a venv `pip` is the system one: it installs under /usr/local
            # (python images, and Debian's pip alike: /usr/local/lib/python3.X/{site,dist}-packages)
            return "/usr/local"
        return on_path

    def _system_python_under_usr_local(self) -> bool:
        """The stage's root image keeps its Python's packages under /usr/local: the official python images, and
        Debian/Ubuntu/CUDA images whose pip is apt's (no conda base that would put pip elsewhere)."""
        image = self.lineage[0].image if self.lineage else None
        if image is None or not image.resolved:
            return False
        return image.name == "python" or image.repository in ("debian", "ubuntu", "nvidia/cuda")

    def _os_packages(self, step: _Step) -> None:
        command = step.command
        assert command.invocation is not None
        maybe = bool(step.branches)
        for word in command.invocation.positionals:
            written = word.text.split("=", 1)[0]
            name = (expand(written, step.scope)[0] if "$" in written else written).lower()
            match = re.fullmatch(
                r"cuda(?:-(?:toolkit|runtime|libraries|libraries-dev|cudart|cudart-dev|nvcc|minimal-build))?-(\d+)-(\d+)",
                name,
            )
            if match or name == "nvidia-cuda-toolkit":
                if maybe:
                    self.facts.maybe_cuda.append(f"`{written}` (line {word.span.line}, in a conditional branch)")
                elif match:
                    cuda = cuda_of(f"{match.group(1)}.{match.group(2)}", f"apt `{written}`")
                    self.facts.apt_cuda.append((cuda, word))
                else:
                    self.facts.apt_cuda.append((None, word))
            if re.match(r"(?:lib)?cudnn\d*(?:-|$)", name):
                if maybe:
                    self.facts.maybe_cudnn.append(f"`{written}` (line {word.span.line}, in a conditional branch)")
                else:
                    self.facts.cudnn_sources.append(f"`{written}` (line {word.span.line})")
            found = re.fullmatch(r"python(3\.\d+)(?:-(?:dev|venv|distutils|full|minimal))?", name)
            if found:
                source = f"apt `{written}`" + (" in a conditional branch" if maybe else "")
                self.facts.pythons.append(PythonFact(found.group(1), source, word.span.line))

    def _uv_python(self, step: _Step) -> None:
        command = step.command
        assert command.invocation is not None
        positionals = [w.text for w in command.invocation.positionals]
        versions: list[str] = []
        if command.subcommand == "python" and positionals[:1] == ["install"]:
            versions = [expand(v, step.scope)[0] for v in positionals[1:]]
        elif command.subcommand == "venv":
            versions = _values(command, step.scope, "--python", "-p")
        for value in versions:
            found = re.fullmatch(r"(?:python|cpython-?)?(\d\.\d+)(?:\.\d+)?", value)
            if found:
                self.facts.pythons.append(PythonFact(found.group(1), f"uv {command.subcommand}", command.span.line))

    def _add(self, step: _Step, install: Install) -> None:
        self.facts.installs.append(install)
        if step.branches:
            self.branched.append(install)

    def _settle_branches(self) -> None:
        """An install inside a conditional is a fact only when every branch installs the package and all agree
        on its build; branches that disagree leave the build unknown, and one that may not run makes it "maybe"."""
        if not self.branched:
            return
        groups: dict[tuple, list[Install]] = {}
        for install in self.branched:
            innermost = install.branches[-1]
            groups.setdefault((install.instruction.line, innermost.id, install.package), []).append(install)
        changed: dict[int, Install] = {}
        for installs in groups.values():
            innermost = installs[0].branches[-1]
            covered = {i.branches[-1].branch for i in installs}
            everywhere = innermost.complete and covered == set(range(innermost.branches))
            maybe = not everywhere or any(len(i.branches) > 1 for i in installs)
            outcomes = {(i.build, i.cuda.short if i.cuda else None, i.plain_pypi) for i in installs}
            for install in installs:
                updated = _set(install, maybe=maybe)
                if len(outcomes) > 1:
                    each = "; ".join(dict.fromkeys(f"line {i.at.span.line}: {_outcome(i)}" for i in installs))
                    updated = _set(
                        updated,
                        build=None,
                        cuda=None,
                        plain_pypi=False,
                        minor_matters=False,
                        reason=f"branches of the conditional at line {innermost.line} differ ({each})",
                    )
                changed[id(install)] = updated
        self.facts.installs = [changed.get(id(i), i) for i in self.facts.installs]

    def _conda(self, step: _Step) -> None:
        stage, instruction, command = step.stage, step.instruction, step.command
        assert command.invocation is not None
        if command.invocation.has_flag("-f", "--file"):
            self.facts.opaque.append(f"{command.tool} -f (line {command.span.line})")
        prefix = _values(command, step.scope, "-p", "--prefix")
        if prefix and command.subcommand == "create":
            self.venvs.add(_absolute(prefix[0], step.workdir))
        location = _absolute(prefix[0], step.workdir) if prefix else _env_on_path(step.scope, self.venvs)
        specs = []
        for word in command.invocation.positionals:
            text = _expanded(word, step.scope)
            parsed = _split_conda_spec(text) if text else None
            if parsed is not None:
                specs.append((word, *parsed))
        names = {name for _w, name, _v in specs}
        for word, name, version in specs:
            base = Install(
                name,
                word.text,
                "conda",
                stage.index,
                instruction,
                command,
                word,
                version=version,
                location=location,
                branches=step.branches,
            )
            if name == "python" and version:
                self.facts.pythons.append(
                    PythonFact(kb.minor_of(version) or version, f"{command.tool} `{word.text}`", word.span.line)
                )
            elif name in CONDA_CUDA and version:
                cuda = cuda_of(version, f"conda `{word.text}`")
                self._add(step, _set(base, build="cuda", cuda=cuda, reason="conda CUDA package"))
            elif name == "cudnn":
                (self.facts.maybe_cudnn if step.branches else self.facts.cudnn_sources).append(f"conda `{word.text}`")
            elif name == "pytorch":
                build = "cpu" if "cpuonly" in names else None
                self._add(step, _set(base, package="torch", build=build, reason="conda cpuonly" if build else ""))
            elif name == "cpuonly":
                continue
            else:
                self._add(step, _resolve(base, None))

    def _pip(self, step: _Step) -> None:
        command = step.command
        invocation = command.invocation
        assert invocation is not None
        indexes = _command_indexes(command, step.scope)
        backend = None
        if command.tool == "uv":
            values = _values(command, step.scope, "--torch-backend", keep_unresolved=True) or _env_values(
                step.scope, command, "UV_TORCH_BACKEND"
            )
            backend = values[0] if values else None
        python = _python_of_command(command, step.scope)
        location = self._location(step)
        context = _PipContext(indexes, backend, python, location)
        for word in invocation.positionals:
            text = _expanded(word, step.scope)
            if text is None:
                self.facts.opaque.append(f"`{word.text}` (line {word.span.line})")
                continue
            self._requirement(step, word, text, context, None)
        if invocation.has_flag("-e", "--editable"):
            self.facts.opaque.append(f"editable install (line {command.span.line})")
        for option in invocation.options:
            if option.name in ("-r", "--requirement") and option.value is not None:
                self._requirements_file(step, option.value, context)

    def _requirement(self, step: _Step, word: Word, text: str, context: _PipContext, via: str | None) -> None:
        parsed = parse_requirement(text)
        if parsed is None:
            self.facts.opaque.append(f"`{text}` (line {word.span.line})")
            return
        name, extras, version, local = parsed
        command = step.command
        install = Install(
            name,
            text,
            command.tool or "pip",
            step.stage.index,
            step.instruction,
            command,
            word,
            version=version,
            local=local,
            extras=extras,
            via=via,
            index_urls=tuple(context.indexes.index),
            extra_index_urls=tuple(context.indexes.extra),
            find_links=tuple(context.indexes.links),
            python=context.python,
            python_source=f"`{command.name}`" if context.python else "",
            location=context.location,
            branches=step.branches,
        )
        self._add(step, _resolve(install, context.backend))

    def _requirements_file(self, step: _Step, word: Word, context: _PipContext) -> None:
        target = _expanded(word, step.scope)
        found = context_file_for(self.lineage, step.instruction, target, self.build_context) if target else None
        if found is None:
            self.facts.opaque.append(f"-r {word.text} (line {word.span.line})")
            return
        seen: set[str] = set()
        pending = [found]
        indexes = context.indexes
        while pending:
            path, text = pending.pop(0)
            if path in seen or len(seen) > 8:
                continue
            seen.add(path)
            lines = requirement_lines(text)
            file_indexes = _Indexes(list(indexes.index), list(indexes.extra), list(indexes.links))
            for option, value in lines:
                if option in ("-i", "--index-url"):
                    file_indexes.index = [value]
                elif option == "--extra-index-url":
                    file_indexes.extra.append(value)
                elif option in ("-f", "--find-links"):
                    file_indexes.links.append(value)
            file_context = replace(context, indexes=file_indexes)
            for option, value in lines:
                if option == "":
                    self._requirement(step, word, value, file_context, path)
                elif option in ("-r", "--requirement"):
                    nested = posixpath.normpath(posixpath.join(posixpath.dirname(path), value))
                    nested_text = self.build_context.read_text(nested)
                    if nested_text is None:
                        self.facts.opaque.append(f"-r {value} in {path}")
                    else:
                        pending.append((nested, nested_text))
                elif option in ("-e", "--editable"):
                    self.facts.opaque.append(f"-e {value} in {path}")


def _outcome(install: Install) -> str:
    """What one install resolves to, for messages: ``CUDA 12.6 build, uv --torch-backend `cu126```."""
    build = (
        f"CUDA {install.cuda.short} build" if install.cuda else {"cpu": "CPU build"}.get(install.build or "", "unknown")
    )
    return f"{build}, {install.reason}" if install.reason else build


@dataclass(frozen=True)
class _Step:
    """One shell command of a RUN, with the variables as they stand inside its conditional branches."""

    stage: Stage
    instruction: Instruction
    command: ShellCommand
    scope: Scope
    branches: tuple[Condition, ...]
    workdir: str


@dataclass(frozen=True)
class _PipContext:
    indexes: _Indexes
    backend: str | None
    python: str | None
    location: str | None


def requirement_lines(text: str) -> list[tuple[str, str]]:
    """A requirements file as (option, value) pairs; plain requirements have option ``""``."""
    joined = re.sub(r"\\\r?\n", " ", text)
    pairs: list[tuple[str, str]] = []
    for raw in joined.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        if line.startswith("-"):
            match = re.match(r"(--?[A-Za-z-]+)(?:\s*=\s*|\s+)?(.*)", line)
            if match:
                pairs.append((match.group(1), match.group(2).strip()))
            continue
        requirement = re.split(r"\s+--", line, maxsplit=1)[0].strip()
        pairs.append(("", requirement))
    return pairs


# ---------------------------------------------------------------------------------------------------------
# Build-context files brought in by COPY / RUN --mount=type=bind


def _workdir_step(current: str, instruction: Instruction) -> str:
    if not instruction.arguments:
        return current
    value = _expanded(instruction.arguments[0], instruction.scope) or instruction.arguments[0].text
    return posixpath.normpath(posixpath.join(current, value))


Mapping = tuple[list[str], str, bool]  # (sources, absolute destination, destination is a directory)
MAX_COPIES_SEARCHED = 256  # a requirements file copied in further back than this is left unknown


@lru_cache(maxsize=8)
def _copies_along(lineage: tuple[Stage, ...]) -> tuple[list[Mapping], dict[int, tuple[str, int]]]:
    """One pass over a lineage: the context COPYs in order, and for each instruction the WORKDIR in force
    and how many COPYs came before it (so each RUN needs no scan of its own: linear, not quadratic)."""
    workdir = "/"
    mappings: list[Mapping] = []
    before: dict[int, tuple[str, int]] = {}
    for stage in lineage:
        for instruction in stage.instructions:
            before[id(instruction)] = (workdir, len(mappings))
            if instruction.keyword == "WORKDIR":
                workdir = _workdir_step(workdir, instruction)
            elif (
                instruction.keyword in ("COPY", "ADD") and instruction.flag("from") is None and not instruction.heredocs
            ):
                words = [w.text for w in instruction.arguments]
                if instruction.args.lstrip().startswith("["):
                    words = list(instruction.exec_form or ())
                if len(words) < 2:
                    continue
                *sources, destination = words
                is_dir = destination.endswith("/") or destination in (".", "./") or len(sources) > 1
                mappings.append((sources, posixpath.normpath(posixpath.join(workdir, destination)), is_dir))
    return mappings, before


def context_file_for(
    lineage: Sequence[Stage], run: Instruction, target: str, build_context: Any
) -> tuple[str, str] | None:
    """The build-context file (path, text) that is at ``target`` when ``run`` executes, if a COPY (without
    ``--from``) or a bind mount put it there and the context can read it."""
    if build_context is None:
        return None
    copies, before = _copies_along(tuple(lineage))
    workdir, count = before.get(id(run), ("/", len(copies)))
    mappings = copies[max(0, count - MAX_COPIES_SEARCHED) : count]
    for mount in run.mounts():
        if mount.get("type") == "bind" and not mount.get("from") and mount.get("target"):
            source = mount.get("source") or mount.get("src") or "."
            mappings.append(([source], posixpath.normpath(posixpath.join(workdir, mount["target"])), False))
    wanted = posixpath.normpath(posixpath.join(workdir, target))
    for sources, destination, is_dir in reversed(mappings):
        for source in sources:
            source = posixpath.normpath(source.lstrip("/")) if source not in (".", "./") else "."
            for candidate in _candidates(source, destination, is_dir, wanted):
                text = build_context.read_text(candidate)
                if text is not None:
                    return candidate, text
    return None


def _candidates(source: str, destination: str, is_dir: bool, wanted: str) -> Iterator[str]:
    base = posixpath.basename(source)
    if any(c in source for c in "*?["):
        name = posixpath.basename(wanted)
        if posixpath.dirname(wanted) == destination and fnmatchcase(name, base):
            yield posixpath.normpath(posixpath.join(posixpath.dirname(source), name))
        return
    if source != "." and wanted == (posixpath.join(destination, base) if is_dir else destination):
        yield source
    if wanted.startswith(destination.rstrip("/") + "/"):  # the source is a directory
        relative = wanted[len(destination.rstrip("/")) + 1 :]
        yield relative if source == "." else posixpath.join(source, relative)


# ---------------------------------------------------------------------------------------------------------
# Whole Dockerfile


def _copy_words(instruction: Instruction) -> list[str]:
    words = [w.text for w in instruction.arguments]
    if instruction.args.lstrip().startswith("["):
        words = list(instruction.exec_form or ())
    return words


def _install_key(install: Install) -> tuple:
    return (id(install.instruction), install.at.span, install.package, install.spec)


def _copied_installs(
    dockerfile: Dockerfile, facts: StageFacts, result: list[StageFacts], lineage: list[Stage]
) -> list[Install]:
    """Installs carried in by ``COPY --from=<stage>`` of the directories they went into (the whole tree ``/``,
    the venv / conda prefix / ``--target`` dir, site-packages), and those the FROM-parent had carried in."""
    stage = facts.stage
    carried: list[Install] = list(result[stage.parent].copied) if stage.parent is not None else []
    seen = {_install_key(i) for i in facts.installs} | {_install_key(i) for i in carried}
    workdirs = _copies_along(tuple(lineage))[1]
    for instruction in stage.instructions:
        source = instruction.flag("from")
        if instruction.keyword != "COPY" or source is None or not source.value:
            continue
        origin = dockerfile.stage_named(expand(source.value, instruction.scope)[0])
        if origin is None or origin.index >= stage.index:
            continue
        words = _copy_words(instruction)
        if len(words) < 2:
            continue
        *sources, destination = (expand(word, instruction.scope)[0] for word in words)
        workdir = workdirs.get(id(instruction), ("/", 0))[0]
        destination = _absolute(destination, workdir)
        paths = [posixpath.normpath("/" + path.lstrip("/")) if path not in ("", ".", "./") else "/" for path in sources]
        for install in result[origin.index].all_installs:
            key = _install_key(install)
            if key in seen:
                continue
            for path in paths:
                copies, location = _carried_location(install.location, path, destination)
                if copies:
                    seen.add(key)
                    carried.append(_set(install, copied_from=origin.index, location=location))
                    break
    return carried


def dockerfile_facts(
    dockerfile: Dockerfile, build_context: Any = None, shipped: frozenset[int] = frozenset()
) -> list[StageFacts]:
    """Facts of every stage (installs of a stage include its FROM-ancestors'), plus installs carried in by
    ``COPY --from=<stage>`` of the environment they went into (venv, site-packages, conda prefix, ...)."""
    result: list[StageFacts] = []
    for stage in dockerfile.stages:  # a stage copies from and builds on earlier stages only
        lineage = dockerfile.lineage(stage)
        root = lineage[0]
        facts = StageFacts(stage, base_facts(root.image, root.index), stage.index in shipped)
        _StageWalker(facts, dockerfile, lineage, build_context).run()
        facts.copied = _copied_installs(dockerfile, facts, result, lineage)
        result.append(facts)
    return result


def python_for(facts: StageFacts, install: Install) -> tuple[str, str] | None:
    """The Python an install runs with: the command's own interpreter (``python3.11 -m pip``), else the
    base image's (``python:3.11``) when the stage installs no other Python."""
    if install.python:
        return install.python, install.python_source
    if install.copied_from is not None or install.tool == "conda":
        return None
    if facts.base.python and not facts.pythons:
        return facts.base.python, f"base image `{facts.base.reference}`"
    return None


def facts_for(ctx: Any) -> list[StageFacts]:
    """The facts of a RuleContext's Dockerfile, computed once per context."""
    cached = ctx.__dict__.get("_stage_facts")
    if cached is None:
        cached = dockerfile_facts(ctx.dockerfile, ctx.build_context, ctx.shipped_indexes)
        ctx.__dict__["_stage_facts"] = cached
    return cached


def needed_stages(dockerfile: Dockerfile, shipped: frozenset[int]) -> frozenset[int]:
    """Stages a build of the final stage runs: shipped ones and those they COPY --from or mount from,
    with their FROM-ancestors, transitively."""
    needed: set[int] = set()
    pending = list(shipped)
    while pending:
        index = pending.pop()
        if index in needed:
            continue
        needed.add(index)
        stage = dockerfile.stages[index]
        if stage.parent is not None:
            pending.append(stage.parent)
        names = [i.flag("from").value for i in stage.instructions if i.keyword == "COPY" and i.flag("from")]  # type: ignore[union-attr]
        names += [m.get("from", "") for i in stage.instructions for m in i.mounts()]
        for name in names:
            origin = dockerfile.stage_named(name) if name else None
            if origin is not None:
                pending.append(origin.index)
    return frozenset(needed)


# ---------------------------------------------------------------------------------------------------------
# Rendering (mllint --facts)


def _cuda_text(cuda: Cuda | None) -> str | None:
    if cuda is None:
        return None
    return f"{cuda.version} ({cuda.source}{'' if cuda.verified else ', unverified'})"


def _pip_cudnn(item: StageFacts) -> list[str]:
    """Why a stage without a cuDNN base or apt package counts as having cuDNN: a framework's nvidia-* wheels."""
    if item.base.cudnn not in (None, "no"):
        return []
    found = [i for i in item.all_installs if i.pip_cuda_libs and not i.maybe]
    found.sort(key=lambda i: i.package.startswith("nvidia-"))  # torch's wheels before a lone nvidia-nccl
    return [f"nvidia-* pip packages of `{i.spec}` (line {i.at.span.line})" for i in found[:1]]


def facts_as_dict(dockerfile: Dockerfile, facts: list[StageFacts]) -> dict[str, Any]:
    stages = []
    for item in facts:
        base = item.base
        installs = []
        for install in item.all_installs:
            installs.append(
                {
                    "line": install.at.span.line,
                    "package": install.package,
                    "requirement": install.spec,
                    "tool": install.tool,
                    "version": install.version,
                    "local": install.local,
                    "extras": list(install.extras),
                    "index_urls": list(install.index_urls),
                    "extra_index_urls": list(install.extra_index_urls),
                    "find_links": list(install.find_links),
                    "from_file": install.via,
                    "copied_from": dockerfile.stages[install.copied_from].label
                    if install.copied_from is not None
                    else None,
                    "build": install.build,
                    "cuda": install.cuda.short if install.cuda else None,
                    "reason": install.reason,
                    "system_cuda": install.system_cuda,
                    "pip_cuda_libs": install.pip_cuda_libs,
                    "location": install.location,
                    "conditional": install.maybe,
                }
            )
        system = item.system_cuda
        python = sorted({p.version for p in item.pythons} | ({base.python} if base.python else set()))
        stages.append(
            {
                "index": item.stage.index,
                "name": item.stage.name,
                "line": item.stage.from_instruction.line,
                "shipped": item.shipped,
                "base": {
                    "image": base.image.raw if base.image else None,
                    "from_stage": dockerfile.stages[base.root_stage].label
                    if base.root_stage is not None and base.root_stage != item.stage.index
                    else None,
                    "kind": base.kind,
                    "cuda": _cuda_text(base.cuda),
                    "cudnn": base.cudnn,
                    "flavor": base.flavor,
                    "os": "-".join(base.os) if base.os else None,
                    "python": base.python,
                    "frameworks": list(base.frameworks),
                },
                "cuda": system.version if system else None,
                "cuda_source": system.source if system else None,
                "apt_cuda": [c.version if c else "distribution" for c, _ in item.apt_cuda],
                "cudnn": item.has_cudnn,
                "cudnn_sources": item.cudnn_sources or _pip_cudnn(item),
                "cudnn_maybe_sources": item.maybe_cudnn,
                "apt_cuda_maybe": item.maybe_cuda,
                "python": python,
                "python_sources": [f"{p.version}: {p.source} (line {p.line})" for p in item.pythons],
                "installs": installs,
                "unknown_installs": item.opaque,
                "compiles_cuda_code": item.compiles_cuda,
            }
        )
    return {"path": dockerfile.path, "stages": stages}


def render_text(data: dict[str, Any]) -> str:
    lines = [f"{data['path']}:"]
    for stage in data["stages"]:
        name = f" {stage['name']}" if stage["name"] else ""
        shipped = "shipped" if stage["shipped"] else "not shipped"
        lines.append(f"  stage {stage['index']}{name} (line {stage['line']}, {shipped})")
        base = stage["base"]
        details = [f"{k} {base[k]}" for k in ("kind", "cuda", "cudnn", "flavor", "os", "python") if base[k]]
        if base["frameworks"]:
            details.append("ships " + ", ".join(base["frameworks"]))
        origin = f" via stage {base['from_stage']}" if base["from_stage"] else ""
        lines.append(
            f"    base:    {base['image'] or 'unknown'}{origin}" + (f" ({'; '.join(details)})" if details else "")
        )
        lines.append(
            f"    cuda:    {stage['cuda'] or 'unknown'}"
            + (f" ({stage['cuda_source']})" if stage["cuda_source"] else "")
        )
        cudnn = {True: "yes", False: "no", None: "unknown"}[stage["cudnn"]]
        sources = stage["cudnn_sources"]
        if stage["cudnn"] is None and stage["cudnn_maybe_sources"]:
            cudnn, sources = "maybe", stage["cudnn_maybe_sources"]
        lines.append(f"    cudnn:   {cudnn}" + (f" ({', '.join(sources)})" if sources else ""))
        if stage["apt_cuda_maybe"]:
            lines.append(f"    cuda+:   maybe ({', '.join(stage['apt_cuda_maybe'])})")
        python = ", ".join(stage["python"]) or "unknown"
        lines.append(
            f"    python:  {python}" + (f" ({'; '.join(stage['python_sources'])})" if stage["python_sources"] else "")
        )
        for install in stage["installs"]:
            build = install["build"] or "?"
            if install["cuda"]:
                build = f"CUDA {install['cuda']} build"
            elif install["build"] == "cpu":
                build = "CPU build"
            where = f"line {install['line']}"
            if install["from_file"]:
                where += f", {install['from_file']}"
            if install["copied_from"]:
                where += f", copied from stage {install['copied_from']}"
            if install["conditional"]:
                where += ", only in some branches of a conditional"
            reason = f" [{install['reason']}]" if install["reason"] else ""
            lines.append(f"    install: {install['requirement']} ({install['tool']}, {where}) -> {build}{reason}")
        for opaque in stage["unknown_installs"]:
            lines.append(f"    unknown: {opaque}")
    return "\n".join(lines) + "\n"


def reaches_image(ctx: Any, instruction: Instruction, command: ShellCommand) -> bool:
    """Whether what ``command`` (an install in ``instruction``) installs ends up in the shipped image: it runs in
    a shipped stage, or a COPY --from carries the environment it installed into (facts' provenance); an
    install whose destination cannot be told counts as reaching it when its stage is needed."""
    if ctx.is_shipped(instruction.stage_index):
        return True
    if instruction.stage_index not in needed_stages(ctx.dockerfile, ctx.shipped_indexes):
        return False
    facts = facts_for(ctx)
    carried = any(
        install.command is command
        for stage in facts
        if stage.stage.index in ctx.shipped_indexes
        for install in stage.copied
    )
    if carried:
        return True
    own = [install for stage in facts for install in stage.installs if install.command is command]
    return not own or any(install.location is None for install in own)
