"""ML405 python-unbuffered-missing: Python serving image without PYTHONUNBUFFERED=1.

Reference page: rules/ML405.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from ...analysis.env import last_env_values, python_env_flag
from ...images import full_name
from ...model import Dockerfile, Finding, Fix, ImageRef, Severity
from ...runtime import Startup, python_unbuffered, runs_python
from ..base import Problem, Rule, RuleContext
from ._shared import Serving, _lineage, _root_image, serving_evidence, startup


def _is_python_base(image: ImageRef | None) -> bool:
    return image is not None and (image.name == "python" or fnmatchcase(full_name(image), "gcr.io/distroless/python3*"))


class PythonUnbufferedMissing(Rule):
    """A Python server's stdout is block-buffered in a container: logs arrive late or die with the process."""

    id = "ML405"
    name = "python-unbuffered-missing"
    severity = Severity.INFO
    summary = "Python serving image without PYTHONUNBUFFERED=1"
    tags = ("serving",)
    roles = frozenset({"serving"})
    fix_safety = "unsafe"
    fix_title = "add `ENV PYTHONUNBUFFERED=1`"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        start = startup(ctx)
        evidence = serving_evidence(ctx, start)
        if evidence is None or not self._is_python(ctx, start, evidence):
            return
        if self._env_unbuffered(ctx):
            return
        for instruction in start.instructions:
            if "PYTHONUNBUFFERED" in instruction.args:  # `env PYTHONUNBUFFERED=1 ...`, `export ...`: set there
                return
        if any(python_unbuffered(argv) for _, argv in start.argvs()):
            return
        yield self.problem(
            ctx.final_stage.from_instruction if ctx.final_stage else evidence.at,
            f"Python serving image ({evidence.what}) does not set PYTHONUNBUFFERED: stdout is block-buffered "
            "without a terminal, so logs arrive late and are lost on a crash; add `ENV PYTHONUNBUFFERED=1`",
        )

    @staticmethod
    def _is_python(ctx: RuleContext, start: Startup, evidence: Serving) -> bool:
        if evidence.server is not None:
            return evidence.server.python
        if any(runs_python(argv) for _, argv in start.argvs()):
            return True
        return _is_python_base(_root_image(ctx))

    @staticmethod
    def _env_unbuffered(ctx: RuleContext) -> bool:
        """Whether the final stage's ENV leaves PYTHONUNBUFFERED on (a value from an unknown variable counts)."""
        # an unknown `$VAR` stays in the text, which counts as set: unknown is not bad
        found = last_env_values(_lineage(ctx)).get("PYTHONUNBUFFERED")
        return found is not None and bool(python_env_flag(found[0].strip("\"'")))

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        from ...fix.edits import indent, insert, line_end, stage_at

        stage = stage_at(dockerfile, finding.span)
        if stage is None:
            return None
        for member in dockerfile.lineage(stage):
            for instruction in member.of("ENV"):
                if any(name == "PYTHONUNBUFFERED" for name, _value, _word in instruction.pairs()):
                    return None  # set (to something else, or via a variable): not ours to override
        start = stage.from_instruction.span
        line, column = line_end(dockerfile, start.end_line)
        text = "\n" + indent(dockerfile, start.line) + "ENV PYTHONUNBUFFERED=1"
        return Fix("add `ENV PYTHONUNBUFFERED=1` after FROM", (insert(line, column, text),), safe=False)
