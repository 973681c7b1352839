"""ML403 shell-form-entrypoint: CMD/ENTRYPOINT in shell form: the server does not receive SIGTERM.

Reference page: rules/ML403.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...lazy_re import lazy
from ...model import Dockerfile, Edit, Finding, Fix, Instruction, Severity
from ...roles import SERVICES
from ..base import Problem, Rule, RuleContext
from ._shared import startup


def _ends_in_exec(instruction: Instruction) -> bool:
    """A shell-form script whose last command is `exec ...`: the shell replaces itself with the server."""
    top = [c for c in instruction.commands if c.wrapper is None]
    return bool(top) and top[-1].name == "exec"


_JOB_CONTROL = frozenset({"fg", "bg", "wait", "jobs"})


def _runs_several_processes(instruction: Instruction) -> bool:
    """Background jobs (`a & b & c && fg`, `... ; wait`) or more than two commands: a script's job, not an
    exec form's (`cd /app && server` is still one server: `exec` fixes it)."""
    top = [c for c in instruction.commands if c.wrapper is None]
    return len(top) > 2 or any(c.name in _JOB_CONTROL for c in top)


# the fix: shell form -> exec form, only when the shell adds nothing
_SHELL_WORDS = frozenset(
    {
        "exec", "cd", "source", ".", "export", "set", "unset", "if", "then", "else", "elif", "fi", "for", "while",
        "until", "do", "done", "case", "esac", "function", "eval", "trap", "ulimit", "umask", "alias", "read",
        "shift", "wait", "return", "exit", "local", "declare", "readonly", "typeset", ":", "{", "}", "(", ")", "!",
        "[[", "]]", "time", "builtin", "command",
    }
)  # fmt: skip

_ASSIGNMENT = lazy(r"[A-Za-z_][A-Za-z0-9_]*=")


class ShellFormEntrypoint(Rule):
    """The effective CMD/ENTRYPOINT is in shell form, so `/bin/sh` is PID 1."""

    id = "ML403"
    name = "shell-form-entrypoint"
    severity = Severity.WARNING
    summary = "CMD/ENTRYPOINT in shell form: the server does not receive SIGTERM"
    tags = ("serving",)
    roles = SERVICES | {"training"}  # a job must stop cleanly too (checkpoint on preemption)
    fix_safety = "sometimes"
    fix_title = "shell-form CMD/ENTRYPOINT to exec form, when it splits without shell features"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        start = startup(ctx)
        for instruction in start.instructions:
            if instruction.exec_form is not None or not instruction.args or _ends_in_exec(instruction):
                continue
            keyword = instruction.keyword
            exec_form = f'{keyword} ["executable", "arg", ...]'
            if keyword == "CMD" and start.entrypoint is not None:
                message = (
                    "CMD in shell form is passed to the exec-form ENTRYPOINT as `/bin/sh -c '...'` arguments, so a "
                    f"shell sits between them and the server: write `{exec_form}`"
                )
            elif _runs_several_processes(instruction):
                # `redis-server & celery worker & uvicorn app && fg`: no exec form can say that
                script = f'{keyword} ["/entrypoint.sh"]'
                message = (
                    f"{keyword} in shell form runs as `/bin/sh -c`: the shell is PID 1 and SIGTERM never reaches "
                    "the processes it starts, so graceful shutdown is lost; move the commands into a script that "
                    f"starts the helpers and ends with `exec <the main server>`, run it as `{script}`, and add "
                    "`--init` (or tini) so the helpers are stopped and reaped too"
                )
            else:
                message = (
                    f"{keyword} in shell form runs as `/bin/sh -c`: the shell is PID 1, SIGTERM never reaches the "
                    f"server and graceful shutdown is lost; write `{exec_form}` (or start the command with `exec`)"
                )
            yield self.problem(instruction, message)

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        """Shell form -> exec form, only when the shell adds nothing."""
        import json

        from ...fix.edits import instruction_at, is_at, plain_words, stage_at

        instruction = instruction_at(dockerfile, finding.span, "CMD", "ENTRYPOINT")
        if instruction is None or instruction.exec_form is not None or instruction.heredocs or instruction.flags:
            return None
        words = instruction.arguments
        if not words or not plain_words(instruction.args) or any(w.has_expansion for w in words):
            return None
        if words[0].text in _SHELL_WORDS or _ASSIGNMENT.match(words[0].text) or not words[0].text:
            return None
        if not all(is_at(dockerfile, w) for w in words):
            return None
        stage = stage_at(dockerfile, instruction.span)
        lineage = dockerfile.lineage(stage) if stage is not None else []
        other = "CMD" if instruction.keyword == "ENTRYPOINT" else "ENTRYPOINT"
        # exec-form ENTRYPOINT + CMD: CMD's words become the ENTRYPOINT's arguments, so the form matters to it
        safe = not any(i.keyword == other for s in lineage for i in s.body)
        edits = []
        for index, word in enumerate(words):
            text = json.dumps(word.text, ensure_ascii=False)
            if index == 0:
                text = "[" + text
            text += "]" if index == len(words) - 1 else ","
            edits.append(Edit(word.span, text))
        return Fix(f"write {instruction.keyword} in exec form", tuple(edits), safe=safe)
