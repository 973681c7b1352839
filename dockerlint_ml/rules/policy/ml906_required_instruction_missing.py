"""ML906 required-instruction-missing: the shipped image lacks what the policy's `require` asks for its role.

Reference page: rules/ML906.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...lazy_re import lazy
from ...model import Instruction, Severity
from ..base import Problem, Rule, RuleContext
from ..common import final_user, is_root_user
from ._shared import final_lineage

_NUMERIC_USER = lazy(r"\d+(?::\d+)?")

#: what to add, per requirement, in messages
_ADVICE = {
    "HEALTHCHECK": "add `HEALTHCHECK CMD ...` that probes the service",
    "USER": "add `USER <uid>` after the installs",
    "numeric-user": "set `USER 10001:10001` (a numeric UID, so Kubernetes `runAsNonRoot` can verify it)",
    "non-root-user": "create a user and switch to it: `RUN useradd -r -u 10001 app` then `USER 10001`",
}


class RequiredInstructionMissing(Rule):
    """``require = { serving = ["HEALTHCHECK", "numeric-user"], all = ["USER"] }``: per image role (``all``: every
    role), instruction keywords that must appear in the final stage or a stage it is built FROM (a known base
    image's HEALTHCHECK or USER counts), ``non-root-user`` (the last USER is not root) and ``numeric-user`` (the
    last USER is a numeric UID). A USER whose value depends on an unknown variable is not judged."""

    id = "ML906"
    name = "required-instruction-missing"
    severity = Severity.WARNING
    summary = "an instruction the policy's `require` asks for in images of this role is missing"
    tags = ("policy",)
    policy_keys = ("require",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        policy = ctx.policy
        final = ctx.final_stage
        if policy is None or final is None:
            return
        role = ctx.role.role
        wanted = dict.fromkeys((*policy.require.get("all", ()), *policy.require.get(role, ())))
        for requirement in wanted:
            problem = self._unmet(ctx, requirement)
            if problem is None:
                continue
            at, what = problem
            yield self.problem(
                at,
                f"{what}, but `require` {policy.where('require')} asks for `{requirement}` in {role} images: "
                f"{_ADVICE.get(requirement, f'add a `{requirement}` instruction')}",
                policy_key="require",
            )

    def _unmet(self, ctx: RuleContext, requirement: str) -> tuple[Instruction, str] | None:
        """Where and why ``requirement`` is not met, or None when it is (or cannot be told)."""
        final = ctx.final_stage
        assert final is not None
        base = ctx.base_image
        stage = f"the final stage `{final.label}`" if final.name else "the final stage"
        if requirement in ("numeric-user", "non-root-user"):
            found = final_user(ctx)
            if found is None:
                user = base.user if base is not None else None
                if user is not None and self._user_ok(requirement, user):
                    return None
                return final.from_instruction, f"{stage} sets no USER (it runs as root)"
            instruction, value = found
            if value is None or self._user_ok(requirement, value):
                return None
            return instruction, f"`USER {value}` is {'root' if is_root_user(value) else 'not a numeric UID'}"
        instructions = [i for stage in final_lineage(ctx) for i in stage.body if i.keyword == requirement]
        if requirement == "HEALTHCHECK":
            last = instructions[-1] if instructions else None
            if last is not None and last.args.strip().upper().startswith("NONE"):
                return last, "`HEALTHCHECK NONE` turns the health check off"
            if last is not None or (base is not None and base.healthcheck):
                return None
        elif instructions or (requirement == "USER" and base is not None and base.user is not None):
            return None
        return final.from_instruction, f"{stage} has no {requirement} instruction"

    @staticmethod
    def _user_ok(requirement: str, user: str) -> bool:
        if is_root_user(user):
            return False
        return requirement == "non-root-user" or _NUMERIC_USER.fullmatch(user.strip()) is not None
