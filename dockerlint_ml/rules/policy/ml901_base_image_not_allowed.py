"""ML901 base-image-not-allowed: a FROM image outside the policy's registries and images, or a denied one.

Reference page: rules/ML901.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...analysis.policy import image_pattern, registry_allowed, registry_of
from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ..common import from_image_word


class BaseImageNotAllowed(Rule):
    """Every stage's FROM image (ARG defaults resolved) is checked against ``denied-images``, then against
    ``allowed-registries``/``allowed-images`` (passing either is enough). Stage references, ``scratch`` and
    images whose name depends on an ARG without a default are left alone: the image is not known."""

    id = "ML901"
    name = "base-image-not-allowed"
    severity = Severity.ERROR
    summary = "a FROM image is outside the policy's allowed registries/images, or is denied"
    tags = ("policy", "supply-chain")
    policy_keys = ("allowed-registries", "allowed-images", "denied-images")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        policy = ctx.policy
        if policy is None:
            return
        allow_keys = [key for key in ("allowed-registries", "allowed-images") if policy.configured(key)]
        for stage in ctx.dockerfile.stages:
            image = stage.image
            if image is None or not image.resolved or image.is_scratch:
                continue  # a stage reference, an unknown ARG, or no image at all
            at = from_image_word(stage)
            denied = image_pattern(image, policy.denied_images)
            if denied is not None:
                yield self.problem(
                    at,
                    f"`FROM {image.raw}` matches `{denied}` in `denied-images` {policy.where('denied-images')}:"
                    " base the stage on an image the policy allows",
                    policy_key="denied-images",
                )
                continue
            if not allow_keys:
                continue
            if registry_allowed(image, policy.allowed_registries) or image_pattern(image, policy.allowed_images):
                continue
            yield self.problem(
                at, self._message(image.raw, registry_of(image), policy, allow_keys), policy_key=allow_keys[0]
            )

    @staticmethod
    def _message(raw: str, registry: str, policy: object, keys: list[str]) -> str:
        allowed = [*policy.allowed_registries, *policy.allowed_images]  # type: ignore[attr-defined]
        examples = ", ".join(f"`{item}`" for item in allowed[:3]) + (", ..." if len(allowed) > 3 else "")
        advice = f"use an image from {examples}" if allowed else "the policy allows no image"
        named = " nor ".join(f"`{key}`" for key in keys)
        where = policy.where(*keys)  # type: ignore[attr-defined]
        verb = "is in neither" if len(keys) > 1 else "is not in"
        return f"`FROM {raw}` (registry {registry}) {verb} {named} {where}: {advice}"
