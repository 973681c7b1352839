"""ML601 model-artifact-baked: model files are copied into the image.

Reference page: rules/ML601.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...analysis.downloads import model_artifact_kind
from ...lazy_re import lazy
from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ..common import copy_source_words

# ML601 model-artifact-baked


_NOT_VERSIONS = lazy(r"(?:fp|bf|int|uint|q|x|utf|sha|md)\d+(?:_[a-z0-9])*|\d+(?:bit|x\d+)", re.IGNORECASE)

_LATEST = lazy(r"(?:^|[^a-z])latest(?:[^a-z]|$)", re.IGNORECASE)


def _versioned(text: str, components: list[str]) -> bool:
    if "$" in text or any(c in components[-1] for c in "*?["):
        return True  # the version comes from a build argument, or the name is a glob: cannot tell
    names = [*components[:-1], re.sub(r"\.[A-Za-z0-9]+$", "", components[-1])]
    if any(_LATEST.search(name) for name in names):
        return False
    return any(re.search(r"\d", _NOT_VERSIONS.sub("", name)) for name in names)


class ModelArtifactBaked(Rule):
    """COPY/ADD of model weights: fine for a static, versioned model; a warning when nothing names the version."""

    id = "ML601"
    name = "model-artifact-baked"
    severity = Severity.INFO
    summary = "model files are copied into the image"
    tags = ("artifacts", "ml")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("COPY", "ADD", shipped_only=True):
            from_stage = instruction.flag("from") is not None
            for word in copy_source_words(instruction):
                found = model_artifact_kind(word.text, from_stage)
                if found is None:
                    continue
                kind, components = found
                what = {"file": "model file", "directory": "model directory", "cache": "model cache"}[kind]
                if kind != "cache" and not _versioned(word.text, components):
                    yield self.problem(
                        word,
                        f"{what} `{word.text}` is baked into the image with no version in its name, so nobody "
                        "can tell which model an image serves: put the version in the path (`model-v3.pt`, "
                        "`models/resnet50-2024-05-01/`) or a label, or mount/fetch it at startup",
                        severity=Severity.WARNING,
                    )
                else:
                    yield self.problem(
                        word,
                        f"{what} `{word.text}` is baked into the image: fine for a static, versioned model "
                        "(every pull carries it, every model update is a new image); a model that changes "
                        "independently of the code is better mounted or fetched at startup",
                    )
