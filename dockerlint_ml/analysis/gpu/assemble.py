"""Whole-file assembly: the facts of every stage (``dockerfile_facts``), cached once per rule context
(``facts_for``), the stages a build of the shipped image runs (``needed_stages``), the Python an install runs
with (``python_for``) and whether an install reaches the shipped image (``reaches_image``).
"""

from __future__ import annotations

from ...model import Dockerfile, Instruction, ShellCommand
from .base import base_facts
from .copies import _copied_installs
from .installs import _StageWalker
from .records import Install, StageFacts

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any


def dockerfile_facts(
    dockerfile: Dockerfile, build_context: Any = None, shipped: frozenset[int] = frozenset()
) -> list[StageFacts]:
    """Facts of every stage (installs of a stage include its FROM-ancestors'), plus installs carried in by
    ``COPY --from=<stage>`` of the environment they went into (venv, site-packages, conda prefix, ...)."""
    result: list[StageFacts] = []
    for stage in dockerfile.stages:  # a stage copies from and builds on earlier stages only
        lineage = dockerfile.lineage(stage)
        root = lineage[0]
        facts = StageFacts(stage, base_facts(root.image, root.index), stage.index in shipped)
        _StageWalker(facts, dockerfile, lineage, build_context).run()
        facts.copied = _copied_installs(dockerfile, facts, result, lineage)
        result.append(facts)
    return result


def python_for(facts: StageFacts, install: Install) -> tuple[str, str] | None:
    """The Python an install runs with: the command's own interpreter (``python3.11 -m pip``), else the
    base image's (``python:3.11``) when the stage installs no other Python."""
    if install.python:
        return install.python, install.python_source
    if install.copied_from is not None or install.tool == "conda":
        return None
    if facts.base.python and not facts.pythons:
        return facts.base.python, f"base image `{facts.base.reference}`"
    return None


def facts_for(ctx: Any) -> list[StageFacts]:
    """The facts of a RuleContext's Dockerfile, computed once per context."""
    cached = ctx.__dict__.get("_stage_facts")
    if cached is None:
        cached = dockerfile_facts(ctx.dockerfile, ctx.build_context, ctx.shipped_indexes)
        ctx.__dict__["_stage_facts"] = cached
    return cached


def needed_stages(dockerfile: Dockerfile, shipped: frozenset[int]) -> frozenset[int]:
    """Stages a build of the final stage runs: shipped ones and those they COPY --from or mount from,
    with their FROM-ancestors, transitively."""
    needed: set[int] = set()
    pending = list(shipped)
    while pending:
        index = pending.pop()
        if index in needed:
            continue
        needed.add(index)
        stage = dockerfile.stages[index]
        if stage.parent is not None:
            pending.append(stage.parent)
        names = [i.flag("from").value for i in stage.instructions if i.keyword == "COPY" and i.flag("from")]  # type: ignore[union-attr]
        names += [m.get("from", "") for i in stage.instructions for m in i.mounts()]
        for name in names:
            origin = dockerfile.stage_named(name) if name else None
            if origin is not None:
                pending.append(origin.index)
    return frozenset(needed)


def reaches_image(ctx: Any, instruction: Instruction, command: ShellCommand) -> bool:
    """Whether what ``command`` (an install in ``instruction``) installs ends up in the shipped image: it runs in
    a shipped stage, or a COPY --from carries the environment it installed into (facts' provenance); an
    install whose destination cannot be told counts as reaching it when its stage is needed."""
    if ctx.is_shipped(instruction.stage_index):
        return True
    if instruction.stage_index not in needed_stages(ctx.dockerfile, ctx.shipped_indexes):
        return False
    facts = facts_for(ctx)
    carried = any(
        install.command is command
        for stage in facts
        if stage.stage.index in ctx.shipped_indexes
        for install in stage.copied
    )
    if carried:
        return True
    own = [install for stage in facts for install in stage.installs if install.command is command]
    return not own or any(install.location is None for install in own)
