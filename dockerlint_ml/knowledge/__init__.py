"""Typed, lazy access to the knowledge files (``*.toml`` next to this module, see README.md).

Nothing is read at import time: each file is parsed on the first accessor call that needs it and cached,
so linting a Dockerfile without GPU content never pays for TOML parsing. Versions are compared as tuples
of ints (``"3.10" > "3.9"``), never as strings.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from fnmatch import fnmatchcase
from functools import cache
from types import MappingProxyType

from ..lazy_re import lazy
from ..records import Frozen, setfield

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any

_DIR = os.path.dirname(os.path.realpath(__file__))


@cache
def load(name: str) -> dict[str, Any]:
    """The data of ``<name>.toml`` (cached), read from its compiled form ``compiled/<name>.json``.

    Loading the JSON is ~30x cheaper than parsing the TOML on every run; a test keeps the two equal
    (``python tools/compile_knowledge.py`` rewrites it). The TOML itself is the fallback.
    """
    try:
        with open(os.path.join(_DIR, "compiled", f"{name}.json"), "rb") as handle:
            data = handle.read()
    except OSError:
        return load_toml(name)
    import json

    return json.loads(data)


def load_toml(name: str) -> dict[str, Any]:
    """Parse ``<name>.toml`` itself (the source the compiled form is made from)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    with open(os.path.join(_DIR, f"{name}.toml"), "rb") as handle:
        return tomllib.load(handle)


# ---------------------------------------------------------------------------------------------------------
# Versions

_NUMBERS = lazy(r"\d+(?:\.\d+)*")


def version_tuple(text: str | None) -> tuple[int, ...] | None:
    """``"2.1.0+cu118"`` -> ``(2, 1, 0)``; ``"3.10"`` -> ``(3, 10)``; None when there is no leading number."""
    if not text:
        return None
    match = _NUMBERS.match(text.strip().lstrip("v"))
    return tuple(int(part) for part in match.group().split(".")) if match else None


def minor_of(text: str | None) -> str | None:
    """``"2.1.0"`` -> ``"2.1"`` (None without a minor)."""
    parts = version_tuple(text)
    return f"{parts[0]}.{parts[1]}" if parts and len(parts) >= 2 else None


def _in_range(version: tuple[int, ...], low: str, high: str) -> bool:
    low_t, high_t = version_tuple(low), version_tuple(high)
    if low_t is not None and version[: len(low_t)] < low_t:
        return False
    return not (high_t is not None and version[: len(high_t)] > high_t)


def _date(text: str) -> str | None:
    """An ISO ``YYYY-MM-DD`` date as it is (ISO dates compare as strings; no ``datetime`` at start-up)."""
    parts = text.split("-")
    if len(text) != 10 or len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    return text if 1 <= int(parts[1]) <= 12 and 1 <= int(parts[2]) <= 31 else None


def normalize(name: str) -> str:
    """PEP 503/685 normalization of a package or extra name."""
    return re.sub(r"[-_.]+", "-", name).lower()


# ---------------------------------------------------------------------------------------------------------
# torch


class TorchRelease(Frozen):
    _fields = ("torch", "cuda_variants", "pypi_linux_default_cuda", "python_min", "python_max", "verified", "source")
    __slots__ = _fields
    torch: str
    cuda_variants: tuple[str, ...]
    pypi_linux_default_cuda: str
    python_min: str
    python_max: str
    verified: bool
    source: str

    def __init__(
        self,
        torch: str,
        cuda_variants: tuple[str, ...],
        pypi_linux_default_cuda: str,
        python_min: str,
        python_max: str,
        verified: bool,
        source: str,
    ) -> None:
        setfield(self, "torch", torch)
        setfield(self, "cuda_variants", cuda_variants)
        setfield(self, "pypi_linux_default_cuda", pypi_linux_default_cuda)
        setfield(self, "python_min", python_min)
        setfield(self, "python_max", python_max)
        setfield(self, "verified", verified)
        setfield(self, "source", source)


