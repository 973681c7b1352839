"""ML905 denied-package: an install of a package (or version range) the policy denies.

Reference page: rules/ML905.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity
from ..base import Problem, Rule, RuleContext

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any


def _denied(install: Any, entries: list[tuple[str, str, Any]]) -> str | None:
    """The ``denied-packages`` entry ``install`` falls under. A versioned entry (``torch<2.2``) needs the
    install's exact version (``==``): an unpinned or ranged install may resolve outside it, so it stays silent."""
    for text, name, specifier in entries:
        if install.package != name:
            continue
        if specifier is None:
            return text
        version = install.version
        if version and not version.endswith("*") and specifier.contains(version, prereleases=True):
            return text
    return None


class DeniedPackage(Rule):
    """Every package a pip, uv or conda command installs, in any stage (requirements files and project
    manifests in the build context included, as the stage facts read them), against ``denied-packages``."""

    id = "ML905"
    name = "denied-package"
    severity = Severity.ERROR
    summary = "an install of a package (or version range) listed in the policy's `denied-packages`"
    tags = ("policy", "supply-chain")
    policy_keys = ("denied-packages",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        policy = ctx.policy
        if policy is None or not policy.denied_packages:
            return
        from ...analysis.policy import denied_package
        from ...facts import facts_for

        entries = []
        for text in policy.denied_packages:
            parsed = denied_package(text)
            if parsed is not None:
                entries.append((text, *parsed))
        seen: set[tuple[int, object, str]] = set()
        for facts in facts_for(ctx):
            for install in facts.installs:  # a stage's facts repeat its FROM-ancestors' installs: once each
                key = (id(install.instruction), install.at.span, install.package)
                if key in seen:
                    continue
                seen.add(key)
                entry = _denied(install, entries)
                if entry is None:
                    continue
                via = f" (from `{install.via}`)" if install.via else ""
                yield self.problem(
                    install.at,
                    f"`{install.spec}`{via} is denied by `{entry}` in `denied-packages` "
                    f"{policy.where('denied-packages')}: remove it or install a version/alternative the policy allows",
                    policy_key="denied-packages",
                )
