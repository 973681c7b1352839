"""ML6xx: model artifacts. Where the weights come from, whether they are versioned, where they are cached."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import urlsplit

from ..model import Instruction, Severity, ShellCommand, Span, Stage, Word
from ..text import expand
from .base import Problem, Rule, RuleContext
from .common import copy_sources, final_user, is_root_user
from .repro import git_clone_pinned, redact, url_path_segments, url_words

MODEL_EXTENSIONS = (
    ".pt",
    ".pth",
    ".bin",
    ".safetensors",
    ".onnx",
    ".h5",
    ".keras",
    ".pkl",
    ".joblib",
    ".ckpt",
    ".gguf",
    ".tflite",
    ".pb",
    ".mar",
    ".engine",
    ".plan",
)
MODEL_DIRS = frozenset({"models", "model", "checkpoints", "checkpoint", "weights"})
HUB_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})
_FULL_SHA = re.compile(r"[0-9a-f]{40}")


def is_model_file(name: str) -> bool:
    lowered = name.lower()
    return any(lowered.endswith(ext) and len(lowered) > len(ext) for ext in MODEL_EXTENSIONS)


# ---------------------------------------------------------------------------------------------------------
# The build-time model download detector (ML602, reused by ML103)


class ModelDownload(NamedTuple):
    """A build-time model download: where, what (for messages), whether it is pinned to a fixed revision
    (None: cannot tell, e.g. a plain URL or a revision held in a variable) and how to pin it."""

    span: Span
    description: str
    pinned: bool | None
    how_to_pin: str = ""


def _url_host(url: str) -> str:
    try:
        return (urlsplit(url if "://" in url else "https://" + url).hostname or "").lower()
    except ValueError:
        return ""


def is_model_url(url: str) -> bool:
    """A URL of a model file (by extension) or of a Hugging Face Hub ``/resolve/`` download."""
    segments = url_path_segments(url)
    if _url_host(url) in HUB_HOSTS and "resolve" in segments:
        return True
    try:
        path = urlsplit(url if "://" in url else "https://" + url).path
    except ValueError:
        return False
    return is_model_file(path.rsplit("/", 1)[-1])


def is_model_clone(command: ShellCommand) -> bool:
    """``git clone https://huggingface.co/org/model`` (not a dataset or Space repository)."""
    if command.tool != "git" or command.subcommand != "clone" or command.invocation is None:
        return False
    for word in command.invocation.positionals[:1]:
        if _url_host(word.text) in HUB_HOSTS:
            segments = url_path_segments(word.text)
            return bool(segments) and segments[0] not in ("datasets", "spaces")
    return False


def _url_download(word: Word) -> ModelDownload | None:
    url = word.text
    if not is_model_url(url):
        return None
    segments = url_path_segments(url)
    if _url_host(url) in HUB_HOSTS and "resolve" in segments:
        position = segments.index("resolve") + 1
        revision = segments[position] if position < len(segments) else ""
        pinned = None if "$" in revision else bool(_FULL_SHA.fullmatch(revision))
        return ModelDownload(
            word.span,
            f"`{redact(url)}`",
            pinned,
            f"download from `/resolve/<commit sha>/` instead of `/resolve/{revision}/`",
        )
    pinned: bool | None = None
    if any(segment in ("latest", "main", "master") for segment in segments):
        pinned = False
    elif "releases" in segments and "download" in segments:
        pinned = True  # GitHub release assets are addressed by tag
    return ModelDownload(word.span, f"`{redact(url)}`", pinned, "download a versioned URL (a release tag or commit)")


_CALL = re.compile(r"(?:\b[\w.]+\.)?(from_pretrained|snapshot_download|hf_hub_download)\s*\(")
_REVISION = re.compile(r"\brevision\s*=\s*(?:([\"'])(.*?)\1)?")
_LOCAL = re.compile(r"\s*(?:[rbuf]?[\"'](?:/|\./|\.\./|~)|(?:pretrained_model_name_or_path\s*=\s*)?[\"']/)")


