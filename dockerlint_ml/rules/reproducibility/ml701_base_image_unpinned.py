"""ML701 base-image-unpinned: FROM image without a tag, or with a moving tag such as :latest.

Reference page: rules/ML701.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model import Severity, Stage, Word
from ..base import Problem, Rule, RuleContext
from ..common import from_image_word
from ._shared import _NIGHTLY_NAME, _at_base, _external_images, _subject, arg_origin

_MOVING_TAGS = frozenset({"latest", "rolling", "nightly", "edge", "main", "master"})


def moving_tag(tag: str | None) -> bool:
    """``latest``, ``rolling``, ``nightly``, ``edge``, ``main``, ``master``, or ``latest``/``nightly`` as a
    ``-``/``.`` component (``latest-gpu``, ``2.1-nightly``)."""
    if not tag:
        return False
    lowered = tag.lower()
    return lowered in _MOVING_TAGS or bool({"latest", "nightly"} & set(re.split(r"[-.]", lowered)))


def _built_by_the_pipeline(ctx: RuleContext, stage: Stage) -> bool:
    """A base that the same build pipeline makes, whose tag is the pipeline's business: a one-word name that is
    not a Docker Official Image (`tritonserver_cibase`), or a name whose registry or namespace the pipeline
    passes in (`ARG BASE_IMAGE=$REGISTRY/$OWNER/base-notebook`, a chain of images built together)."""
    from ... import knowledge as kb

    image = stage.image
    assert image is not None
    if image.registry is None and "/" not in image.repository and image.repository not in kb.docker_official_images():
        return True
    origin = arg_origin(ctx, stage)
    if origin is not None and "$" in origin.value:
        prefix = origin.value.rsplit("/", 1)[0] if "/" in origin.value else ""
        return "$" in prefix
    word = from_image_word(stage)
    raw = word.raw if isinstance(word, Word) else ""
    return "/" in raw and "$" in raw.rsplit("/", 1)[0] and image.tag is None


class BaseImageUnpinned(Rule):
    """``FROM image`` with no tag, or with a moving tag (``:latest``, ``:rolling``, ``:nightly``…): the base
    changes under you between builds."""

    id = "ML701"
    name = "base-image-unpinned"
    severity = Severity.WARNING
    summary = "FROM image without a tag, or with a moving tag such as :latest"
    tags = ("reproducibility",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        from ...facts import needed_stages

        needed = needed_stages(ctx.dockerfile, ctx.shipped_indexes)
        reported: set = set()
        for stage, _word in _external_images(ctx):
            image = stage.image
            assert image is not None
            if image.digest or stage.index not in needed or (image.tag is not None and not moving_tag(image.tag)):
                continue
            if _NIGHTLY_NAME.search(image.name):
                continue  # a nightly repository (`torchserve-nightly:latest-gpu`) floats by design
            if _built_by_the_pipeline(ctx, stage):
                continue
            found = _at_base(ctx, stage, reported)
            if found is None:
                continue
            at, origin = found
            subject = _subject(stage, origin)
            # An ARG default is what a plain `docker build` uses; pipelines that pass `--build-arg` (most that
            # template their FROM) are unaffected: worth knowing, not a warning.
            severity = Severity.INFO if origin is not None else None
            if image.tag is None:
                yield self.problem(
                    at,
                    f"{subject} has no tag, so it means `:latest`, which moves with every release: "
                    f"pin a version tag (e.g. `{image.raw}:<version>`), ideally with an `@sha256:` digest",
                    severity=severity,
                )
            elif _partly_pinned(image.tag):
                yield self.problem(
                    at,
                    f"{subject} uses `:{image.tag}`: its version parts are pinned, but `latest` floats with each "
                    "release of the image's own tool: pin its version too, or an `@sha256:` digest",
                    severity=Severity.INFO,
                )
            else:
                yield self.problem(
                    at,
                    f"{subject} uses `:{image.tag}`, which moves with every release: pin a version tag, ideally "
                    "with an `@sha256:` digest (only a digest, if the publisher ships no version tags)",
                    severity=severity,
                )


def _partly_pinned(tag: str) -> bool:
    """``latest-rust-1.92-bookworm``: ``latest`` next to a version part (the toolchain pinned, the tool not)."""
    parts = re.split(r"[-.]", tag.lower())
    return "latest" in parts and any(part[:1].isdigit() for part in parts)
