"""ML702 base-image-no-digest: FROM without an @sha256: digest.

Reference page: rules/ML702.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ._shared import _external_images


class BaseImageNoDigest(Rule):
    """``FROM`` without ``@sha256:``: a tag can be re-pushed; only a digest names fixed bytes."""

    id = "ML702"
    name = "base-image-no-digest"
    severity = Severity.INFO
    summary = "FROM without an @sha256: digest"
    tags = ("reproducibility",)
    enabled_by_default = False

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for stage, word in _external_images(ctx):
            image = stage.image
            assert image is not None
            if image.digest:
                continue
            yield self.problem(
                word,
                f"`FROM {image.raw}` has no digest, and a tag can be re-pushed: pin it as "
                f"`{image.raw}@sha256:<digest>` (keep the tag for readers; Dependabot/Renovate can bump both)",
            )
