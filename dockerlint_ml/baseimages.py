"""What a known base image already provides, read from the base-image knowledge (knowledge/base_images.toml).

Rules read it as if it were written in the file: the USER it runs as, its HEALTHCHECK, WORKDIR, ENV, which of
python/curl/wget it has, the users that exist, and what the image is for.
"""

from __future__ import annotations

from .images import full_name
from .knowledge import BaseImage, base_image
from .model import ImageRef

__all__ = ["BaseImage", "known_base"]


def known_base(image: ImageRef | None) -> BaseImage | None:
    """The knowledge row for ``image`` (None for unknown, unresolved or scratch images)."""
    if image is None or not image.resolved or image.is_scratch:
        return None
    return base_image(full_name(image), image.tag)
