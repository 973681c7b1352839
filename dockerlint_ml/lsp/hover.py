"""Hover text (Markdown): on a finding, what its rule is about; on a ``FROM``, what ``--facts`` knows of the base."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import Dockerfile, Finding, Instruction
from ..pages import page_text, rule_url, summary_paragraph
from ..settings import Settings


def finding_hover(finding: Finding, rules: Sequence[Any]) -> str:
    """The rule's one-line summary and the first paragraph of its page, with a link to the page."""
    rule = next((rule for rule in rules if rule.id == finding.rule), None)
    summary = rule.summary if rule is not None else ""
    about = summary_paragraph(page_text(finding.rule), first_only=True)
    parts = [f"**{finding.rule}** `{finding.name}` ({finding.severity.value}): {summary}".rstrip(": ")]
    if about:
        parts.append(about)
    parts.append(f"[{finding.rule} reference]({rule_url(finding.rule)})")
    return "\n\n".join(parts)


def from_hover(dockerfile: Dockerfile, instruction: Instruction, settings: Settings, build_context: Any) -> str | None:
    """The ``--facts`` block of the stage this ``FROM`` starts, and the base-image knowledge row if one matches."""
    from ..baseimages import known_base
    from ..facts import dockerfile_facts
    from ..report.facts import facts_as_dict, render_text
    from ..rules.base import RuleContext
    from ..settings import all_targets

    stage = next((s for s in dockerfile.stages if s.from_instruction.span == instruction.span), None)
    if stage is None:
        return None
    ctx = RuleContext(dockerfile, all_targets(settings)[0], settings.rule_options, build_context, settings.roles)
    facts = dockerfile_facts(dockerfile, build_context, ctx.shipped_indexes)
    stages = facts_as_dict(dockerfile, facts)["stages"]
    block = render_text({"path": "", "stages": [stages[stage.index]]}).splitlines()[1:]
    parts = [f"**{stage.image.raw if stage.image else stage.base_text}**: what mllint infers (`mllint --facts`)"]
    parts.append("```text\n" + "\n".join(line[2:] for line in block) + "\n```")
    root = dockerfile.lineage(stage)[0]
    known = known_base(root.image)
    if known is not None:
        parts.append(_knowledge(known))
    return "\n\n".join(parts)


def _knowledge(base: Any) -> str:
    """The base-image knowledge row as a short list: what rules read as if it were written in the file."""
    rows = [f"Base-image knowledge `{base.key}`{'' if base.verified else ' (unverified)'}:"]
    rows.append(f"- runs as: {base.user or 'root'}")
    if base.healthcheck is not None:
        rows.append(f"- HEALTHCHECK: {'yes' if base.healthcheck else 'no'}")
    if base.workdir:
        rows.append(f"- WORKDIR: `{base.workdir}`")
    if base.tools is not None:
        rows.append(f"- has: {', '.join(sorted(base.tools)) or 'none of python, curl, wget'}")
    if base.role:
        rows.append(f"- made for: {base.role}" + (f" (port {base.port})" if base.port else ""))
    if base.env:
        rows.append("- ENV: " + ", ".join(f"`{name}`" for name in sorted(base.env)))
    return "\n".join(rows)
