"""ML007 empty-continuation-line: a blank line inside a `\\` continuation.

Reference page: rules/ML007.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Dockerfile, Edit, Finding, Fix, Instruction, Severity, Span, Word
from ...parse import KNOWN_INSTRUCTIONS
from ..base import Problem, Rule, RuleContext


def _swallowed(instruction: Instruction, blank: int) -> Word | None:
    """The instruction keyword that starts the first line after the blank ``blank``, if one does: the author meant
    the continuation to end before it, and Docker reads it as arguments of this instruction instead."""
    following = next((w for w in instruction.arguments if w.span.line > blank), None)
    # upper case only: a lower-case `env` or `add` after a blank line is more likely a package than an instruction
    if following is not None and following.raw in KNOWN_INSTRUCTIONS:
        return following
    return None


class EmptyContinuationLine(Rule):
    """A blank line inside a continuation: deprecated by Docker (BuildKit warns: NoEmptyContinuation), and when the
    trailing escape was a mistake the next instruction silently becomes arguments of this one."""

    id = "ML007"
    name = "empty-continuation-line"
    severity = Severity.WARNING
    summary = "a blank line inside a `\\` continuation"
    tags = ("correctness",)
    fix_safety = "safe"
    fix_title = "delete the blank lines inside the continuation"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        escape = ctx.dockerfile.escape
        for instruction in ctx.dockerfile.instructions:
            blanks = instruction.empty_continuation_lines
            if not blanks:
                continue
            keyword = instruction.keyword
            swallowed = next((w for b in blanks if (w := _swallowed(instruction, b)) is not None), None)
            if swallowed is not None:
                before = [w.span.end_line for w in instruction.arguments if w.span.end_line < swallowed.span.line]
                escaped = before[-1] if before else instruction.line
                message = (
                    f"the `{escape}` at the end of line {escaped} continues this {keyword} past the blank line: the "
                    f"`{swallowed.raw}` on line {swallowed.span.line} is read as arguments of this {keyword}, not as "
                    f"a new instruction; remove that `{escape}`"
                )
            else:
                where = f"line {blanks[0]}" if len(blanks) == 1 else f"lines {', '.join(map(str, blanks))}"
                message = (
                    f"blank {where} inside the `{escape}` continuation of this {keyword} (line {instruction.line}): "
                    "Docker deprecates empty continuation lines and a future release rejects them; delete the blank "
                    f"line{'s' if len(blanks) > 1 else ''} (a `#` comment line may stay)"
                )
            first = blanks[0]
            yield self.problem(Span(first, 1, first, 1), message)

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        """Delete the blank lines: Docker skips them, so the build does not change. Not offered when a blank line
        hides a swallowed instruction (the fix there is removing an escape, which changes the build)."""
        instruction = next(
            (i for i in dockerfile.instructions if finding.span.line in i.empty_continuation_lines), None
        )
        if instruction is None:
            return None
        blanks = instruction.empty_continuation_lines
        if any(_swallowed(instruction, blank) is not None for blank in blanks):
            return None
        if any(dockerfile.lines[line - 1].strip() for line in blanks):
            return None  # the text is not what the finding says: never edit blindly
        edits = tuple(Edit(Span(line, 1, line + 1, 1), "") for line in blanks)
        return Fix("delete the blank lines inside the continuation", edits)
