"""ML2xx: image size."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Severity
from .base import Problem, Rule, RuleContext
from .common import has_cache_mount, is_pip_install

PIP_CACHE_DIRS = ("/root/.cache/pip", "/root/.cache", "/home", "/tmp/pip-cache")


class PipCacheKept(Rule):
    """``pip install`` keeps its wheel cache in the image unless told not to."""

    id = "ML206"
    name = "pip-cache-kept"
    severity = Severity.WARNING
    summary = "pip install keeps its download cache in the image"
    tags = ("size",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction, command in ctx.commands(shipped_only=True):
            if not is_pip_install(command) or command.has_flag("--no-cache-dir"):
                continue
            if instruction.scope.get("PIP_NO_CACHE_DIR") not in (None, "", "0", "false", "off", "no"):
                continue
            if has_cache_mount(instruction, *PIP_CACHE_DIRS):
                continue
            yield self.problem(
                command,
                "pip install keeps its cache in the image: add `--no-cache-dir` "
                "(or set `ENV PIP_NO_CACHE_DIR=1`, or use `RUN --mount=type=cache,target=/root/.cache/pip`)",
            )


RULES: list[type[Rule]] = [PipCacheKept]
