"""ML603 model-cache-unwritable: the runtime model cache is not writable by the image's user.

Reference page: rules/ML603.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...analysis.env import last_env_values
from ...analysis.paths import root_opened, under_root
from ...lazy_re import lazy
from ...model import Severity, ShellCommand, Stage
from ..base import Problem, Rule, RuleContext
from ..common import final_user, is_root_user

# ML603 model-cache-unwritable

CACHE_VARIABLES = (
    "HF_HOME",
    "HF_HUB_CACHE",
    "TRANSFORMERS_CACHE",
    "TORCH_HOME",
    "XDG_CACHE_HOME",
    "SENTENCE_TRANSFORMERS_HOME",
)

_HUB_ID = lazy(r"[A-Za-z0-9][\w.-]*/[\w.-]+")


def _non_root_user(ctx: RuleContext) -> str | None:
    """The name of the user the image runs as, when it is known and not root."""
    found = final_user(ctx)
    if found is None or found[1] is None or is_root_user(found[1]):
        return None
    return found[1].split(":", 1)[0] or None


def _lineage_commands(lineage: list[Stage]) -> list[ShellCommand]:
    return [c for stage in lineage for i in stage.of("RUN") for c in i.commands]


def _runtime_model(lineage: list[Stage]) -> tuple[str, ShellCommand] | None:
    """A hub model the container downloads when it starts (vLLM / TGI given a hub id), when nothing tells it
    where to cache (``--download-dir``, ``--huggingface-hub-cache``)."""
    for keyword in ("ENTRYPOINT", "CMD"):
        instructions = [i for stage in lineage for i in stage.of(keyword)]
        if not instructions:
            continue
        for command in instructions[-1].commands:
            argv = list(command.argv)
            if any(a.startswith(("--download-dir", "--download_dir", "--huggingface-hub-cache")) for a in argv):
                continue
            model = None
            if command.name == "vllm" and len(argv) > 2 and argv[1] == "serve":
                model = argv[2]
            elif command.name == "text-generation-launcher" or (
                command.tool == "python" and any(a.startswith("vllm.entrypoints") for a in argv)
            ):
                for index, arg in enumerate(argv):
                    if arg in ("--model-id", "--model") and index + 1 < len(argv):
                        model = argv[index + 1]
                    elif arg.startswith(("--model-id=", "--model=")):
                        model = arg.split("=", 1)[1]
            if model and "$" not in model and _HUB_ID.fullmatch(model):
                return model, command
    return None


def _homeless(user: str, commands: list[ShellCommand]) -> str | None:
    """How ``user`` was created without a home directory (``useradd -r``, ``-M``, ``adduser -H``...), or None."""
    how = None
    home = f"/home/{user}"
    for command in commands:
        invocation = command.invocation
        if command.tool not in ("useradd", "adduser") or invocation is None:
            continue
        if not invocation.positionals or invocation.positionals[-1 if command.tool == "useradd" else 0].text != user:
            continue
        home = next(iter(invocation.values("-d", "--home-dir", "--home", "-h")), home)
        if command.tool == "useradd":
            if invocation.has_flag("-M", "--no-create-home") or (
                invocation.has_flag("-r", "--system") and not invocation.has_flag("-m", "--create-home")
            ):
                how = f"`{' '.join(command.argv)}`"
        elif invocation.has_flag("-H", "--no-create-home"):
            how = f"`{' '.join(command.argv)}`"
    if how is None:
        return None
    for command in commands:  # created by hand afterwards
        if command.name in ("mkdir", "chown", "install") and any(w.text.rstrip("/") == home for w in command.words):
            return None
    return how


class ModelCacheUnwritable(Rule):
    """A non-root image whose model cache cannot be written: the first download fails with PermissionError."""

    id = "ML603"
    name = "model-cache-unwritable"
    severity = Severity.WARNING
    summary = "the runtime model cache is not writable by the image's user"
    tags = ("artifacts", "ml", "security")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        final = ctx.final_stage
        if final is None:
            return
        lineage = ctx.lineage(final)
        user = _non_root_user(ctx)
        if user is None:
            return
        env = last_env_values(lineage)
        commands = _lineage_commands(lineage)
        root_cache = False
        for name in CACHE_VARIABLES:
            if name not in env:
                continue
            value, word = env[name]
            if not under_root(value):
                continue
            root_cache = True
            if root_opened(commands):
                continue
            yield self.problem(
                word,
                f"`{name}={value}` is under /root, but the image runs as `{user}`: /root is mode 700, so "
                f"caching a model there fails with PermissionError; point it to a directory `{user}` owns "
                "(created and chown'ed in the image, e.g. `/home/app/.cache/huggingface`)",
            )
        if root_cache or any(name in env for name in (*CACHE_VARIABLES, "HOME")):
            return
        runtime = _runtime_model(lineage)
        if runtime is None:
            return
        how = _homeless(user, commands)
        if how is None:
            return
        model, command = runtime
        yield self.problem(
            command,
            f"`{model}` is downloaded when the container starts, but `{user}` has no home directory "
            f"({how}) and no cache directory is set: set `ENV HF_HOME=<dir>` to a directory `{user}` owns, "
            "or create the user with a home (`useradd -m`)",
        )
