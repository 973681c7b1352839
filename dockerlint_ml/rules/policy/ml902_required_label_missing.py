"""ML902 required-label-missing: a label the policy requires is not set in the shipped image.

Reference page: rules/ML902.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ._shared import final_lineage, labels


class RequiredLabelMissing(Rule):
    """Each label in ``required-labels`` must be set by a LABEL of the final stage or a stage it is built FROM
    (Docker copies labels down the lineage). A LABEL whose key depends on an unknown variable might be any of
    them: the rule stays silent then. The base image's own labels are not known (base-image knowledge has no
    labels), so a label only the base image sets is reported: set it here too."""

    id = "ML902"
    name = "required-label-missing"
    severity = Severity.WARNING
    summary = "a label in the policy's `required-labels` is not set in the final stage"
    tags = ("policy", "metadata")
    policy_keys = ("required-labels",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        policy = ctx.policy
        final = ctx.final_stage
        if policy is None or final is None or not policy.required_labels:
            return
        found = list(labels(final_lineage(ctx)))
        if any(label.key is None for label in found):
            return  # `LABEL $NAME=...`: it may be the one required
        present = {label.key for label in found}
        missing = [name for name in policy.required_labels if name not in present]
        if not missing:
            return
        names = ", ".join(f"`{name}`" for name in missing)
        example = " ".join(f'{name}="..."' for name in missing)
        stage = f"the final stage `{final.label}`" if final.name else "the final stage"
        yield self.problem(
            final.from_instruction,
            f"{names} {'is' if len(missing) == 1 else 'are'} required by `required-labels` "
            f"{policy.where('required-labels')} but not set in {stage}: add `LABEL {example}`",
            policy_key="required-labels",
        )
