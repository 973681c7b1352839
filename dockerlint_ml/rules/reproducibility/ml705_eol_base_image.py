"""ML705 eol-base-image: a base image whose OS release or Python version is end-of-life.

Reference page: rules/ML705.md.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from ...model import ImageRef, Severity
from ..base import Problem, Rule, RuleContext
from ._shared import _at_base, _subject

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import ClassVar

# ML705 eol-base-image

_EOL_NAMES = {"python": "Python", "debian": "Debian", "ubuntu": "Ubuntu", "centos": "CentOS", "rhel": "RHEL/UBI",
              "alpine": "Alpine"}  # fmt: skip


class EolBaseImage(Rule):
    """The base image's OS release or Python version is past its end of life."""

    id = "ML705"
    name = "eol-base-image"
    severity = Severity.WARNING
    summary = "a base image whose OS release or Python version is end-of-life"
    tags = ("reproducibility", "security")
    #: ``as-of``: the day to judge on, ``YYYY-MM-DD`` (default: today), for reproducible CI results
    options: ClassVar[dict[str, str]] = {"as-of": ""}

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        from ... import knowledge as kb
        from ...facts import base_facts, needed_stages

        today = _as_of(str(ctx.options(self)["as-of"] or ""))
        needed = needed_stages(ctx.dockerfile, ctx.shipped_indexes)
        reported: set = set()
        shipped = {_same(s.image) for s in ctx.shipped_stages if s.image is not None}
        for stage in ctx.dockerfile.stages:
            if stage.index not in needed or stage.image is None:
                continue
            if not ctx.is_shipped(stage) and _same(stage.image) in shipped:
                continue  # a builder on the same base as the shipped image: one finding, on the shipped stage
            base = base_facts(stage.image, stage.index)
            entries = []
            if base.python:
                entries.append(kb.eol("python", base.python))
            if base.os and base.os[0] in _EOL_NAMES:
                entries.append(kb.eol(*base.os))
            ended = [e for e in entries if e is not None and e.end is not None and e.end < today]
            if not ended:
                continue
            parts = []
            for entry in ended:
                codename = f" ({entry.codename})" if entry.codename and entry.codename != entry.version else ""
                parts.append(
                    f"{_EOL_NAMES[entry.product]} {entry.version}{codename}, whose {entry.kind} ended on {entry.end}"
                )
            evidence = tuple(e for entry in ended for e in (entry.version, entry.codename) if e)
            found = _at_base(ctx, stage, reported, evidence)
            if found is None:
                continue  # the ARG naming this base is already reported for an earlier stage
            at, origin = found
            cuda = base.cuda if base.kind == "nvidia-cuda" else None
            if (
                cuda is not None
                and (cuda.major, cuda.minor or 0) < _FIRST_CUDA_ON_JAMMY
                and base.os == ("ubuntu", "20.04")
            ):
                # no image of this CUDA exists on a supported Ubuntu: the move is a CUDA upgrade, the file's call
                yield self.problem(
                    at,
                    f"{_subject(stage, origin, keyword=False)} is based on {' and '.join(parts)}: no more security "
                    f"fixes, and no CUDA {cuda.major}.{cuda.minor} image exists for a newer Ubuntu; if the CUDA "
                    "version is not a hard requirement, move to CUDA 11.7 or later on `ubuntu22.04`",
                    severity=Severity.INFO,
                )
                continue
            yield self.problem(
                at,
                f"{_subject(stage, origin, keyword=False)} is based on {' and '.join(parts)}: no more security "
                "fixes; move to a supported release (e.g. `python:3.12-slim-bookworm`, `ubuntu:24.04`, an "
                "`ubuntu24.04` CUDA tag)",
            )


#: nvidia/cuda publishes `ubuntu22.04` images from CUDA 11.7 on (Docker Hub tags); older ones stop at 20.04
_FIRST_CUDA_ON_JAMMY = (11, 7)


def _as_of(configured: str) -> str:
    """The ISO date to judge on: the ``as-of`` option when it is a valid date, else today (local time, as
    ``date.today()``). ISO dates compare as strings, so ``datetime`` is imported only to check an option."""
    if configured:
        from datetime import date

        try:
            return date.fromisoformat(configured).isoformat()
        except ValueError:
            pass
    return time.strftime("%Y-%m-%d")


def _same(image: ImageRef) -> tuple[str | None, str, str | None]:
    return (image.registry, image.repository, image.tag)
