"""ML4xx: runtime and serving.

"Serving image" (RULES.md): the final stage ``EXPOSE``s a port, or its effective CMD/ENTRYPOINT starts a
server. Both are read through the final stage's lineage (a CMD in the stage it is built FROM counts unless
overridden), with Docker's rule that an ENTRYPOINT set in a stage drops a CMD inherited from its parent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase

from ..baseimages import known_base
from ..images import full_name
from ..model import Dockerfile, Edit, Finding, Fix, ImageRef, Instruction, Severity, ShellCommand, Stage
from ..roles import SERVICES, SIDE_UI_PORTS
from ..runtime import (
    HEALTH_ENDPOINTS,
    LAUNCHERS,
    SERVER_COMMANDS,
    SERVER_MODULES,
    Server,
    Startup,
    basename,
    find_server,
    listening_port,
    python_unbuffered,
    runs_python,
)
from ..runtime import startup as _startup
from ..text import expand
from .base import Problem, Rule, RuleContext
from .common import final_user, is_root_user

__all__ = ["LAUNCHERS", "SERVER_COMMANDS", "SERVER_MODULES", "find_server"]

#: OS/conda packages that provide each tool.
TOOL_PACKAGES = {"curl": frozenset({"curl", "curl-minimal"}), "wget": frozenset({"wget", "wget2"})}


def startup(ctx: RuleContext) -> Startup:
    return _startup(ctx.lineage(ctx.final_stage) if ctx.final_stage else [])


@dataclass(frozen=True)
class Serving:
    """Why the image is a serving image: the server command (or EXPOSE) and where it is written."""

    at: Instruction | ShellCommand
    what: str
    server: Server | None


def _lineage(ctx: RuleContext) -> list[Stage]:
    return ctx.lineage(ctx.final_stage) if ctx.final_stage else []


def _lineage_instructions(ctx: RuleContext, *keywords: str) -> list[Instruction]:
    return [i for stage in _lineage(ctx) for i in stage.body if i.keyword in keywords]


def serving_evidence(ctx: RuleContext, start: Startup | None = None) -> Serving | None:
    """What makes the final stage a serving image (a server command first, else EXPOSE), or None."""
    for at, argv in (start or startup(ctx)).argvs():
        found = find_server(argv)
        if found:
            return Serving(at, f"`{found[0]}` on line {at.span.line} starts a server", found[1])
    port = _first_exposed_port(ctx)
    if port is not None:
        expose = next(i for i in _lineage_instructions(ctx, "EXPOSE") if str(port) in i.args)
        return Serving(expose, f"`EXPOSE {expose.args}` on line {expose.line}", None)
    return None


def is_serving_image(ctx: RuleContext) -> bool:
    """The final stage EXPOSEs a port or its effective CMD/ENTRYPOINT starts a server."""
    return serving_evidence(ctx) is not None


def _root_image(ctx: RuleContext) -> ImageRef | None:
    lineage = _lineage(ctx)
    image = lineage[0].image if lineage else None
    return image if image is not None and image.resolved else None


def _is_python_base(image: ImageRef | None) -> bool:
    return image is not None and (image.name == "python" or fnmatchcase(full_name(image), "gcr.io/distroless/python3*"))


def base_http_tools(image: ImageRef | None) -> frozenset[str] | None:
    """curl/wget in a base image, from the base-image knowledge; None when not known (scratch has neither)."""
    if image is not None and image.is_scratch:
        return frozenset()
    base = known_base(image)
    if base is None or base.tools is None:
        return None
    return base.tools & {"curl", "wget"}


# ---------------------------------------------------------------------------------------------------------
# Rules


class MissingHealthcheck(Rule):
    """A serving image should tell Docker how to check that the server still answers. A HEALTHCHECK the base
    image defines (base-image knowledge: jupyter stacks) is inherited and counts."""

    id = "ML401"
    name = "missing-healthcheck"
    severity = Severity.WARNING
    summary = "serving image without HEALTHCHECK"
    tags = ("serving",)
    roles = frozenset({"serving"})

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        if _lineage_instructions(ctx, "HEALTHCHECK"):
            return  # `HEALTHCHECK NONE` is an explicit opt-out
        base = ctx.base_image
        if base is not None and base.healthcheck:
            return  # inherited from the base image
        start = startup(ctx)
        evidence = serving_evidence(ctx, start)
        if evidence is None:
            return
        yield self.problem(
            ctx.final_stage.from_instruction if ctx.final_stage else evidence.at,
            f"serving image ({evidence.what}) has no HEALTHCHECK: add one that probes the server, e.g. "
            f"{self._example(ctx, start, evidence)}, or `HEALTHCHECK NONE` to opt out explicitly "
            "(Kubernetes ignores HEALTHCHECK: there, define liveness/readiness probes instead)",
        )

    @staticmethod
    def _example(ctx: RuleContext, start: Startup, evidence: Serving) -> str:
        """A HEALTHCHECK that works in this image: its port, a tool it has, the server's known endpoint."""
        server_name = evidence.what.split("`")[1] if evidence.server is not None else _installed_server(ctx)
        port, path = HEALTH_ENDPOINTS.get(server_name or "", (None, "/health"))
        argv_port = next((listening_port(argv) for _, argv in start.argvs() if listening_port(argv)), None)
        exposed = _first_exposed_port(ctx)
        port = argv_port or exposed or port or 8000
        url = f"http://localhost:{port}{path}"
        base = ctx.base_image
        tools = set(base.tools) if base is not None and base.tools is not None else set()
        tools |= {tool for tool in ("curl", "wget") if HealthcheckToolMissing._provided(ctx, tool)}
        if "curl" in tools:
            return f"`HEALTHCHECK CMD curl -fsS {url} || exit 1`"
        if "wget" in tools:
            return f"`HEALTHCHECK CMD wget -qO- {url} || exit 1`"
        python = (evidence.server is not None and evidence.server.python) or "python" in tools
        if python or base is None:
            return f"`HEALTHCHECK CMD python -c \"import urllib.request as u; u.urlopen('{url}')\"`"
        return f"`HEALTHCHECK CMD curl -fsS {url} || exit 1` (install curl first: the image has none)"


