"""ML402 healthcheck-tool-missing: HEALTHCHECK uses curl/wget that the image does not have.

Reference page: rules/ML402.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...baseimages import known_base
from ...model import ImageRef, Severity
from ..base import Problem, Rule, RuleContext
from ._shared import TOOL_PACKAGES, _lineage_instructions, _root_image, _tool_provided


def base_http_tools(image: ImageRef | None) -> frozenset[str] | None:
    """curl/wget in a base image, from the base-image knowledge; None when not known (scratch has neither)."""
    if image is not None and image.is_scratch:
        return frozenset()
    base = known_base(image)
    if base is None or base.tools is None:
        return None
    return base.tools & {"curl", "wget"}


class HealthcheckToolMissing(Rule):
    """The HEALTHCHECK calls curl/wget, which the image does not contain."""

    id = "ML402"
    name = "healthcheck-tool-missing"
    severity = Severity.ERROR
    summary = "HEALTHCHECK uses curl/wget that the image does not have"
    tags = ("serving",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        healthchecks = _lineage_instructions(ctx, "HEALTHCHECK")
        if not healthchecks:
            return
        effective = healthchecks[-1]
        used = [c for c in effective.commands if c.name in TOOL_PACKAGES]
        if not used:
            return
        image = _root_image(ctx)
        base_tools = base_http_tools(image)
        if base_tools is None:
            return
        for command in used:
            tool = command.name
            if tool in base_tools or _tool_provided(ctx, tool):
                continue
            yield self.problem(
                command.words[0],
                f"HEALTHCHECK runs `{tool}`, but `{image.raw if image else 'the base image'}` does not ship it and "
                f"no shipped stage installs it, so the check always fails and the container is marked unhealthy: "
                f"install {tool} in the final stage or probe with the server's own runtime "
                '(e.g. `python -c "import urllib.request ..."`)',
                # a claim that rests on unverified knowledge is never an error
                severity=None if ctx.base_image is None or ctx.base_image.verified else Severity.WARNING,
            )
