"""Model artifacts: model files and directories by name, and the build-time model download detector (ML602,
reused by ML103 and ML706)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..lazy_re import lazy
from ..model import Instruction, ShellCommand, Span, Word
from ..records import Frozen, setfield
from ..variables import expand_word
from .env import env_flag
from .git import FULL_SHA, git_clone_pinned
from .urls import redact, split_url, url_host, url_path_segments, url_words

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
#: datasets and archives: what else makes a build context or a layer heavy
DATA_EXTENSIONS = (".parquet", ".arrow", ".feather", ".npy", ".npz", ".tfrecord", ".hdf5")
ARCHIVE_EXTENSIONS = (".tar", ".tgz", ".zip", ".7z", ".gz", ".bz2", ".xz", ".zst")
MODEL_DIRS = frozenset({"models", "model", "checkpoints", "checkpoint", "weights"})
HUB_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})


def is_model_file(name: str) -> bool:
    lowered = name.lower()
    return any(lowered.endswith(ext) and len(lowered) > len(ext) for ext in MODEL_EXTENSIONS)


# ---------------------------------------------------------------------------------------------------------
# Build-time model downloads


class ModelDownload(Frozen):
    """A build-time model download: where, what (for messages), whether it is pinned to a fixed revision
    (None: cannot tell, e.g. a plain URL or a revision held in a variable) and how to pin it."""

    __slots__ = ("description", "how_to_pin", "pinned", "span")
    _fields = ("span", "description", "pinned", "how_to_pin")

    def __init__(self, span: Span, description: str, pinned: bool | None, how_to_pin: str = "") -> None:
        setfield(self, "span", span)
        setfield(self, "description", description)
        setfield(self, "pinned", pinned)
        setfield(self, "how_to_pin", how_to_pin)


def is_model_url(url: str) -> bool:
    """A URL of a model file (by extension) or of a Hugging Face Hub ``/resolve/`` download."""
    segments = url_path_segments(url)
    if url_host(url) in HUB_HOSTS and "resolve" in segments:
        return True
    try:
        path = split_url(url if "://" in url else "https://" + url).path
    except ValueError:
        return False
    return is_model_file(path.rsplit("/", 1)[-1])


def is_model_clone(command: ShellCommand) -> bool:
    """``git clone https://huggingface.co/org/model`` (not a dataset or Space repository)."""
    if command.tool != "git" or command.subcommand != "clone" or command.invocation is None:
        return False
    for word in command.invocation.positionals[:1]:
        if url_host(word.text) in HUB_HOSTS:
            segments = url_path_segments(word.text)
            return bool(segments) and segments[0] not in ("datasets", "spaces")
    return False


def _url_download(word: Word) -> ModelDownload | None:
    url = word.text
    if not is_model_url(url):
        return None
    segments = url_path_segments(url)
    if url_host(url) in HUB_HOSTS and "resolve" in segments:
        position = segments.index("resolve") + 1
        revision = segments[position] if position < len(segments) else ""
        pinned = None if "$" in revision else bool(FULL_SHA.fullmatch(revision))
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


_CALL = lazy(r"(?:\b[\w.]+\.)?(from_pretrained|snapshot_download|hf_hub_download)\s*\(")
_REVISION = lazy(r"\brevision\s*=\s*(?:([\"'])(.*?)\1)?")
_LOCAL = lazy(r"\s*(?:[rbuf]?[\"'](?:/|\./|\.\./|~)|(?:pretrained_model_name_or_path\s*=\s*)?[\"']/)")


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
            pinned = bool(FULL_SHA.fullmatch(revision.group(2)))
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
        revision = expand_word(option.value.text, instruction.scope)
        pinned = bool(FULL_SHA.fullmatch(revision)) if revision is not None else None
    return ModelDownload(command.span, f"`{command.name} download {repo}`", pinned, "add `--revision <commit sha>`")


_MOVING_REVISIONS = frozenset({"master", "main", "latest"})


def _framework_cli_download(instruction: Instruction, command: ShellCommand) -> ModelDownload | None:
    """Framework CLIs that fetch weights: ``python -m paddle_serving_app.package --get_model lac``, ``python -m
    spacy download en_core_web_sm``, ``ollama pull llama3``, ``modelscope download --model Qwen/Qwen2-7B``."""
    name = command.name.rsplit("/", 1)[-1]
    argv = [word.text for word in command.words]
    if command.tool == "python" and command.invocation is not None:
        module = command.invocation.option("-m")
        rest = [word.text for word in command.invocation.positionals]
        if module is None or module.value is None:
            return None
        if module.value.text == "paddle_serving_app.package" and "--get_model" in rest:
            index = rest.index("--get_model") + 1
            model = rest[index] if index < len(rest) else "..."
            return ModelDownload(command.span, f"`python -m paddle_serving_app.package --get_model {model}`", None)
        if module.value.text == "spacy" and rest[:1] == ["download"] and len(rest) > 1:
            model = rest[1]
            # `en_core_web_sm-3.7.1 --direct` names a release; a bare name gets the newest compatible one
            pinned = bool(re.search(r"-\d+\.\d+", model)) and "--direct" in rest
            return ModelDownload(
                command.span,
                f"`python -m spacy download {model}`",
                pinned,
                f"name the release (`spacy download {model.split('-', 1)[0]}-X.Y.Z --direct`) or pin the model "
                "package in the requirements",
            )
        return None
    if name == "ollama" and len(argv) > 2 and argv[1] == "pull":
        return ModelDownload(command.span, f"`ollama pull {argv[2]}`", None)
    if name == "modelscope" and len(argv) > 1 and argv[1] == "download":
        model = next((a.split("=", 1)[1] for a in argv if a.startswith("--model=")), None)
        if model is None and "--model" in argv[:-1]:
            model = argv[argv.index("--model") + 1]
        if model is None:
            positionals = [a for a in argv[2:] if not a.startswith("-")]
            model = positionals[0] if positionals else "..."
        revision: str | None = None
        for index, arg in enumerate(argv):
            if arg.startswith("--revision="):
                revision = arg.split("=", 1)[1]
            elif arg == "--revision" and index + 1 < len(argv):
                revision = argv[index + 1]
        pinned: bool | None = False
        if revision is not None:
            value = expand_word(revision, instruction.scope)
            pinned = None if value is None else value.lower() not in _MOVING_REVISIONS
        return ModelDownload(command.span, f"`modelscope download {model}`", pinned, "add `--revision <tag or commit>`")
    return None


def _lfs_skipped(instruction: Instruction, command: ShellCommand) -> bool:
    values = dict(command.assignments)
    value = values.get("GIT_LFS_SKIP_SMUDGE", instruction.scope.get("GIT_LFS_SKIP_SMUDGE"))
    return bool(env_flag(value))


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
        elif (framework := _framework_cli_download(instruction, command)) is not None:
            found.append(framework)
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
# Model files and directories among COPY sources (ML601, ML103)


def model_artifact_kind(text: str, from_stage: bool) -> tuple[str, list[str]] | None:
    """For a COPY source that is a model file or model directory: ("file"|"directory"|"cache", components)."""
    path = split_url(text).path if "://" in text else text
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
