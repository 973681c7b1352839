"""ML401 missing-healthcheck: serving image without HEALTHCHECK.

Reference page: rules/ML401.md.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ...model import Severity
from ...runtime import HEALTH_ENDPOINTS, Startup, listening_port, option_values
from ..base import Problem, Rule, RuleContext
from ._shared import Serving, _lineage_instructions, _served_ports, _tool_provided, serving_evidence, startup

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
        if getattr(getattr(ctx.build_context, "choice", None), "healthcheck", False):
            return  # every Compose service building it defines its own `healthcheck:` (which replaces the image's)
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
        known = HEALTH_ENDPOINTS.get(server_name or "")
        port, path = known or (None, "/health")
        argv_port = next((listening_port(argv) for _, argv in start.argvs() if listening_port(argv)), None)
        exposed = _served_ports(ctx)
        if argv_port is None and port is not None and port in exposed:
            argv_port = port  # the server's own HTTP port among several exposed (TF Serving: 8500 gRPC, 8501 REST)
        port = argv_port or (exposed[0] if exposed else None) or port or 8000
        models = (value for _, argv in start.argvs() for value in option_values(argv, ("--model_name",)) if value)
        model = next(models, None)
        if "<model>" in path and model:
            path = path.replace("<model>", model)
        elif "<model>" in path and _image_env(ctx, "MODEL_NAME"):
            path = path.replace("<model>", "${MODEL_NAME}")  # TF Serving's images name it in ENV
        url = f"http://localhost:{port}{path}"
        guessed = "" if known and server_name not in _APP_DEFINED_ROUTES else " (point it at the server's health route)"
        base = ctx.base_image
        tools = set(base.tools) if base is not None and base.tools is not None else set()
        tools |= {tool for tool in ("curl", "wget") if _tool_provided(ctx, tool)}
        if "curl" in tools:
            return f"`HEALTHCHECK CMD curl -fsS {url} || exit 1`{guessed}"
        if "wget" in tools:
            return f"`HEALTHCHECK CMD wget -qO- {url} || exit 1`{guessed}"
        python = (evidence.server is not None and evidence.server.python) or "python" in tools
        if python or base is None:
            return f"`HEALTHCHECK CMD python -c \"import urllib.request as u; u.urlopen('{url}')\"`{guessed}"
        return f"`HEALTHCHECK CMD curl -fsS {url} || exit 1` (install curl first: the image has none){guessed}"


def _image_env(ctx: RuleContext, name: str) -> bool:
    """Whether the final image sets ``name`` with ENV (a HEALTHCHECK command can then read it)."""
    final = ctx.final_stage
    return final is not None and any(
        key == name for stage in ctx.lineage(final) for i in stage.of("ENV") for key, _, _ in i.pairs()
    )


#: servers whose routes the application defines: `/health` is a convention there, not a known endpoint
_APP_DEFINED_ROUTES = frozenset({"uvicorn", "python -m uvicorn", "gunicorn", "hypercorn", "fastapi", "flask", "gradio"})

#: pip packages that are a server whose health endpoint is known (HEALTH_ENDPOINTS key)
_SERVER_PACKAGES = {"torchserve": "torchserve", "vllm": "vllm", "mlserver": "mlserver", "bentoml": "bentoml",
                    "mlflow": "mlflow", "tritonserver": "tritonserver"}  # fmt: skip


def _installed_server(ctx: RuleContext) -> str | None:
    """A known server the image installs (`pip install torchserve`, also in a builder whose environment is
    copied in) or copies in (`COPY --from=build /usr/local/bin/tensorflow_model_server /usr/bin/...`), when the
    command that starts it is a script mllint cannot read (`dockerd-entrypoint.sh serve`)."""
    from ...facts import facts_for

    final = ctx.final_stage
    for instruction in _lineage_instructions(ctx, "COPY", "ADD"):  # a server binary copied in from a builder
        words = instruction.arguments
        if len(words) >= 2:
            into_directory = words[-1].text.endswith("/")
            names = [posixpath.basename(w.text) for w in words[:-1]] if into_directory else [words[-1].text]
            for name in (posixpath.basename(n) for n in names):
                if name in HEALTH_ENDPOINTS and " " not in name:
                    return name
    for stage in facts_for(ctx):
        if final is None or stage.stage.index != final.index:
            continue
        for install in stage.all_installs:
            if install.package in _SERVER_PACKAGES:
                return _SERVER_PACKAGES[install.package]
    return None
