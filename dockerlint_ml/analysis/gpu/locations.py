"""Where an install goes (a venv, a conda prefix, a ``--target`` dir, ``~/.local``, ``/usr/local``), and
whether a ``COPY --from=<stage> source destination`` carries that environment and where it lands.
"""

from __future__ import annotations

import posixpath
import re
from fnmatch import fnmatchcase

from ...lazy_re import lazy
from .options import Scope

_ENV_ROOT = lazy(r"venv|virtualenv|conda|mamba|miniforge|(?:^|/)\.?env(?:s)?(?:/|$)")


def _absolute(path: str, workdir: str) -> str:
    return posixpath.normpath(posixpath.join(workdir, path))


def _env_of_executable(path: str, workdir: str) -> str | None:
    """``/opt/venv/bin/pip`` -> ``/opt/venv``; None for the system interpreter or a bare name."""
    if "/" not in path:
        return None
    directory = posixpath.dirname(_absolute(path, workdir))
    if posixpath.basename(directory) != "bin":
        return None
    root = posixpath.dirname(directory)
    return None if root in ("/", "/usr", "/usr/local") else root


def _env_on_path(scope: Scope, venvs: set[str]) -> str | None:
    """The first Python environment on ``PATH`` (``ENV PATH=/opt/venv/bin:$PATH``)."""
    for entry in (scope.get("PATH") or "").split(":"):
        entry = posixpath.normpath(entry) if entry.startswith("/") else ""
        if posixpath.basename(entry) != "bin":
            continue
        root = posixpath.dirname(entry)
        if root in venvs or (_ENV_ROOT.search(root) and "$" not in root):
            return root
    return None


# Copy sources that carry a Python environment when where pip installed to is unknown: the directory names of
# environments, and the directories that hold them (``/usr/local`` holds ``/usr/local/lib/python3.X``).
_ENV_COPY = lazy(
    r"site-packages|dist-packages|venv|(?:^|/)\.?env(?:/|$)|/opt/conda|conda|mamba|miniforge|"
    r"^/usr/local/lib/python|^/usr/lib/python|/\.local(?:/|$)"
)


_LIBRARY_DIR = lazy(r"/lib(?:64)?(?:/python[\d.]*(?:/(?:site|dist)-packages)?)?/?")


_ENV_HOLDERS = frozenset({"/", "/usr", "/usr/local", "/usr/local/lib", "/usr/lib", "/opt", "/root"})


def _carried_location(location: str | None, source: str, destination: str) -> tuple[bool, str | None]:
    """Whether ``COPY --from=<stage> source destination`` copies an install made into ``location``, and where
    the environment is afterwards."""
    if any(c in source for c in "*?["):
        if location is not None and (fnmatchcase(location, source) or fnmatchcase(location, source + "/*")):
            return True, destination
        if location is None and _ENV_COPY.search(source):
            return True, destination
        return False, None
    if location is None:
        if source in _ENV_HOLDERS:
            return True, None
        if _ENV_COPY.search(source) and not re.search(r"-packages/.", source):
            return True, destination
        return False, None
    if location == "~/.local":
        if re.search(r"/\.local(?:/|$)", source):
            return True, destination
        if source in ("/", "/root", "/home") or re.fullmatch(r"/home/[^/]+", source):
            return True, posixpath.join(destination, ".local") if source != "/" else location
        return False, None
    if source == "/":
        return True, posixpath.normpath(posixpath.join(destination, location.lstrip("/")))
    if location == source or location.startswith(source + "/"):
        return True, posixpath.normpath(destination + location[len(source) :])
    if source.startswith(location + "/") and _LIBRARY_DIR.fullmatch(source[len(location) :]):
        return True, destination  # the environment's lib/pythonX.Y/site-packages, not one package inside
    return False, None