#: pip packages that are a server whose health endpoint is known (HEALTH_ENDPOINTS key)
_SERVER_PACKAGES = {"torchserve": "torchserve", "vllm": "vllm", "mlserver": "mlserver", "bentoml": "bentoml",
                    "mlflow": "mlflow", "tritonserver": "tritonserver"}  # fmt: skip


def _installed_server(ctx: RuleContext) -> str | None:
    """A known server the image installs (`pip install torchserve`, also in a builder whose environment is
    copied in), when the command that starts it is a script mllint cannot read (`dockerd-entrypoint.sh serve`)."""
    from ..facts import facts_for

    final = ctx.final_stage
    for stage in facts_for(ctx):
        if final is None or stage.stage.index != final.index:
            continue
        for install in stage.all_installs:
            if install.package in _SERVER_PACKAGES:
                return _SERVER_PACKAGES[install.package]
    return None


def _first_exposed_port(ctx: RuleContext) -> int | None:
    for instruction in _lineage_instructions(ctx, "EXPOSE"):
        for word in instruction.arguments:
            text, resolved = expand(word.text, instruction.scope)
            number = text.split("/", 1)[0]
            if resolved and number.isdigit() and int(number) not in SIDE_UI_PORTS:
                return int(number)
    return None


class HealthcheckToolMissing(Rule):
    """The HEALTHCHECK calls curl/wget, which the image does not contain."""

    id = "ML402"
    name = "healthcheck-tool-missing"
    severity = Severity.ERROR
    summary = "HEALTHCHECK uses curl/wget that the image does not have"
    tags = ("serving",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        healthchecks = _lineage_instructions(ctx, "HEALTHCHECK")
        if not healthchecks:
            return
        effective = healthchecks[-1]
        used = [c for c in effective.commands if c.name in TOOL_PACKAGES]
        if not used:
            return
        image = _root_image(ctx)
        base_tools = base_http_tools(image)
        if base_tools is None:
            return
        for command in used:
            tool = command.name
            if tool in base_tools or self._provided(ctx, tool):
                continue
            yield self.problem(
                command.words[0],
                f"HEALTHCHECK runs `{tool}`, but `{image.raw if image else 'the base image'}` does not ship it and "
                f"no shipped stage installs it, so the check always fails and the container is marked unhealthy: "
                f"install {tool} in the final stage or probe with the server's own runtime "
                '(e.g. `python -c "import urllib.request ..."`)',
                # a claim that rests on unverified knowledge is never an error
                severity=None if ctx.base_image is None or ctx.base_image.verified else Severity.WARNING,
            )

    @staticmethod
    def _provided(ctx: RuleContext, tool: str) -> bool:
        """Installed, used by a RUN (so present at build time) or copied into a shipped stage; unknown counts."""
        packages = TOOL_PACKAGES[tool]
        for instruction in _lineage_instructions(ctx, "RUN", "COPY", "ADD"):
            if instruction.keyword != "RUN":
                if any(basename(w.text.rstrip("/")) == tool for w in instruction.arguments):
                    return True
                continue
            for command in instruction.commands:
                if command.name == tool:
                    return True
                if not _is_package_install(command):
                    continue
                for word in command.invocation.positionals if command.invocation else ():
                    if word.has_expansion or re.split(r"[=<>~!:\[ ]", word.text, maxsplit=1)[0] in packages:
                        return True
        return False


def _is_package_install(command: ShellCommand) -> bool:
    installs = {
        "apt-get": ("install",),
        "apk": ("add",),
        "yum": ("install",),
        "dnf": ("install",),
        "microdnf": ("install",),
        "zypper": ("install",),
        "conda": ("install", "create"),
        "mamba": ("install", "create"),
        "micromamba": ("install", "create"),
    }
    return command.subcommand in installs.get(command.tool or "", ())


def _ends_in_exec(instruction: Instruction) -> bool:
    """A shell-form script whose last command is `exec ...`: the shell replaces itself with the server."""
    top = [c for c in instruction.commands if c.wrapper is None]
    return bool(top) and top[-1].name == "exec"


# the fix: shell form -> exec form, only when the shell adds nothing
_SHELL_WORDS = frozenset(
    re.split(
        r"\s+",
        "exec cd source . export set unset if then else elif fi for while until do done case esac function eval "
        "trap ulimit umask alias read shift wait return exit local declare readonly typeset : { } ( ) ! [[ ]] "
        "time builtin command",
    )
)
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


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
            else:
                message = (
                    f"{keyword} in shell form runs as `/bin/sh -c`: the shell is PID 1, SIGTERM never reaches the "
                    f"server and graceful shutdown is lost; write `{exec_form}` (or start the command with `exec`)"
                )
            yield self.problem(instruction, message)

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        """Shell form -> exec form, only when the shell adds nothing."""
        import json

        from ..fix.edits import instruction_at, is_at, plain_words, stage_at

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


def _under_root(path: str) -> bool:
    return path == "/root" or path.startswith("/root/")


class RootLocalPackagesUnreadable(Rule):
    """Packages under /root (pip --user's /root/.local) cannot be read by a non-root USER."""

    id = "ML404"
    name = "root-local-packages-unreadable"
    severity = Severity.ERROR
    summary = "/root/.local packages used by a non-root USER"
    tags = ("serving", "security")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        user = final_user(ctx)
        if user is None or user[1] is None or is_root_user(user[1]):
            return
        user_instruction, name = user
        if self._root_opened(ctx):
            return
        user_name = name.split(":", 1)[0]
        home = f"/home/{user_name}" if user_name and not user_name.isdigit() else "/home/app"
        where = f"`USER {name}` (line {user_instruction.line})"
        for instruction in _lineage_instructions(ctx, "COPY", "ADD", "ENV"):
            if instruction.keyword == "ENV":
                for key, value, word in instruction.pairs():
                    if key not in ("PATH", "PYTHONPATH") or value is None:
                        continue
                    entries = expand(value.strip("\"'"), instruction.scope)[0].split(":")
                    bad = next((e for e in entries if _under_root(e.rstrip("/"))), None)
                    if bad:
                        yield self.problem(
                            word,
                            f"{key} points at `{bad}`, but the image runs as {where} and /root is mode 700, so "
                            f"nothing there can be run or imported: install to the user's home (e.g. `{home}/.local`) "
                            "or a virtualenv and point the path there",
                        )
                continue
            if len(instruction.arguments) < 2 or instruction.args.startswith("["):
                continue
            dest = instruction.arguments[-1]
            target = expand(dest.text, instruction.scope)[0].rstrip("/")
            if target == "/root/.local" or target.startswith("/root/.local/"):
                yield self.problem(
                    dest,
                    f"packages are copied to `{target}`, but the image runs as {where} and /root is mode 700, so "
                    f"they cannot be imported: copy them to the user's home with ownership, e.g. "
                    f"`COPY --from=builder --chown={name} /root/.local {home}/.local`, and put `{home}/.local/bin` "
                    "on PATH",
                )

    @staticmethod
    def _root_opened(ctx: RuleContext) -> bool:
        """A RUN chmods /root itself (e.g. `chmod 755 /root`): the rule cannot tell, so it stays silent."""
        for instruction in _lineage_instructions(ctx, "RUN"):
            for command in instruction.commands:
                positionals = command.invocation.positionals if command.invocation else ()
                if command.tool == "chmod" and any(w.text.rstrip("/") == "/root" for w in positionals):
                    return True
        return False


def _unbuffered_value(value: str) -> bool:
    """CPython's rule: any non-empty value enables it, except one that reads as the integer 0."""
    stripped = value.strip()
    if not stripped:
        return False
    try:
        return int(stripped) != 0
    except ValueError:
        return True


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
        state = False
        for instruction in _lineage_instructions(ctx, "ENV"):
            for key, value, _word in instruction.pairs():
                if key == "PYTHONUNBUFFERED":
                    # an unknown `$VAR` stays in the text, which counts as set: unknown is not bad
                    state = _unbuffered_value(expand((value or "").strip("\"'"), instruction.scope)[0])
        return state

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        from ..fix.edits import indent, insert, line_end, stage_at

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


RULES: list[type[Rule]] = [
    MissingHealthcheck,
    HealthcheckToolMissing,
    ShellFormEntrypoint,
    RootLocalPackagesUnreadable,
    PythonUnbufferedMissing,
]