@cache
def _torch_releases() -> dict[str, TorchRelease]:
    rows = {}
    for row in load("torch").get("release", []):
        rows[row["torch"]] = TorchRelease(
            row["torch"],
            tuple(row.get("cuda_variants", ())),
            row.get("pypi_linux_default_cuda", ""),
            row.get("python_min", ""),
            row.get("python_max", ""),
            bool(row.get("verified")),
            row.get("source", ""),
        )
    return rows


def torch_releases() -> list[TorchRelease]:
    """Every torch row, oldest first."""
    return sorted(_torch_releases().values(), key=lambda row: version_tuple(row.torch) or ())


def torch_release(version: str | None) -> TorchRelease | None:
    """The row of a torch release line: ``torch_release("2.1.0+cu118")`` is the 2.1 row."""
    minor = minor_of(version)
    return _torch_releases().get(minor) if minor else None


# ---------------------------------------------------------------------------------------------------------
# tensorflow


class TensorflowRelease(Frozen):
    _fields = ("tensorflow", "python_min", "python_max", "cuda", "cudnn", "verified", "source")
    __slots__ = _fields
    tensorflow: str
    python_min: str
    python_max: str
    cuda: str
    cudnn: str
    verified: bool
    source: str

    def __init__(
        self,
        tensorflow: str,
        python_min: str,
        python_max: str,
        cuda: str,
        cudnn: str,
        verified: bool,
        source: str,
    ) -> None:
        setfield(self, "tensorflow", tensorflow)
        setfield(self, "python_min", python_min)
        setfield(self, "python_max", python_max)
        setfield(self, "cuda", cuda)
        setfield(self, "cudnn", cudnn)
        setfield(self, "verified", verified)
        setfield(self, "source", source)


@cache
def _tensorflow_releases() -> dict[str, TensorflowRelease]:
    return {
        row["tensorflow"]: TensorflowRelease(
            row["tensorflow"],
            row.get("python_min", ""),
            row.get("python_max", ""),
            row.get("cuda", ""),
            row.get("cudnn", ""),
            bool(row.get("verified")),
            row.get("source", ""),
        )
        for row in load("tensorflow").get("release", [])
    }


def tensorflow_releases() -> list[TensorflowRelease]:
    """Every tensorflow row, oldest first."""
    return sorted(_tensorflow_releases().values(), key=lambda row: version_tuple(row.tensorflow) or ())


def tensorflow_release(version: str | None) -> TensorflowRelease | None:
    minor = minor_of(version)
    return _tensorflow_releases().get(minor) if minor else None


def tensorflow_and_cuda_since() -> str:
    return load("tensorflow")["and_cuda_extra"]["since"]


def tensorflow_gpu_image(tag: str | None) -> TensorflowRelease | None:
    """``tensorflow/tensorflow:<V>-gpu``: the release whose tested CUDA the image carries (an unverified
    rule per the knowledge file: callers must not raise errors from it alone)."""
    if not tag:
        return None
    match = re.match(load("tensorflow")["gpu_image"]["tag_pattern"], tag)
    return tensorflow_release(match.group("version")) if match else None


# ---------------------------------------------------------------------------------------------------------
# onnxruntime-gpu


class OnnxruntimeBuild(Frozen):
    _fields = ("min_version", "max_version", "cuda", "cuda_major", "cudnn_major", "verified", "source")
    __slots__ = _fields
    min_version: str
    max_version: str
    cuda: str
    cuda_major: int
    cudnn_major: int
    verified: bool
    source: str

    def __init__(
        self,
        min_version: str,
        max_version: str,
        cuda: str,
        cuda_major: int,
        cudnn_major: int,
        verified: bool,
        source: str,
    ) -> None:
        setfield(self, "min_version", min_version)
        setfield(self, "max_version", max_version)
        setfield(self, "cuda", cuda)
        setfield(self, "cuda_major", cuda_major)
        setfield(self, "cudnn_major", cudnn_major)
        setfield(self, "verified", verified)
        setfield(self, "source", source)


def onnxruntime_cuda(version: str | None) -> OnnxruntimeBuild | None:
    """The CUDA/cuDNN the PyPI ``onnxruntime-gpu`` of ``version`` loads; None past the verified rows."""
    parts = version_tuple(version)
    if not parts:
        return None
    for row in load("onnxruntime").get("pypi_build", []):
        if _in_range(parts, row["min_version"], row["max_version"]):
            return OnnxruntimeBuild(
                row["min_version"],
                row["max_version"],
                row["cuda"],
                int(row["cuda_major"]),
                int(row["cudnn_major"]),
                bool(row.get("verified")),
                row.get("source", ""),
            )
    return None


