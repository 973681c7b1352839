"""Helpers that several rules of the serving family use (no other family imports them)."""

from __future__ import annotations

from ...model import ImageRef, Instruction, ShellCommand, Stage
from ...records import Frozen, setfield
from ...roles import SIDE_UI_PORTS, exposed_ports
from ...runtime import Server, Startup, basename, find_server
from ...runtime import startup as _startup
from ..base import RuleContext
from ..common import CONDA_TOOLS, installs_packages, os_package_name

#: OS/conda packages that provide each tool.
TOOL_PACKAGES = {"curl": frozenset({"curl", "curl-minimal"}), "wget": frozenset({"wget", "wget2"})}


def startup(ctx: RuleContext) -> Startup:
    return _startup(ctx.lineage(ctx.final_stage) if ctx.final_stage else [])


class Serving(Frozen):
    """Why the image is a serving image: the server command (or EXPOSE) and where it is written."""

    _fields = ("at", "what", "server")
    __slots__ = _fields
    at: Instruction | ShellCommand
    what: str
    server: Server | None

    def __init__(self, at: Instruction | ShellCommand, what: str, server: Server | None) -> None:
        setfield(self, "at", at)
        setfield(self, "what", what)
        setfield(self, "server", server)


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
    served = _first_served_port(ctx)
    if served is not None:
        expose = served[0]
        return Serving(expose, f"`EXPOSE {expose.args}` on line {expose.line}", None)
    return None


def is_serving_image(ctx: RuleContext) -> bool:
    """The final stage EXPOSEs a port or its effective CMD/ENTRYPOINT starts a server."""
    return serving_evidence(ctx) is not None


def _root_image(ctx: RuleContext) -> ImageRef | None:
    lineage = _lineage(ctx)
    image = lineage[0].image if lineage else None
    return image if image is not None and image.resolved else None


def _first_served_port(ctx: RuleContext) -> tuple[Instruction, int] | None:
    """The first EXPOSEd port that is not a side UI (Jupyter, Dask, Spark, TensorBoard, Ray, SSH), with its EXPOSE."""
    for instruction, port in exposed_ports(_lineage(ctx)):
        if port is not None and port not in SIDE_UI_PORTS:
            return instruction, port
    return None


def _served_ports(ctx: RuleContext) -> list[int]:
    """The known EXPOSEd ports of the final image a server may answer on (side UIs left out), in order."""
    return [port for _, port in exposed_ports(_lineage(ctx)) if port is not None and port not in SIDE_UI_PORTS]


def _tool_provided(ctx: RuleContext, tool: str) -> bool:
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
            if not installs_packages(command):
                continue
            conda = command.tool in CONDA_TOOLS
            for word in command.invocation.positionals if command.invocation else ():
                if word.has_expansion or os_package_name(word.text, conda=conda) in packages:
                    return True
    return False
