"""Which files to lint, and reading them safely: directories are walked without following symlinks,
anything that is not a regular file is an input error, never a hang (a FIFO is never opened)."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator

from .lazy_re import lazy
from .records import Frozen, setfield

DOCKERFILE_NAME = lazy(r"^(?:dockerfile(?:[._-].*)?|.+\.dockerfile|containerfile(?:[._-].*)?)$", re.IGNORECASE)
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox", ".nox", "__pycache__", ".mypy_cache",
     ".ruff_cache", ".pytest_cache", "site-packages", ".eggs", "build", "dist"}
)  # fmt: skip
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Templates that render to a Dockerfile (`Dockerfile.j2`, `Dockerfile-uv.jinja`): not Dockerfiles themselves, so a
#: directory search and the pre-commit hook leave them out (lint the rendered file; a template named explicitly
#: on the command line is still linted).
TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tpl", ".tmpl", ".template", ".mustache", ".erb")
#: Files named like Dockerfiles that are something else: `Dockerfile.dockerignore` (Docker's per-Dockerfile
#: ignore file), `dockerfile_test.sh`, `dockerfile_utils.py`, `Dockerfile.md`, patches and backups. Linting one
#: is a run of false ML001 errors. (`Dockerfile.cpp`, `Dockerfile.nix`, `Dockerfile.go`, `Dockerfile_cuda` are
#: Dockerfiles: no language suffix is in the list.)
NOT_DOCKERFILE_SUFFIXES = (
    ".dockerignore", ".sh", ".bash", ".zsh", ".fish", ".ps1", ".bat", ".cmd", ".py", ".ipynb", ".md", ".markdown",
    ".rst", ".txt", ".adoc", ".json", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".lock", ".bak", ".orig", ".rej",
    ".swp", ".diff", ".patch", ".log", ".html", ".xml", ".bzl", ".mk", ".csv", ".sig", ".asc", ".sha256",
)  # fmt: skip


class Input(Frozen):
    """One thing to lint: a path to read, or an error to report for it."""

    _fields = ("path", "error")
    __slots__ = _fields
    path: str
    error: str | None

    def __init__(self, path: str, error: str | None = None) -> None:
        setfield(self, "path", path)
        setfield(self, "error", error)


def is_dockerfile_name(name: str) -> bool:
    """Whether a directory search (and the language server) takes ``name`` for a Dockerfile; the pre-commit
    hooks' ``files``/``exclude`` say the same (a test keeps them equal)."""
    lowered = name.lower()
    return bool(DOCKERFILE_NAME.match(name)) and not lowered.endswith(TEMPLATE_SUFFIXES + NOT_DOCKERFILE_SUFFIXES)


def _walk(root: str) -> Iterator[str]:
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(
            d for d in dirnames if d not in SKIP_DIRS and not os.path.exists(os.path.join(directory, d, "pyvenv.cfg"))
        )
        for name in sorted(filenames):
            if is_dockerfile_name(name):
                yield os.path.join(directory, name)


def collect(paths: tuple[str, ...]) -> list[Input]:
    """Expand the command-line paths into inputs; directories are searched for Dockerfiles."""
    inputs: list[Input] = []
    for path in paths or (".",):
        if path == "-":
            inputs.append(Input("-"))
            continue
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            inputs.append(Input(path, "no such file or directory"))
            continue
        except OSError as error:
            inputs.append(Input(path, error.strerror or str(error)))
            continue
        if stat.S_ISDIR(mode):
            found = [Input(_display(p)) for p in _walk(path)]
            inputs.extend(found or [Input(path, "no Dockerfiles found in this directory")])
        else:
            inputs.append(Input(path))
    return inputs


def _display(path: str) -> str:
    return path[2:] if path.startswith("./") else path


def read(path: str) -> bytes:
    """Read a regular file; raise OSError with a one-line reason for anything else."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise OSError("no such file or directory") from None
    except OSError as error:  # a symlink loop, a too-long name...: the reason without errno and path
        raise OSError(error.strerror or str(error)) from None
    if stat.S_ISDIR(info.st_mode):
        raise OSError("is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise OSError("not a regular file (FIFO, socket or device)")
    if info.st_size > MAX_FILE_BYTES:
        raise OSError(f"file is too large ({info.st_size // (1024 * 1024)} MiB; the limit is 10 MiB)")
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except PermissionError:
        raise OSError("permission denied") from None