# ---------------------------------------------------------------------------------------------------------
# packages: jax, cupy, tensorrt, nvidia-*, conda, GPU-only packages


class JaxExtra(Frozen):
    _fields = ("extra", "cuda_major", "cuda_from_pip", "needs_system_cuda", "verified")
    __slots__ = _fields
    extra: str
    cuda_major: int
    cuda_from_pip: bool
    needs_system_cuda: bool
    verified: bool

    def __init__(
        self,
        extra: str,
        cuda_major: int,
        cuda_from_pip: bool,
        needs_system_cuda: bool,
        verified: bool,
    ) -> None:
        setfield(self, "extra", extra)
        setfield(self, "cuda_major", cuda_major)
        setfield(self, "cuda_from_pip", cuda_from_pip)
        setfield(self, "needs_system_cuda", needs_system_cuda)
        setfield(self, "verified", verified)


def jax_extra(extra: str, jax_version: str | None = None) -> JaxExtra | None:
    """What ``jax[extra]`` installs. With no (or an unknown) version, the answer is given only when every
    row of that extra agrees (the bare ``cuda`` extra changed meaning, so it needs a version)."""
    wanted = normalize(extra)
    parts = version_tuple(jax_version)
    rows = [row for row in load("packages").get("jax_extra", []) if normalize(row["extra"]) == wanted]
    if parts:
        rows = [row for row in rows if _in_range(parts, row["jax_min"], row["jax_max"])]
    answers = {(row["cuda_major"], row["cuda_from_pip"], row["needs_system_cuda"], row["verified"]) for row in rows}
    if len(answers) != 1:
        return None
    major, from_pip, system, verified = answers.pop()
    return JaxExtra(wanted, int(major), bool(from_pip), bool(system), bool(verified))


def jax_plugin_cuda_major(package: str) -> int | None:
    name = normalize(package)
    for row in load("packages").get("jax_plugin", []):
        if row["package"] == name:
            return int(row["cuda_major"])
    return None


def cupy_cuda(package: str) -> tuple[int, int | None] | None:
    """``cupy-cuda12x`` -> (12, None); ``cupy-cuda117`` -> (11, 7); None for other names."""
    name = normalize(package)
    patterns = load("packages")["cupy_patterns"]
    match = re.match(patterns["per_major"], name)
    if match:
        return int(match.group("major")), None
    match = re.match(patterns["per_minor"], name)
    if match:
        return int(match.group("major")), int(match.group("minor"))
    return None


def tensorrt_cuda_major(package: str) -> int | None:
    name = normalize(package)
    for row in load("packages").get("tensorrt_package", []):
        match = re.match(row["pattern"], name)
        if match:
            return int(match.group("major"))
    return None


def nvidia_pip_cuda_major(package: str) -> int | None:
    """``nvidia-cudnn-cu12`` -> 12 (the ``-cuNN`` suffix; unsuffixed CUDA 13 names are not decided here)."""
    match = re.match(load("packages")["nvidia_pip_naming"]["suffixed_pattern"], normalize(package))
    return int(match.group("major")) if match else None


class SystemCudaPackage(Frozen):
    _fields = ("needs_system_cuda", "needs_system_cudnn", "verified")
    __slots__ = _fields
    needs_system_cuda: str  # "yes" | "no" | "unknown"
    needs_system_cudnn: str
    verified: bool

    def __init__(self, needs_system_cuda: str, needs_system_cudnn: str, verified: bool) -> None:
        setfield(self, "needs_system_cuda", needs_system_cuda)
        setfield(self, "needs_system_cudnn", needs_system_cudnn)
        setfield(self, "verified", verified)


def system_cuda_package(package: str) -> SystemCudaPackage | None:
    """GPU-only packages that load the system CUDA/cuDNN (``packages.toml`` ``[[system_cuda_package]]``)."""
    name = normalize(package)
    for row in load("packages").get("system_cuda_package", []):
        if (row["package"] and row["package"] == name) or (
            row["package_pattern"] and re.match(row["package_pattern"], name)
        ):
            return SystemCudaPackage(row["needs_system_cuda"], row["needs_system_cudnn"], bool(row.get("verified")))
    return None


