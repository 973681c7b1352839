"""An organisation policy (``[tool.mllint.policy]``, ``[policy]`` in ``.mllint.toml``) as the ML9xx rules read it,
and the matching it needs: image globs, registries, index URLs and conda channels.

A plain dataclass: config.py validates the TOML (with pydantic) and builds it; rules never see pydantic. Each
key remembers the file that set it (``extend`` chains merge the policy key by key), so a finding can name
the file and key it broke.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..images import full_name
from ..model import ImageRef
from ..records import Frozen, setfield
from .urls import split_url

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any

#: the policy keys, as written in TOML
KEYS = (
    "allowed-registries",
    "allowed-images",
    "denied-images",
    "required-labels",
    "label-schema",
    "strict-labels",
    "allowed-indexes",
    "allowed-channels",
    "denied-packages",
    "require",
)
#: the value types ``label-schema`` knows (besides ``regex:PATTERN``)
LABEL_TYPES = ("text", "url", "semver", "hash", "rfc3339", "spdx", "email")
#: what ``require`` may ask of an image besides an instruction keyword (``HEALTHCHECK``, ``USER``, ...)
REQUIREMENTS = ("numeric-user", "non-root-user")
#: the instructions ``require`` may name
INSTRUCTIONS = ("HEALTHCHECK", "USER", "LABEL", "EXPOSE", "WORKDIR", "ENTRYPOINT", "CMD", "STOPSIGNAL", "SHELL")

_DOCKER_HUB = ("docker.io", "index.docker.io", "registry-1.docker.io")


class Policy(Frozen):
    """The merged policy; a key that no config file sets is not in ``sources`` and its rule stays off."""

    _fields = (
        "allowed_registries",
        "allowed_images",
        "denied_images",
        "required_labels",
        "label_schema",
        "strict_labels",
        "allowed_indexes",
        "allowed_channels",
        "denied_packages",
        "require",
        "sources",
    )
    __slots__ = _fields
    allowed_registries: tuple[str, ...]
    allowed_images: tuple[str, ...]
    denied_images: tuple[str, ...]
    required_labels: tuple[str, ...]
    label_schema: dict[str, str]
    strict_labels: bool
    allowed_indexes: tuple[str, ...]
    allowed_channels: tuple[str, ...]
    denied_packages: tuple[str, ...]
    #: role (or ``all``) -> requirements (instruction keywords, ``numeric-user``, ``non-root-user``)
    require: dict[str, tuple[str, ...]]
    #: policy key -> the config file that set it
    sources: dict[str, str]

    def __init__(
        self,
        allowed_registries: tuple[str, ...] = (),
        allowed_images: tuple[str, ...] = (),
        denied_images: tuple[str, ...] = (),
        required_labels: tuple[str, ...] = (),
        label_schema: dict[str, str] | None = None,
        strict_labels: bool = False,
        allowed_indexes: tuple[str, ...] = (),
        allowed_channels: tuple[str, ...] = (),
        denied_packages: tuple[str, ...] = (),
        require: dict[str, tuple[str, ...]] | None = None,
        sources: dict[str, str] | None = None,
    ) -> None:
        setfield(self, "allowed_registries", allowed_registries)
        setfield(self, "allowed_images", allowed_images)
        setfield(self, "denied_images", denied_images)
        setfield(self, "required_labels", required_labels)
        setfield(self, "label_schema", ({}) if label_schema is None else label_schema)
        setfield(self, "strict_labels", strict_labels)
        setfield(self, "allowed_indexes", allowed_indexes)
        setfield(self, "allowed_channels", allowed_channels)
        setfield(self, "denied_packages", denied_packages)
        setfield(self, "require", ({}) if require is None else require)
        setfield(self, "sources", ({}) if sources is None else sources)

    def configured(self, key: str) -> bool:
        return key in self.sources

    def where(self, *keys: str) -> str:
        """``(policy in FILE)`` for the configured ``keys``: what a message appends."""
        files = list(dict.fromkeys(self.sources[key] for key in keys if key in self.sources))
        return f"(policy in {' and '.join(files)})" if files else "(policy)"


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A policy glob: ``**`` matches across ``/``, ``*`` and ``?`` within one path segment, the rest literally."""
    return _glob_regex(pattern)


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"(\*\*|\*|\?)", pattern)
    wildcard = {"**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(wildcard.get(part, re.escape(part)) for part in parts), re.IGNORECASE)


def registry_of(image: ImageRef) -> str:
    """The registry an image is pulled from: ``python:3.11`` comes from ``docker.io``."""
    return image.registry or "docker.io"


def _normal_registry(text: str) -> str:
    text = text.strip().lower().rstrip("/")
    return "docker.io" if text in _DOCKER_HUB else text


def registry_allowed(image: ImageRef, patterns: tuple[str, ...]) -> bool:
    registry = registry_of(image)
    return any(glob_regex(_normal_registry(pattern)).fullmatch(registry) for pattern in patterns)


def image_names(image: ImageRef) -> list[str]:
    """The spellings a pattern may match: ``python``, ``docker.io/python``, ``docker.io/library/python``, each
    bare and with its tag and/or digest."""
    name = full_name(image)
    names = [name]
    if image.registry is None:
        names += [f"docker.io/{name}"]
        if "/" not in name:
            names.append(f"docker.io/library/{name}")
    spelled: list[str] = []
    for base in names:
        spelled.append(base)
        if image.tag:
            spelled.append(f"{base}:{image.tag}")
        if image.digest:
            spelled.append(f"{base}@{image.digest}")
            if image.tag:
                spelled.append(f"{base}:{image.tag}@{image.digest}")
    return spelled


def image_pattern(image: ImageRef, patterns: tuple[str, ...]) -> str | None:
    """The first pattern naming ``image`` (a name without a tag matches every tag), else None."""
    names = image_names(image)
    for pattern in patterns:
        regex = glob_regex(pattern.strip())
        if any(regex.fullmatch(name) for name in names):
            return pattern
    return None


def _normal_url(text: str) -> str:
    """A package index URL without credentials, query or trailing slash, scheme and host lowercased."""
    try:
        parts = split_url(text.strip())
    except ValueError:
        return text.strip().rstrip("/")
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    if not parts.scheme or not host:
        return text.strip().rstrip("/")
    return f"{parts.scheme.lower()}://{host.lower()}{parts.path.rstrip('/')}"


def url_allowed(url: str, patterns: tuple[str, ...]) -> bool:
    """Whether an index URL is one of ``patterns``: the URL itself, a URL below it (``…/simple`` allows
    ``…/simple/``), or a glob (``https://pypi.corp/**``). Credentials in the URL do not count."""
    normal = _normal_url(url)
    for pattern in patterns:
        wanted = _normal_url(pattern)
        if any(c in pattern for c in "*?"):
            if glob_regex(wanted).fullmatch(normal):
                return True
        elif normal == wanted or normal.startswith(wanted + "/"):
            return True
    return False


def channel_name(channel: str) -> str:
    """A conda channel as a name: ``https://conda.anaconda.org/conda-forge/`` -> ``conda-forge``."""
    text = channel.strip().rstrip("/")
    match = re.fullmatch(r"https?://conda\.anaconda\.org/([^/]+)", text, re.IGNORECASE)
    return match.group(1) if match else text


def channel_allowed(channel: str, patterns: tuple[str, ...]) -> bool:
    name = channel_name(channel)
    return any(
        glob_regex(channel_name(pattern)).fullmatch(name) or url_allowed(channel, (pattern,)) for pattern in patterns
    )


def denied_package(text: str) -> tuple[str, Any] | None:
    """A ``denied-packages`` entry as (normalized name, ``packaging`` SpecifierSet or None); None when invalid."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    from .packages import parse

    requirement = parse(text)
    if requirement is None or requirement.tail or requirement.extras_text or requirement.marker is not None:
        return None
    if not requirement.specifier:
        return requirement.key, None
    try:
        return requirement.key, SpecifierSet(requirement.specifier)
    except InvalidSpecifier:
        return None
