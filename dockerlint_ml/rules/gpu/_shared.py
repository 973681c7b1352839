"""Helpers that several rules of the gpu family use (no other family imports them)."""

from __future__ import annotations

from collections.abc import Iterator

from ..base import RuleContext

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from ...facts import Cuda, Install, StageFacts


_TORCH_FAMILY = frozenset({"torch", "torchvision", "torchaudio"})


def _shipped_facts(ctx: RuleContext) -> list[StageFacts]:
    from ...facts import facts_for

    return [facts for facts in facts_for(ctx) if facts.shipped]


def _definite(installs: list[Install]) -> list[Install]:
    """Installs that surely happen: not inside a shell conditional that may skip them (no rule rests on a
    "maybe")."""
    return [install for install in installs if not install.maybe]


def _label(cuda: str) -> str:
    """``"11.8"`` -> ``cu118``."""
    return "cu" + cuda.replace(".", "")


def _provider(facts: StageFacts, cuda: Cuda, ctx: RuleContext) -> str:
    """Who provides the system CUDA, for messages: the base image or an apt package."""
    if facts.base.cuda is cuda:
        via = ""
        root = facts.base.root_stage
        if root is not None and root != facts.stage.index:
            via = f" (through stage `{ctx.dockerfile.stages[root].label}`)"
        return f"base image `{facts.base.reference}`{via} provides CUDA {cuda.version}"
    return f"{cuda.source} provides CUDA {cuda.version}"


def _what(install: Install, ctx: RuleContext) -> str:
    """``torch==2.1.0+cu118`` (from requirements.txt, installed in stage `build` and copied here)."""
    notes = []
    if install.via:
        notes.append(f"from {install.via}")
    if install.copied_from is not None:
        notes.append(f"installed in stage `{ctx.dockerfile.stages[install.stage].label}` and copied here")
    return f"`{install.spec}`" + (f" ({', '.join(notes)})" if notes else "")


def _verified(*items: Cuda | None) -> bool:
    return all(item is None or item.verified for item in items)


def _dedupe(installs: list[Install], seen: set[tuple]) -> Iterator[Install]:
    """One install per (command, CUDA, file): torch, torchvision and torchaudio of one command are one fix. ``seen``
    is shared by the shipped stages, so a stage built FROM another does not report its installs again."""
    for install in installs:
        key = (install.command.span, install.cuda.short if install.cuda else None, install.via, install.build)
        if key not in seen:
            seen.add(key)
            yield install
