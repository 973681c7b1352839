"""Image reference grammar: ``[registry/]repository[:tag][@digest]``, normalized for Docker Hub."""

from __future__ import annotations

from .model import ImageRef

_DOCKER_HUB = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})


def parse_image_ref(text: str, resolved: bool = True) -> ImageRef:
    """Parse an image reference; ``resolved`` says whether every ARG in it had a known value."""
    remainder, _, digest = text.partition("@")
    registry: str | None = None
    first, slash, rest = remainder.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry, remainder = first.lower(), rest
    repository, tag = remainder, None
    last_slash = remainder.rfind("/")
    colon = remainder.rfind(":")
    if colon > last_slash:
        repository, tag = remainder[:colon], remainder[colon + 1 :]
    if registry in _DOCKER_HUB:
        registry = None
    if registry is None and repository.startswith("library/"):
        repository = repository[len("library/") :]
    return ImageRef(
        raw=text,
        registry=registry,
        repository=repository.lower(),
        tag=tag or None,
        digest=digest or None,
        resolved=resolved and "$" not in text,
    )


def full_name(image: ImageRef) -> str:
    """``registry/repository`` (or just the repository for Docker Hub), for matching against image families."""
    return f"{image.registry}/{image.repository}" if image.registry else image.repository


def is_alpine(image: ImageRef | None) -> bool:
    """An Alpine (musl, busybox) image: `alpine`, or a tag with an `alpine…` component (`3.12-alpine3.19`)."""
    if image is None:
        return False
    tokens = image.tag.lower().split("-") if image.tag else []
    return image.name == "alpine" or any(token.startswith("alpine") for token in tokens)


def is_jetson(image: ImageRef | None) -> bool:
    """An NVIDIA Jetson (L4T) image: `nvcr.io/nvidia/l4t-*` (l4t-base, l4t-jetpack, l4t-ml, l4t-pytorch...) or
    dusty-nv's `dustynv/*` builds. On Jetson a non-root user needs the host's GPU device groups (video, and on
    JetPack 6 more) to initialise CUDA: NVIDIA/nvidia-docker#1449, dusty-nv/jetson-containers#1136."""
    if image is None:
        return False
    name = full_name(image).lower()
    return any(part.startswith("l4t-") or part == "l4t" for part in name.split("/")) or name.startswith("dustynv/")
