"""ML201 fat-base-image: the final stage is based on a full image where a slim variant serves.

Reference page: rules/ML201.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ...images import full_name
from ...lazy_re import lazy
from ...model import ImageRef, Severity
from ...roles import DEPLOYED
from ..base import Problem, Rule, RuleContext
from ..common import from_image_word, image_matches, tag_tokens
from ._shared import _base_image, _without_tag

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any, ClassVar

# ML201 fat-base-image

DEBIAN_CODENAMES = frozenset({"jessie", "stretch", "buster", "bullseye", "bookworm", "trixie", "forky"})

_PYTHON_VERSION = lazy(r"\d+(?:\.\d+)*(?:(?:a|b|rc)\d*)?")


def _full_python_tag(tag: str | None) -> bool:
    """Whether a ``python`` tag names the full Debian image (``3.11``, ``3.11-bookworm``, ``latest``)."""
    return all(
        token in DEBIAN_CODENAMES or token in ("latest", "rc") or _PYTHON_VERSION.fullmatch(token)
        for token in tag_tokens(tag or "latest")
    )


def _slim_tag(tag: str | None) -> str:
    tokens = [t for t in tag_tokens(tag or "latest") if t != "latest"]
    codename = next((i for i, t in enumerate(tokens) if t in DEBIAN_CODENAMES), len(tokens))
    return "-".join([*tokens[:codename], "slim", *tokens[codename:]])


def _is_python_image(image: ImageRef) -> bool:
    return image.repository == "python" or image.repository.endswith("/library/python")


class FatBaseImage(Rule):
    """The final image is built on a full distribution image where a lean variant serves."""

    id = "ML201"
    name = "fat-base-image"
    severity = Severity.WARNING
    summary = "the final stage is based on a full image where a slim variant serves"
    tags = ("size",)
    roles = DEPLOYED
    options: ClassVar[Mapping[str, Any]] = {"allowed-images": ()}

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        final = ctx.final_stage
        found = _base_image(ctx, final) if final is not None else None
        if found is None:
            return
        root, image = found
        if image_matches(image, ctx.options(self)["allowed-images"]):
            return
        if _is_python_image(image) and (image.tag or not image.digest) and _full_python_tag(image.tag):
            slim = f"{_without_tag(image)}:{_slim_tag(image.tag)}"
            yield self.problem(
                from_image_word(root),
                f"`{image.raw}` is the full Debian image (compilers, headers, ~1 GB) that ships with the final "
                f"stage: use `{slim}` and install only the system packages you need",
            )
        elif full_name(image) == "continuumio/anaconda3":
            yield self.problem(
                from_image_word(root),
                f"`{image.raw}` ships the whole Anaconda distribution (several GB of packages the app does not "
                "use): start from `continuumio/miniconda3` or `mambaorg/micromamba` and install what you need",
            )
