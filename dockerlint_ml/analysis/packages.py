"""Python package requirements, parsed in one place: requirement strings (PEP 508: name normalized per
PEP 503, extras, specifier clauses, marker, ``name @ url``), what is not a requirement but a path, URL,
archive or VCS URL, conda match specs, and requirements files.

``parse`` is the one parser. Three callers read its result with their own (historical) leniency, kept as
they were so that findings do not change:

* ``parse_requirement``: the stage facts (GPU rules); strict about what follows the name;
* ``project_name``: the name only (ML203, ML206 through ``rules.common.requirement_name``); lenient;
* ``requirement_pinned``: ML703; a direct reference (path, archive, URL, ``name @ url``) counts as pinned.
"""

from __future__ import annotations

import re

from ..lazy_re import lazy
from ..records import Frozen, setfield
from .urls import split_url

#: archives pip installs by path (``./dist/pkg-1.0.tar.gz``); ML703 knows all of them as direct references
ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2")
#: the archives the stage facts and ``project_name`` set apart (they take ``pkg.tgz`` for a project name)
_NAMED_ARCHIVES = ARCHIVE_SUFFIXES[:3]

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"  # PEP 508: starts and ends with a letter or digit
_REQUIREMENT = lazy(
    rf"(?P<name>{_NAME})(?P<after>(?P<tail>[._-]*)\s*(?P<extras>\[[^\]]*\])?\s*(?P<rest>.*))", re.DOTALL
)
_CLAUSE = lazy(r"\s*(===|==|~=|!=|<=|>=|<|>)\s*(\S*)")
#: operators that bound the version from above: a clause with one of them makes a requirement reproducible
PINNING_OPERATORS = frozenset({"==", "===", "~=", "<", "<="})


def normalize(name: str) -> str:
    """PEP 503 normalization of a project (or extra) name: ``Torch_Vision`` -> ``torch-vision``."""
    return re.sub(r"[-_.]+", "-", name).lower()


class Requirement(Frozen):
    """A requirement string split into its parts, as written."""

    _fields = ("name", "tail", "extras_text", "rest", "after")
    __slots__ = _fields
    name: str  # the project name (PEP 508)
    tail: str  # separators the written name ends with (``torch-``): not part of a PEP 508 name
    extras_text: str  # ``[cuda12, tpu]`` as written, or ""
    rest: str  # what follows the name and extras: specifier clauses, ``@ url``, ``; marker``
    after: str  # everything after the name, as written

    def __init__(self, name: str, tail: str, extras_text: str, rest: str, after: str) -> None:
        setfield(self, "name", name)
        setfield(self, "tail", tail)
        setfield(self, "extras_text", extras_text)
        setfield(self, "rest", rest)
        setfield(self, "after", after)

    @property
    def key(self) -> str:
        """The normalized project name (``jax``)."""
        return normalize(self.name)

    @property
    def extras(self) -> tuple[str, ...]:
        return tuple(e.strip() for e in self.extras_text[1:-1].split(",") if e.strip())

    @property
    def specifier(self) -> str:
        """The version specifier (``>=1,<2``), or ``@ url`` for a direct reference; "" when none."""
        return self.rest.split(";", 1)[0].strip()

    @property
    def marker(self) -> str | None:
        """The environment marker after ``;`` (``python_version >= "3.9"``)."""
        return self.rest.split(";", 1)[1].strip() if ";" in self.rest else None

    @property
    def url(self) -> str | None:
        """The URL of ``name @ url``."""
        return self.specifier[1:].strip() if self.specifier.startswith("@") else None

    @property
    def clauses(self) -> tuple[tuple[str, str], ...] | None:
        """``(operator, version)`` per comma-separated clause; None when a clause is not ``<op> <version>``."""
        if not self.specifier:
            return ()
        found = []
        for clause in self.specifier.split(","):
            match = _CLAUSE.match(clause)
            if match is None:
                return None
            found.append((match.group(1), match.group(2)))
        return tuple(found)


def parse(text: str) -> Requirement | None:
    """Split a requirement string (``"jax[cuda12]>=0.4; sys_platform == 'linux'"``); None when it does not start
    with a project name. Paths, URLs and archives are told by ``is_direct_reference`` / ``is_path_or_url``."""
    match = _REQUIREMENT.fullmatch(text.strip())
    if match is None:
        return None
    return Requirement(
        match.group("name"), match.group("tail"), match.group("extras") or "", match.group("rest"), match.group("after")
    )