# ---------------------------------------------------------------------------------------------------------
# images


def nvidia_cuda_cudnn_tag(cuda: str) -> str | None:
    """The cudnn tag form (``cudnn8``, ``cudnn9``, ``cudnn``) seen on Docker Hub for the CUDA minor of ``cuda``."""
    for row in load("images").get("nvidia_cuda_tag_seen", []):
        if minor_of(row["cuda"]) == minor_of(cuda):
            return row["cudnn_tag"]
    return None


class CudaTag(Frozen):
    _fields = ("cuda", "cudnn", "flavor", "os")
    __slots__ = _fields
    cuda: str
    cudnn: str | None  # "cudnn8", "cudnn9", "cudnn" or None
    flavor: str
    os: str

    def __init__(self, cuda: str, cudnn: str | None, flavor: str, os: str) -> None:
        setfield(self, "cuda", cuda)
        setfield(self, "cudnn", cudnn)
        setfield(self, "flavor", flavor)
        setfield(self, "os", os)


def nvidia_cuda_repositories() -> tuple[str, ...]:
    return tuple(load("images")["nvidia_cuda"]["repositories"])


def nvidia_cuda_tag(tag: str | None) -> CudaTag | None:
    """``12.1.0-cudnn8-runtime-ubuntu22.04`` -> CudaTag(cuda="12.1.0", cudnn="cudnn8", ...)."""
    if not tag:
        return None
    match = re.match(load("images")["nvidia_cuda"]["tag_pattern"], tag)
    if not match:
        return None
    return CudaTag(match.group("cuda"), match.group("cudnn"), match.group("flavor"), match.group("os"))


def cudnn_major_of_tag(cuda: str, cudnn_tag: str) -> int | None:
    """The cuDNN major of an ``nvidia/cuda`` cudnn tag: numbered forms say it; the bare ``cudnn`` form is
    cuDNN 9 (tags of CUDA 12.4+, per the tags seen on Docker Hub)."""
    digits = cudnn_tag.removeprefix("cudnn")
    if digits:
        return int(digits)
    for row in load("images").get("nvidia_cuda_tag_seen", []):
        if row["cudnn_tag"] == "cudnn" and minor_of(row["cuda"]) == minor_of(cuda):
            return int(row["cudnn_major"])
    return None


class PytorchImageTag(Frozen):
    _fields = ("torch", "cuda", "cudnn", "flavor")
    __slots__ = _fields
    torch: str
    cuda: str
    cudnn: str
    flavor: str

    def __init__(self, torch: str, cuda: str, cudnn: str, flavor: str) -> None:
        setfield(self, "torch", torch)
        setfield(self, "cuda", cuda)
        setfield(self, "cudnn", cudnn)
        setfield(self, "flavor", flavor)


def pytorch_image_tag(tag: str | None) -> PytorchImageTag | None:
    if not tag:
        return None
    match = re.match(load("images")["pytorch_image"]["tag_pattern"], tag)
    if not match:
        return None
    return PytorchImageTag(match.group("torch"), match.group("cuda"), match.group("cudnn"), match.group("flavor"))


class NgcRelease(Frozen):
    _fields = ("release", "cuda", "checked_container", "verified", "source", "ubuntu", "python", "python_verified")
    __slots__ = _fields
    release: str
    cuda: str
    checked_container: str  # the container whose release notes were read ("" when none was)
    verified: bool
    source: str
    ubuntu: str
    python: str
    python_verified: bool

    def __init__(
        self,
        release: str,
        cuda: str,
        checked_container: str,
        verified: bool,
        source: str,
        ubuntu: str = "",
        python: str = "",
        python_verified: bool = False,
    ) -> None:
        setfield(self, "release", release)
        setfield(self, "cuda", cuda)
        setfield(self, "checked_container", checked_container)
        setfield(self, "verified", verified)
        setfield(self, "source", source)
        setfield(self, "ubuntu", ubuntu)
        setfield(self, "python", python)
        setfield(self, "python_verified", python_verified)


