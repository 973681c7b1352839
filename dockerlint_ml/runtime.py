"""What a container runs: the effective ENTRYPOINT/CMD of an image and whether it starts a server.

Shared by the role inference (roles.py) and the serving rules (ML4xx); it reads the model only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .model import Instruction, ShellCommand, Stage
from .records import Frozen, setfield
from .shell.python import PYTHON_NAME


class Server(Frozen):
    """A command-line program that starts a server."""

    _fields = ("subcommands", "python")
    __slots__ = _fields
    #: word sequences of which one must appear in the arguments (`flask run`, `mlflow models serve`); None: any
    subcommands: tuple[tuple[str, ...], ...] | None
    #: the server is a Python process (its stdout buffering matters, ML405)
    python: bool

    def __init__(self, subcommands: tuple[tuple[str, ...], ...] | None = None, python: bool = True) -> None:
        setfield(self, "subcommands", subcommands)
        setfield(self, "python", python)


_ANY = Server()
#: Programs that start a server, by executable name.
SERVER_COMMANDS: dict[str, Server] = {
    "uvicorn": _ANY,
    "gunicorn": _ANY,
    "hypercorn": _ANY,
    "daphne": _ANY,
    "granian": _ANY,
    "waitress-serve": _ANY,
    "flask": Server((("run",),)),
    "fastapi": Server((("run",), ("dev",))),
    "streamlit": Server((("run",),)),
    "chainlit": Server((("run",),)),
    "panel": Server((("serve",),)),
    "bokeh": Server((("serve",),)),
    "gradio": _ANY,  # only `gradio app.py`: see _server_at
    "vllm": Server((("serve",),)),
    "bentoml": Server((("serve",), ("serve-http",), ("serve-grpc",))),
    "mlflow": Server((("models", "serve"), ("server",))),
    "serve": Server((("run",),)),  # Ray Serve
    "mlserver": Server((("start",),)),
    "torchserve": Server(python=False),  # a Java frontend; `torchserve --stop` excluded in _server_at
    "tritonserver": Server(python=False),
    "tensorflow_model_server": Server(python=False),
    "text-generation-launcher": Server(python=False),
    "text-embeddings-router": Server(python=False),
    "llama-server": Server(python=False),
    "ollama": Server((("serve",),), python=False),
}
#: Modules that start a server under `python -m`; a trailing `.` matches every module below it.
SERVER_MODULES: dict[str, Server] = {
    "uvicorn": _ANY,
    "gunicorn": _ANY,
    "hypercorn": _ANY,
    "daphne": _ANY,
    "granian": _ANY,
    "http.server": _ANY,
    "flask": SERVER_COMMANDS["flask"],
    "fastapi": SERVER_COMMANDS["fastapi"],
    "streamlit": SERVER_COMMANDS["streamlit"],
    "bentoml": SERVER_COMMANDS["bentoml"],
    "mlflow": SERVER_COMMANDS["mlflow"],
    "mlserver": SERVER_COMMANDS["mlserver"],
    "vllm.entrypoints.": _ANY,
    "sglang.launch_server": _ANY,
    "llama_cpp.server": _ANY,
}
#: Programs that run the command given after them (init shims, user switchers, env runners, tracers).
LAUNCHERS = frozenset(
    {
        "tini",
        "tini-static",
        "dumb-init",
        "catatonit",
        "gosu",
        "su-exec",
        "setpriv",
        "env",
        "exec",
        "nohup",
        "nice",
        "timeout",
        "stdbuf",
        "sudo",
        "opentelemetry-instrument",
        "ddtrace-run",
        "newrelic-admin",
        "poetry",
        "uv",
        "pipenv",
        "pdm",
        "hatch",
        "pixi",
        "conda",
        "mamba",
        "micromamba",
        "doppler",
        "infisical",
    }
)
_PYTHON = PYTHON_NAME


# ---------------------------------------------------------------------------------------------------------
# What the container runs


def basename(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def python_parts(args: Sequence[str]) -> tuple[str | None, bool]:
    """For the arguments of `python`: the `-m` module (None for a script or `-c`) and whether `-u` is given."""
    unbuffered = False
    index = 0
    while index < len(args):
        arg = args[index]
        if not arg.startswith("-") or arg == "-" or arg.startswith("--"):
            if arg.startswith("--"):
                index += 1
                continue
            return None, unbuffered
        for position, char in enumerate(arg[1:], start=2):
            if char == "u":
                unbuffered = True
            elif char in "mcWX":
                value = arg[position:] or (args[index + 1] if index + 1 < len(args) else "")
                if char == "m":
                    return value or None, unbuffered
                if char == "c":
                    return None, unbuffered
                if not arg[position:]:
                    index += 1
                break
        index += 1
    return None, unbuffered


def _has_sequence(args: Sequence[str], sequence: tuple[str, ...]) -> bool:
    size = len(sequence)
    return any(tuple(args[i : i + size]) == sequence for i in range(len(args) - size + 1))


def _accepts(server: Server, args: Sequence[str]) -> bool:
    return server.subcommands is None or any(_has_sequence(args, s) for s in server.subcommands)


def _server_at(argv: Sequence[str]) -> tuple[str, Server] | None:
    """The server ``argv`` starts when its first word is the program (no launcher handling)."""
    name, args = basename(argv[0]), argv[1:]
    if _PYTHON.fullmatch(name):
        module, _ = python_parts(args)
        if module is None:
            return None
        rest = args[args.index(module) + 1 :] if module in args else ()
        for key, server in SERVER_MODULES.items():
            if (module == key or (key.endswith(".") and module.startswith(key))) and _accepts(server, rest):
                return f"python -m {module}", server
        return None
    server = SERVER_COMMANDS.get(name)
    if server is None or not _accepts(server, args):
        return None
    if name == "gradio":  # `gradio app.py` (reload mode); `gradio deploy`, `gradio cc ...` are tools
        first = next((a for a in args if not a.startswith("-")), "")
        return (name, server) if first.endswith(".py") else None
    if name == "torchserve" and "--stop" in args:
        return None
    return name, server


def _real_commands(argv: Sequence[str]) -> Iterator[Sequence[str]]:
    """``argv`` and, when it starts with a launcher (`tini --`, `gosu app`, `uv run`...), each tail after it."""
    if not argv:
        return
    yield argv
    if basename(argv[0]) in LAUNCHERS:
        for index in range(1, len(argv)):
            yield argv[index:]


def find_server(argv: Sequence[str]) -> tuple[str, Server] | None:
    """The server that ``argv`` starts, looking through launchers, or None."""
    for candidate in _real_commands(argv):
        found = _server_at(candidate)
        if found:
            return found
    return None


def runs_python(argv: Sequence[str]) -> bool:
    for candidate in _real_commands(argv):
        if _PYTHON.fullmatch(basename(candidate[0])):
            return True
        found = _server_at(candidate)
        if found and found[1].python:
            return True
    return False


def python_unbuffered(argv: Sequence[str]) -> bool:
    return any(
        _PYTHON.fullmatch(basename(candidate[0])) and python_parts(candidate[1:])[1]
        for candidate in _real_commands(argv)
    )


class Startup(Frozen):
    """The effective ENTRYPOINT and CMD of the final stage, read through its lineage."""

    _fields = ("entrypoint", "cmd")
    __slots__ = _fields
    entrypoint: Instruction | None
    cmd: Instruction | None  # None also when a shell-form ENTRYPOINT makes Docker ignore it

    def __init__(self, entrypoint: Instruction | None, cmd: Instruction | None) -> None:
        setfield(self, "entrypoint", entrypoint)
        setfield(self, "cmd", cmd)

    @property
    def instructions(self) -> list[Instruction]:
        return [i for i in (self.entrypoint, self.cmd) if i is not None]

    def argvs(self) -> Iterator[tuple[Instruction | ShellCommand, tuple[str, ...]]]:
        """Each command the container may run, where it is written, and its argv."""
        for instruction in self.instructions:
            for command in instruction.commands:
                yield command, command.argv
        if self.entrypoint and self.cmd and self.entrypoint.exec_form and self.cmd.exec_form:
            yield self.cmd, self.entrypoint.exec_form + self.cmd.exec_form


def startup(lineage: Sequence[Stage]) -> Startup:
    """The effective ENTRYPOINT and CMD of the image built from the last stage of ``lineage`` (base first)."""
    entrypoint = cmd = None
    for member in lineage:
        cmd_set_here = False
        for instruction in member.body:
            if instruction.keyword == "CMD":
                cmd, cmd_set_here = instruction, True
            elif instruction.keyword == "ENTRYPOINT":
                entrypoint = instruction
                if not cmd_set_here:  # BuildKit: an ENTRYPOINT resets a CMD inherited from the parent
                    cmd = None
    if entrypoint is not None and entrypoint.exec_form == ():
        entrypoint = None  # `ENTRYPOINT []` resets it: the CMD runs on its own
    if entrypoint is not None and entrypoint.exec_form is None:
        cmd = None  # a shell-form ENTRYPOINT ignores CMD
    if cmd is not None and cmd.exec_form == ():
        cmd = None  # `CMD []`: nothing to run
    return Startup(entrypoint, cmd)


#: Where known servers answer a health probe: (default port, path). Sources: each server's docs (TorchServe
#: inference API `/ping` on 8080; TGI/TEI `/health`; Triton `/v2/health/ready` on 8000; vLLM `/health` on
#: 8000; MLServer `/v2/health/ready` on 8080; TF Serving REST on 8501; BentoML `/healthz` on 3000; MLflow
#: scoring server `/health` on 5000 (`/ping` too); Streamlit `/_stcore/health` on 8501; llama.cpp server
#: `/health` on 8080).
HEALTH_ENDPOINTS: dict[str, tuple[int, str]] = {
    "torchserve": (8080, "/ping"),
    "text-generation-launcher": (80, "/health"),
    "text-embeddings-router": (80, "/health"),
    "tritonserver": (8000, "/v2/health/ready"),
    "vllm": (8000, "/health"),
    "python -m vllm.entrypoints.openai.api_server": (8000, "/health"),
    "mlserver": (8080, "/v2/health/ready"),
    "tensorflow_model_server": (8501, "/v1/models/<model>"),
    "bentoml": (3000, "/healthz"),
    "mlflow": (5000, "/health"),
    "streamlit": (8501, "/_stcore/health"),
    "llama-server": (8080, "/health"),
    "python -m llama_cpp.server": (8000, "/health"),
    "uvicorn": (8000, "/health"),
    "python -m uvicorn": (8000, "/health"),
    "gunicorn": (8000, "/health"),
    "hypercorn": (8000, "/health"),
    "fastapi": (8000, "/health"),
    "flask": (5000, "/health"),
    "gradio": (7860, "/"),
    "ollama": (11434, "/"),
}
#: options that name the HTTP port where a server also listens on another protocol (TF Serving's `--port` is gRPC)
_HTTP_PORT_OPTIONS = ("--rest_api_port", "--http-port", "--http_port", "--inference-address")
_PORT_OPTIONS = ("--port", "-p", "--bind", "-b", "--host-port")


def listening_port(argv: Sequence[str]) -> int | None:
    """A port given on the command line: `--port 8080`, `--port=8080`, `--bind 0.0.0.0:8080`, `-b :8080`; an HTTP
    port option (`--rest_api_port=8501`) wins over a plain `--port`, which may be gRPC."""
    return _option_port(argv, _HTTP_PORT_OPTIONS) or _option_port(argv, _PORT_OPTIONS)


def _option_port(argv: Sequence[str], names: Sequence[str]) -> int | None:
    for value in option_values(argv, names):
        digits = value.rsplit(":", 1)[-1]
        if digits.isdigit():
            return int(digits)
    return None


def option_values(argv: Sequence[str], names: Sequence[str]) -> Iterator[str]:
    """The value of each occurrence of an option in ``names``: `--port=8080` or `--port 8080` ("" when the
    command line ends there)."""
    for index, arg in enumerate(argv):
        name, equals, value = arg.partition("=")
        if name in names:
            yield value if equals else (argv[index + 1] if index + 1 < len(argv) else "")