def is_path_or_url(text: str) -> bool:
    """A path or URL (``./pkg``, ``C:\\pkg``, ``https://...``, ``name @ https://...``)."""
    return "/" in text or "\\" in text


def is_direct_reference(text: str) -> bool:
    """A local path, archive, URL, or ``name @ url``: pip installs exactly that artifact."""
    return is_path_or_url(text) or text.startswith((".", "~")) or text.endswith(ARCHIVE_SUFFIXES) or "@" in text


def vcs_without_ref(text: str) -> bool:
    """``git+https://host/org/repo`` with no ``@ref`` after the repository path."""
    if not re.match(r"(?:[\w.-]+\s*@\s*)?(git|hg|svn|bzr)\+", text):
        return False
    url = text.split("+", 1)[1].split("#", 1)[0]
    try:
        path = split_url(url).path
    except ValueError:
        return False
    return "@" not in path


def requirement_pinned(text: str) -> bool | None:
    """Whether a requirement string names a reproducible version: ``==``/``===``/``~=``, or a range with an
    upper bound (``>=1,<2``); a path, wheel, URL or VCS ref counts. None when it is not a requirement."""
    if vcs_without_ref(text):
        return False
    if is_direct_reference(text):
        return True
    requirement = parse(text)
    if requirement is None:
        return None
    clauses = requirement.clauses
    if clauses is None:
        return None  # not a specifier we understand: stay silent
    return bool({operator for operator, _version in clauses} & PINNING_OPERATORS)


def project_name(text: str) -> str | None:
    """The normalized project name of a requirement (``"jax[cuda12]>=0.4"`` -> ``jax``); None for paths, URLs
    and archives. Lenient: only the character right after the name must be one a requirement can go on with."""
    text = text.strip()
    if is_path_or_url(text) or text.endswith(_NAMED_ARCHIVES):
        return None
    requirement = parse(text)
    if requirement is None or requirement.after[:1] not in ("", *"[=<>~!;@ "):
        return None
    return requirement.key


def parse_requirement(text: str) -> tuple[str, tuple[str, ...], str | None, str | None] | None:
    """``"jax[cuda12]==0.4.30"`` -> (``jax``, (``cuda12``,), ``0.4.30``, None); None for paths and URLs, and
    when what follows the name (and extras) is not a specifier, ``@ ...`` or a marker. ``~=2.1.0`` -> ``2.1.*``."""
    text = text.strip()
    if not text or is_path_or_url(text) or text.endswith(_NAMED_ARCHIVES):
        return None
    requirement = parse(text)
    if requirement is None or requirement.tail:
        return None
    spec = requirement.specifier
    if spec and spec[0] not in "=<>~!@":
        return None
    extras = tuple(normalize(e) for e in requirement.extras)
    version = local = None
    exact = re.fullmatch(r"===?\s*([^\s,]+)", spec)
    compatible = re.fullmatch(r"~=\s*(\d+\.\d+)\.\d+", spec)
    if exact:
        version, _, local = exact.group(1).partition("+")
        local = local or None
    elif compatible:
        version = compatible.group(1) + ".*"
    return requirement.key, extras, version, local


def parse_conda_spec(text: str) -> tuple[str, str | None] | None:
    """A conda match spec: ``pytorch-cuda=12.1`` -> (``pytorch-cuda``, ``12.1``); ``conda-forge::numpy``."""
    text = text.strip().strip("'\"").split("::")[-1]
    match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:(==?)\s*([0-9][^=\s,]*))?(?:=[^\s]*)?", text)
    if not match:
        return None
    return normalize(match.group(1)), match.group(3)


def requirement_lines(text: str, per_requirement: bool = False) -> list[tuple[str, str]]:
    """A requirements file as (option, value) pairs; plain requirements have option ``""``. With
    ``per_requirement``, the options of a requirement line (``--hash=sha256:...``) follow it as pairs."""
    joined = re.sub(r"\\\r?\n", " ", text)
    pairs: list[tuple[str, str]] = []
    for raw in joined.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        if line.startswith("-"):
            match = re.match(r"(--?[A-Za-z-]+)(?:\s*=\s*|\s+)?(.*)", line)
            if match:
                pairs.append((match.group(1), match.group(2).strip()))
            continue
        requirement, *options = re.split(r"\s+(?=--)", line)
        pairs.append(("", requirement.strip()))
        if per_requirement:
            for option in options:
                name, _, value = option.partition("=") if "=" in option else option.partition(" ")
                pairs.append((name.strip(), value.strip()))
    return pairs