def ngc_repositories() -> tuple[str, ...]:
    return tuple(load("images")["ngc"]["repositories"])


def _ngc_row(row: dict[str, Any]) -> NgcRelease:
    return NgcRelease(
        row["release"],
        row["cuda"],
        row.get("checked_container", ""),
        bool(row.get("verified")),
        row["source"],
        row.get("ubuntu", ""),
        row.get("python", ""),
        bool(row.get("python_verified")),
    )


def ngc_releases() -> list[NgcRelease]:
    """Every NGC release row, in file order (a release may have one row per checked container)."""
    return [_ngc_row(row) for row in load("images").get("ngc_release", [])]


def ngc_release(tag: str | None, container: str | None = None) -> NgcRelease | None:
    """The CUDA (and Ubuntu/Python) of an NGC framework container ``YY.MM-<suffix>`` tag (only releases in the
    table). With ``container`` (``"pytorch"``, ``"tensorflow"``, ``"tritonserver"``), a row checked on that
    container is preferred over the release's first row."""
    if not tag:
        return None
    match = re.match(load("images")["ngc"]["tag_pattern"], tag)
    if not match:
        return None
    rows = [row for row in ngc_releases() if row.release == match.group("release")]
    if container:
        rows.sort(key=lambda row: row.checked_container != container)
    return rows[0] if rows else None


class DevelImage(Frozen):
    """A devel (build) flavor of a CUDA/framework image (``images.toml`` ``[[devel_image]]``, ML202)."""

    _fields = ("token", "runtime_token", "runtime_image")
    __slots__ = _fields
    token: str  # the tag token that marks it: "devel", "dev"
    runtime_token: str | None  # the runtime tag's token in its place ("" = drop it); None: not known
    runtime_image: str  # another repository to run on ("" = none known)

    def __init__(self, token: str, runtime_token: str | None, runtime_image: str) -> None:
        setfield(self, "token", token)
        setfield(self, "runtime_token", runtime_token)
        setfield(self, "runtime_image", runtime_image)


def devel_image(repository: str, tag: str | None) -> DevelImage | None:
    """The devel flavor ``repository:tag`` is, or None (a runtime image, or not a known image family)."""
    tokens = tag.lower().split("-") if tag else []
    for row in load("images").get("devel_image", []):
        name = repository.lower()
        # the literal prefix first: fnmatchcase compiles a regex per glob, ~50 us each on the first file
        if not any(
            name.startswith(_literal_prefix(glob)) and fnmatchcase(name, glob) for glob in _globs(row["repository"])
        ):
            continue
        token = next((t for t in tokens if t in row["tokens"]), None)
        if token is None:
            return None
        runtime = row.get("runtime_token")
        return DevelImage(token, runtime, row.get("runtime_image", ""))
    return None


def cuda_eol_major_max() -> int | None:
    """CUDA majors up to this one are end-of-life images (``images.toml`` ``[nvidia_cuda_eol]``)."""
    table = load("images").get("nvidia_cuda_eol")
    return int(table["cuda_major_max"]) if table and table.get("verified") else None


# ---------------------------------------------------------------------------------------------------------
# base images: what a known base already provides (base_images.toml)

BASE_IMAGE_TOOLS = frozenset({"python", "curl", "wget"})
_BASE_IMAGE_KEYS = frozenset(
    {
        "key",
        "repository",
        "tag",
        "user",
        "dev_user",
        "uids",
        "healthcheck",
        "workdir",
        "env",
        "tools",
        "role",
        "port",
        "health_path",
        "source",
        "verified",
        "notes",
    }
)
BASE_IMAGE_ROLES = frozenset({"serving", "notebook", "dev", "training"})


