"""CUDA-build resolution per framework: which build (CUDA or CPU, which CUDA version, whether it loads the
system CUDA/cuDNN or brings them as pip packages) an install of torch, tensorflow, onnxruntime, jax, cupy,
TensorRT, paddle or an nvidia-* package selects, from its version, local label, extras and package index.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ... import knowledge as kb
from ...lazy_re import lazy
from .records import Cuda, Install, _set, cuda_of, cuda_of_label

_PYTORCH_INDEX = lazy(r"download\.pytorch\.org/whl/(?:nightly/|test/)?(cu\d+|cpu|rocm[\d.]+)(?:/|$)")


_TORCH_FAMILY = frozenset({"torch", "torchvision", "torchaudio"})


_PYPI = ("https://pypi.org/simple", "https://pypi.python.org/simple")


def _variant_of_urls(urls: Sequence[str]) -> str | None:
    for url in urls:
        match = _PYTORCH_INDEX.search(url)
        if match:
            return match.group(1)
    return None


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


_MAYBE_GPU_PACKAGE = lazy(r"cuda|cupy|tensorrt|^nvidia-|^paddlepaddle-gpu$")


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