def _call_arguments(code: str, start: int) -> str:
    """The text between the parentheses of a call opening at ``start`` (balanced, strings not special)."""
    depth = 1
    for index in range(start, len(code)):
        char = code[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return code[start:index]
    return code[start:]


def _python_calls(code: str) -> Iterator[tuple[int, int, str, bool | None]]:
    """Hub downloads in Python code: (start, end of the call head, call name, pinned)."""
    for match in _CALL.finditer(code):
        arguments = _call_arguments(code, match.end())
        local = _LOCAL.match(arguments) or re.search(r"\blocal_files_only\s*=\s*True", arguments)
        if match.group(1) == "from_pretrained" and local:
            continue  # loading (or converting) a model that is already on disk
        revision = _REVISION.search(arguments)
        if revision is None:
            pinned: bool | None = False
        elif revision.group(1) is None:
            pinned = None  # revision=SOME_VARIABLE: cannot tell
        else:
            pinned = bool(_FULL_SHA.fullmatch(revision.group(2)))
        yield match.start(), match.end(), match.group(1), pinned


_PYTHON_PIN = 'pass `revision="<commit sha>"`'


def _python_code_downloads(code: str, span: Span) -> list[ModelDownload]:
    calls = list(_python_calls(code))
    if not calls:
        return []
    names = sorted({name for _s, _e, name, _p in calls})
    pins = [pinned for _s, _e, _n, pinned in calls]
    pinned = False if False in pins else (None if None in pins else True)
    description = "`python -c` with " + ", ".join(f"`{name}(...)`" for name in names)
    return [ModelDownload(span, description, pinned, _PYTHON_PIN)]


def _heredoc_downloads(instruction: Instruction) -> list[ModelDownload]:
    """``RUN python3 <<EOF`` (or a heredoc with a python shebang): the body is a Python script."""
    fed_to_python = any(
        command.tool == "python"
        and command.invocation is not None
        and not command.has_flag("-c", "-m")
        and all(word.text == "-" for word in command.invocation.positionals)
        and all(command.span.line < heredoc.body_start_line for heredoc in instruction.heredocs)
        for command in instruction.commands
    )
    found: list[ModelDownload] = []
    for heredoc in instruction.heredocs:
        first = heredoc.body.lstrip().split("\n", 1)[0]
        if not fed_to_python and not re.match(r"#!.*\bpython", first):
            continue
        for start, end, name, pinned in _python_calls(heredoc.body):
            line = heredoc.body_start_line + heredoc.body.count("\n", 0, start)
            column = start - (heredoc.body.rfind("\n", 0, start) + 1) + 1
            span = Span(line, column, line, column + (end - start))
            found.append(ModelDownload(span, f"`{name}(...)` in the heredoc script", pinned, _PYTHON_PIN))
    return found


def _cli_download(instruction: Instruction, command: ShellCommand) -> ModelDownload:
    invocation = command.invocation
    assert invocation is not None
    repo = invocation.positionals[0].text if invocation.positionals else "..."
    option = invocation.option("--revision")
    pinned: bool | None = False
    if option is not None and option.value is not None:
        revision, resolved = expand(option.value.text, dict(instruction.scope))
        pinned = bool(_FULL_SHA.fullmatch(revision)) if resolved else None
    return ModelDownload(command.span, f"`{command.name} download {repo}`", pinned, "add `--revision <commit sha>`")


def _lfs_skipped(instruction: Instruction, command: ShellCommand) -> bool:
    values = dict(command.assignments)
    value = values.get("GIT_LFS_SKIP_SMUDGE", instruction.scope.get("GIT_LFS_SKIP_SMUDGE"))
    return value not in (None, "", "0", "false")


def model_downloads(instruction: Instruction) -> list[ModelDownload]:
    """Every build-time model download in a RUN instruction, in source order."""
    if instruction.keyword != "RUN":
        return []
    found: list[ModelDownload] = []
    clone_reported = False
    git_clones = [c for c in instruction.commands if c.tool == "git" and c.subcommand == "clone"]
    for command in instruction.commands:
        tool, sub = command.tool, command.subcommand
        if tool in ("huggingface-cli", "hf") and sub == "download":
            found.append(_cli_download(instruction, command))
        elif tool == "python" and command.invocation is not None:
            option = command.invocation.option("-c")
            if option is not None and option.value is not None:
                found.extend(_python_code_downloads(option.value.text, command.span))
        elif is_model_clone(command) and not _lfs_skipped(instruction, command):
            clone_reported = True
            url = redact(command.invocation.positionals[0].text) if command.invocation else ""
            pinned = git_clone_pinned(instruction, command)
            found.append(
                ModelDownload(command.span, f"`git clone {url}`", pinned, "`git checkout <commit sha>` after the clone")
            )
        elif tool == "git" and sub == "lfs pull" and not clone_reported:
            pinned = git_clone_pinned(instruction, git_clones[-1]) if git_clones else True
            found.append(
                ModelDownload(command.span, "`git lfs pull`", pinned, "`git checkout <commit sha>` before the pull")
            )
        else:
            for word in url_words(command):
                download = _url_download(word)
                if download is not None:
                    found.append(download)
    found.extend(_heredoc_downloads(instruction))
    return sorted(found, key=lambda d: (d.span.line, d.span.column))


# ---------------------------------------------------------------------------------------------------------
# ML601 model-artifact-baked


_NOT_VERSIONS = re.compile(r"(?:fp|bf|int|uint|q|x|utf|sha|md)\d+(?:_[a-z0-9])*|\d+(?:bit|x\d+)", re.IGNORECASE)
_LATEST = re.compile(r"(?:^|[^a-z])latest(?:[^a-z]|$)", re.IGNORECASE)


def model_artifact_kind(text: str, from_stage: bool) -> tuple[str, list[str]] | None:
    """For a COPY source that is a model file or model directory: ("file"|"directory"|"cache", components)."""
    path = urlsplit(text).path if "://" in text else text
    components = [c for c in path.split("/") if c not in ("", ".")]
    if not components:
        return None
    if is_model_file(components[-1]):
        return "file", components
    if ".cache/huggingface" in path or ".cache/torch" in path or "/huggingface/hub" in path:
        return "cache", components
    if not path.endswith("/") and "." in components[-1] and not components[-1].startswith("*"):
        return None  # some other file (config.json, app.py)
    roots = components if (from_stage or path.startswith("/")) else components[:1]
    if any(component.lower() in MODEL_DIRS for component in roots):
        return "directory", components
    return None


def _versioned(text: str, components: list[str]) -> bool:
    if "$" in text or any(c in components[-1] for c in "*?["):
        return True  # the version comes from a build argument, or the name is a glob: cannot tell
    names = [*components[:-1], re.sub(r"\.[A-Za-z0-9]+$", "", components[-1])]
    if any(_LATEST.search(name) for name in names):
        return False
    return any(re.search(r"\d", _NOT_VERSIONS.sub("", name)) for name in names)


class ModelArtifactBaked(Rule):
    """COPY/ADD of model weights: fine for a static, versioned model; a warning when nothing names the version."""

    id = "ML601"
    name = "model-artifact-baked"
    severity = Severity.INFO
    summary = "model files are copied into the image"
    tags = ("artifacts", "ml")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("COPY", "ADD", shipped_only=True):
            from_stage = instruction.flag("from") is not None
            for word in copy_sources(instruction):
                found = model_artifact_kind(word.text, from_stage)
                if found is None:
                    continue
                kind, components = found
                what = {"file": "model file", "directory": "model directory", "cache": "model cache"}[kind]
                if kind != "cache" and not _versioned(word.text, components):
                    yield self.problem(
                        word,
                        f"{what} `{word.text}` is baked into the image with no version in its name, so nobody "
                        "can tell which model an image serves: put the version in the path (`model-v3.pt`, "
                        "`models/resnet50-2024-05-01/`) or a label, or mount/fetch it at startup",
                        severity=Severity.WARNING,
                    )
                else:
                    yield self.problem(
                        word,
                        f"{what} `{word.text}` is baked into the image: fine for a static, versioned model "
                        "(every pull carries it, every model update is a new image); a model that changes "
                        "independently of the code is better mounted or fetched at startup",
                    )


# ---------------------------------------------------------------------------------------------------------
# ML602 model-downloaded-at-build


class ModelDownloadedAtBuild(Rule):
    """A RUN downloads model weights at build time: says the trade-off, and whether the download is pinned."""

    id = "ML602"
    name = "model-downloaded-at-build"
    severity = Severity.INFO
    summary = "model weights are downloaded at build time"
    tags = ("artifacts", "ml")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN"):
            shipped = ctx.is_shipped(instruction.stage_index)
            for download in model_downloads(instruction):
                if not shipped and download.pinned is not False:
                    continue  # a build stage: the size trade-off is decided by what the final stage copies
                yield self.problem(download.span, self._message(download, shipped))

    @staticmethod
    def _message(download: ModelDownload, shipped: bool) -> str:
        if shipped:
            head = (
                f"{download.description} downloads model weights at build time: the image grows by the "
                "model's size, but containers start without fetching it"
            )
        else:
            head = f"{download.description} downloads model weights at build time"
        if download.pinned is False:
            return (
                f"{head}; the download is not pinned to a revision: {download.how_to_pin} "
                "so rebuilds get the same weights"
            )
        advice = "mount or fetch at startup instead if the model changes more often than the code"
        if download.pinned:
            return f"{head} (pinned to a fixed revision; {advice})"
        return f"{head} ({advice})"


# ---------------------------------------------------------------------------------------------------------
# ML603 model-cache-unwritable

CACHE_VARIABLES = (
    "HF_HOME",
    "HF_HUB_CACHE",
    "TRANSFORMERS_CACHE",
    "TORCH_HOME",
    "XDG_CACHE_HOME",
    "SENTENCE_TRANSFORMERS_HOME",
)
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")


def _non_root_user(ctx: RuleContext) -> str | None:
    """The name of the user the image runs as, when it is known and not root."""
    found = final_user(ctx)
    if found is None or found[1] is None or is_root_user(found[1]):
        return None
    return found[1].split(":", 1)[0] or None


def _env_values(lineage: list[Stage]) -> dict[str, tuple[str, Word]]:
    """The last value each ENV variable gets in the lineage (expanded), with the word that sets it."""
    values: dict[str, tuple[str, Word]] = {}
    for stage in lineage:
        for instruction in stage.of("ENV"):
            for name, value, word in instruction.pairs():
                if value is not None:
                    values[name] = (expand(value, dict(instruction.scope))[0], word)
    return values


def _lineage_commands(lineage: list[Stage]) -> list[ShellCommand]:
    return [c for stage in lineage for i in stage.of("RUN") for c in i.commands]


def _root_opened(commands: list[ShellCommand]) -> bool:
    """A chmod/chown on /root or below: the image author made (part of) it accessible."""
    return any(
        command.name in ("chmod", "chown")
        and any(w.text == "/root" or w.text.startswith("/root/") for w in command.words[1:])
        for command in commands
    )


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
        env = _env_values(lineage)
        commands = _lineage_commands(lineage)
        under_root = False
        for name in CACHE_VARIABLES:
            if name not in env:
                continue
            value, word = env[name]
            if value != "/root" and not value.startswith("/root/"):
                continue
            under_root = True
            if _root_opened(commands):
                continue
            yield self.problem(
                word,
                f"`{name}={value}` is under /root, but the image runs as `{user}`: /root is mode 700, so "
                f"caching a model there fails with PermissionError; point it to a directory `{user}` owns "
                "(created and chown'ed in the image, e.g. `/home/app/.cache/huggingface`)",
            )
        if under_root or any(name in env for name in (*CACHE_VARIABLES, "HOME")):
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


RULES: list[type[Rule]] = [ModelArtifactBaked, ModelDownloadedAtBuild, ModelCacheUnwritable]