class BaseImage(Frozen):
    _fields = (
        "key",
        "user",
        "dev_user",
        "uids",
        "healthcheck",
        "workdir",
        "env",
        "tools",
        "role",
        "port",
        "health_path",
        "source",
        "verified",
        "notes",
    )
    __slots__ = _fields
    _compare = (
        "key",
        "user",
        "dev_user",
        "uids",
        "healthcheck",
        "workdir",
        "env",
        "tools",
        "role",
        "port",
        "health_path",
        "source",
        "verified",
    )
    key: str  # the row's pattern, for messages/--facts ("quay.io/jupyter/*")
    user: str | None  # USER the image runs as; None = root/unset
    dev_user: str | None  # devcontainers' remoteUser
    uids: Mapping[int, str]  # existing users with uid >= 1000 -> name
    healthcheck: bool | None  # None unknown
    workdir: str | None
    env: Mapping[str, str]
    tools: frozenset[str] | None  # subset of {"python","curl","wget"}; None = unknown
    role: str | None
    port: int | None
    health_path: str | None
    source: str
    verified: bool
    notes: str

    def __init__(
        self,
        key: str,
        user: str | None,
        dev_user: str | None,
        uids: Mapping[int, str],
        healthcheck: bool | None,
        workdir: str | None,
        env: Mapping[str, str],
        tools: frozenset[str] | None,
        role: str | None,
        port: int | None,
        health_path: str | None,
        source: str,
        verified: bool,
        notes: str = "",
    ) -> None:
        setfield(self, "key", key)
        setfield(self, "user", user)
        setfield(self, "dev_user", dev_user)
        setfield(self, "uids", uids)
        setfield(self, "healthcheck", healthcheck)
        setfield(self, "workdir", workdir)
        setfield(self, "env", env)
        setfield(self, "tools", tools)
        setfield(self, "role", role)
        setfield(self, "port", port)
        setfield(self, "health_path", health_path)
        setfield(self, "source", source)
        setfield(self, "verified", verified)
        setfield(self, "notes", notes)

    def has_tool(self, tool: str) -> bool | None:
        """True/False when the row lists tools, None when they are unknown."""
        return None if self.tools is None else tool in self.tools


def _globs(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _base_image_row(row: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...], BaseImage]:
    unknown = set(row) - _BASE_IMAGE_KEYS
    if unknown:
        raise ValueError(f"base_images.toml: unknown keys {sorted(unknown)} in row {row.get('repository')!r}")
    repositories = tuple(glob.lower() for glob in _globs(row["repository"]))
    tags = _globs(row.get("tag"))
    if not repositories:
        raise ValueError("base_images.toml: a row without repository")
    tools = row.get("tools")
    if tools is not None and not set(tools) <= BASE_IMAGE_TOOLS:
        raise ValueError(f"base_images.toml: tools {tools!r} not in {sorted(BASE_IMAGE_TOOLS)}")
    role = row.get("role") or None
    if role is not None and role not in BASE_IMAGE_ROLES:
        raise ValueError(f"base_images.toml: role {role!r} not in {sorted(BASE_IMAGE_ROLES)}")
    key = row.get("key") or repositories[0] + (f":{tags[0]}" if tags else "")
    image = BaseImage(
        key=key,
        user=row.get("user") or None,
        dev_user=row.get("dev_user") or None,
        uids=MappingProxyType({int(uid): str(name) for uid, name in row.get("uids", {}).items()}),
        healthcheck=row.get("healthcheck"),
        workdir=row.get("workdir") or None,
        env=MappingProxyType({str(name): str(value) for name, value in row.get("env", {}).items()}),
        tools=frozenset(tools) if tools is not None else None,
        role=role,
        port=int(row["port"]) if row.get("port") is not None else None,
        health_path=row.get("health_path") or None,
        source=row["source"],
        verified=bool(row["verified"]),
        notes=row.get("notes", ""),
    )
    return repositories, tags, image


@cache
def _base_image_patterns() -> tuple[tuple[tuple[str, ...], tuple[str, ...], int], ...]:
    """(repository globs, tag globs, row index) per row: matching needs only these, so a lookup builds (and
    validates) just the row it finds; ``base_images()`` validates them all (the tests call it)."""
    rows = load("base_images").get("image", [])
    return tuple(
        (tuple(glob.lower() for glob in _globs(row.get("repository"))), _globs(row.get("tag")), index)
        for index, row in enumerate(rows)
    )


@cache
def _literal_prefix(glob: str) -> str:
    cut = min((glob.index(c) for c in "*?[" if c in glob), default=len(glob))
    return glob[:cut]


