"""ML508 python-without-wheels: the image's Python version has no wheels for a pinned framework version.

Reference page: rules/ML508.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ._shared import _definite, _what

# ML508


def _python_advice(package: str, python: tuple[int, ...]) -> str:
    from ... import knowledge as kb

    rows: list[tuple[str, str, str, bool]]
    if package == "torch":
        rows = [(r.torch, r.python_min, r.python_max, r.verified) for r in kb.torch_releases()]
    else:
        rows = [(r.tensorflow, r.python_min, r.python_max, r.verified) for r in kb.tensorflow_releases()]
    fitting = [
        name
        for name, low, high, verified in rows
        if verified and (kb.version_tuple(low) or ()) <= python <= (kb.version_tuple(high) or (99,))
    ]
    if not fitting:
        return ""
    return f" or {package} {fitting[0]}–{fitting[-1]}"


class PythonWithoutWheels(Rule):
    """The Python of the image has no wheels for the pinned framework release."""

    id = "ML508"
    name = "python-without-wheels"
    severity = Severity.ERROR
    summary = "the image's Python version has no wheels for a pinned framework version"
    tags = ("gpu", "build")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        from ... import knowledge as kb
        from ...facts import facts_for, needed_stages, python_for

        needed = needed_stages(ctx.dockerfile, ctx.shipped_indexes)
        for facts in facts_for(ctx):
            if facts.stage.index not in needed:
                continue
            for install in _definite(facts.installs):
                if not install.version or install.tool == "conda":
                    continue
                if install.package == "torch":
                    row = kb.torch_release(install.version)
                    line = row.torch if row else ""
                elif install.package in ("tensorflow", "tensorflow-gpu", "tensorflow-cpu"):
                    row = kb.tensorflow_release(install.version)  # type: ignore[assignment]
                    line = row.tensorflow if row else ""  # type: ignore[union-attr]
                else:
                    continue
                found = python_for(facts, install)
                if row is None or not row.verified or found is None or not row.python_min or not row.python_max:
                    continue
                python, origin = found
                version = kb.version_tuple(python)
                low, high = kb.version_tuple(row.python_min), kb.version_tuple(row.python_max)
                if version is None or low is None or high is None or low <= version[:2] <= high:
                    continue
                yield self.problem(
                    install.at,
                    f"{_what(install, ctx)}: {install.package} {line} publishes wheels for Python "
                    f"{row.python_min}–{row.python_max} only, but Python here is {python} ({origin}), so the "
                    f"install fails: use Python {row.python_min}–{row.python_max}"
                    f"{_python_advice(install.package, version[:2])}",
                )
