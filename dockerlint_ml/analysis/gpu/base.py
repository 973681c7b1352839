"""Base-image classification: what the image a stage is built on provides (kind, CUDA, cuDNN, flavor, OS,
Python, the frameworks it ships), from its name and tag and the knowledge tables. An unknown image gives None
fields: unknown is not bad.
"""

from __future__ import annotations

import re

from ... import knowledge as kb
from ...images import full_name
from ...model import ImageRef
from .records import BaseFacts, cuda_of

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