def glob_match(name: str, glob: str) -> bool:
    """``fnmatchcase`` for the knowledge files' globs, without compiling a regex for the common shapes (each
    compile costs ~50 us on the first file): ``word``, ``*word*``, ``prefix*``."""
    inner = glob.strip("*")
    if not any(c in inner for c in "*?["):
        if glob == inner:
            return name == glob
        if glob == f"*{inner}*":
            return inner in name
        if glob == f"{inner}*":
            return name.startswith(inner)
        if glob == f"*{inner}":
            return name.endswith(inner)
    return fnmatchcase(name, glob)


@cache
def _base_image_at(index: int) -> BaseImage:
    return _base_image_row(load("base_images")["image"][index])[2]


def base_images() -> list[BaseImage]:
    """Every base-image row, in match order."""
    return [_base_image_at(index) for _, _, index in _base_image_patterns()]


@cache
def base_image(repository: str, tag: str | None) -> BaseImage | None:
    """What the base ``repository:tag`` already provides (first matching row), or None for unknown images.

    ``repository`` is ``images.full_name(image)`` (``"quay.io/jupyter/base-notebook"``, ``"python"``,
    ``"nvcr.io/nvidia/pytorch"``); ``tag`` None means ``latest``.
    """
    name = repository.lower()
    wanted = tag or "latest"
    for repositories, tags, index in _base_image_patterns():
        # a literal prefix test first: compiling every row's glob would cost more than the whole lookup
        if not any(name.startswith(_literal_prefix(glob)) and glob_match(name, glob) for glob in repositories):
            continue
        if tags and not any(glob_match(wanted, glob) for glob in tags):
            continue
        return _base_image_at(index)
    return None


# ---------------------------------------------------------------------------------------------------------
# end of life


class EolEntry(Frozen):
    _fields = ("product", "version", "codename", "end", "kind", "source")
    __slots__ = _fields
    product: str  # "python", "debian", "ubuntu", "centos", "rhel", "alpine"
    version: str
    codename: str
    end: str | None  # the ISO date (YYYY-MM-DD) the rules compare against (see eol())
    kind: str  # what ``end`` is: "security support", "LTS", "standard support", ...
    source: str

    def __init__(self, product: str, version: str, codename: str, end: str | None, kind: str, source: str) -> None:
        setfield(self, "product", product)
        setfield(self, "version", version)
        setfield(self, "codename", codename)
        setfield(self, "end", end)
        setfield(self, "kind", kind)
        setfield(self, "source", source)


_EOL_FIELDS = {
    "python": ("eol", "security support"),
    "debian": ("lts_end", "Debian LTS"),  # python:*-bookworm is still built after bookworm's regular eol
    "ubuntu": ("standard_support_end", "standard support"),
    "centos": ("eol", "updates"),
    "rhel": ("maintenance_end", "maintenance support"),
    "alpine": ("eol", "support"),
}


def eol(product: str, version_or_codename: str) -> EolEntry | None:
    """The end-of-life entry of ``product`` (by version ``"20.04"``/``"10"`` or codename ``"buster"``)."""
    field_name, kind = _EOL_FIELDS[product]
    key = version_or_codename.lower()
    for row in load("eol").get(product, []):
        if key in (row["version"], row.get("codename", "")):
            end = _date(row.get(field_name, ""))
            return EolEntry(product, row["version"], row.get("codename", ""), end, kind, row.get("source", ""))
    return None


@cache
def docker_official_images() -> frozenset[str]:
    """One-word repositories that are Docker Official Images (``python``, ``ubuntu``...)."""
    return frozenset(load("images")["docker_official_images"]["names"])


@cache
def no_musllinux_packages() -> frozenset[str]:
    """Packages that publish no musllinux wheels (ML203): verified rows and the unverified ones (ML203 is a
    warning, never an error)."""
    data = load("packages")
    rows = data.get("no_musllinux", []) + data.get("no_musllinux_unverified", [])
    return frozenset(normalize(row["package"]) for row in rows)


@cache
def python_tooling() -> frozenset[str]:
    """Test, lint, docs and build tools (ML703 does not ask to pin them: they are not what the image runs)."""
    return frozenset(normalize(name) for name in load("packages")["python_tooling"]["names"])
