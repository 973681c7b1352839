"""Which build context (and which targets) a Dockerfile is built with: ``--context``, else what a Compose file
or a Bake file next to it says, else the Dockerfile's directory.

A ``compose.yaml`` / ``docker-compose.yml`` or ``docker-bake.hcl`` / ``docker-bake.json`` in the current
directory or the Dockerfile's directory that names this Dockerfile (Compose ``services.*.build``, Bake
``target "x" {...}``) gives the context and the stage built. Relative paths resolve as Compose and Bake resolve
them: the context against the file's directory, the Dockerfile against the context. YAML and HCL parsers are
imported only when such a file exists; a file that cannot be read or parsed is ignored (one warning line).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator, Mapping

from .lazy_re import lazy
from .records import Frozen, setfield

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any

#: in the order Compose looks for them (it reads the first one found)
COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
#: the files ``docker buildx bake`` reads by default (besides the Compose files)
BAKE_FILES = ("docker-bake.json", "docker-bake.hcl", "docker-bake.override.json", "docker-bake.override.hcl")
MAX_BUILD_FILE_BYTES = 1024 * 1024

DOCKERFILE_DIRECTORY = "the Dockerfile's directory"


class ContextChoice(Frozen):
    """The build context chosen for one Dockerfile, and where the choice came from."""

    _fields = ("directory", "origin", "targets", "healthcheck", "user")
    __slots__ = _fields
    directory: str  # absolute path
    origin: str  # "--context", "compose.yaml service `api`", "the Dockerfile's directory"
    #: the stages the build file builds (None: the last stage); () when no build file said
    targets: tuple[str | None, ...]
    #: every Compose service building this Dockerfile defines (or disables) its own `healthcheck:`
    healthcheck: bool
    #: every Compose service building this Dockerfile runs it as a non-root `user:`
    user: bool

    def __init__(
        self,
        directory: str,
        origin: str,
        targets: tuple[str | None, ...] = (),
        healthcheck: bool = False,
        user: bool = False,
    ) -> None:
        setfield(self, "directory", directory)
        setfield(self, "origin", origin)
        setfield(self, "targets", targets)
        setfield(self, "healthcheck", healthcheck)
        setfield(self, "user", user)


class _Build(Frozen):
    """One build a Compose service or Bake target describes."""

    _fields = ("file", "kind", "name", "context", "dockerfile", "target", "healthcheck", "user")
    __slots__ = _fields
    file: str  # "compose.yaml"
    kind: str  # "service" (Compose) or "target" (Bake)
    name: str  # the service or Bake target
    context: str  # absolute
    dockerfile: str  # absolute
    target: str | None
    healthcheck: bool  # a Compose service with its own `healthcheck:` (it replaces the image's)
    user: bool  # a Compose service that runs the image as a non-root `user:`

    def __init__(
        self,
        file: str,
        kind: str,
        name: str,
        context: str,
        dockerfile: str,
        target: str | None,
        healthcheck: bool = False,
        user: bool = False,
    ) -> None:
        setfield(self, "file", file)
        setfield(self, "kind", kind)
        setfield(self, "name", name)
        setfield(self, "context", context)
        setfield(self, "dockerfile", dockerfile)
        setfield(self, "target", target)
        setfield(self, "healthcheck", healthcheck)
        setfield(self, "user", user)


def choose_context(dockerfile_path: str, context_dir: str | None = None, cwd: str | None = None) -> ContextChoice:
    """The context for ``dockerfile_path``: ``--context`` wins (a build file describing that same context still
    gives its targets); else the first build file naming the Dockerfile; else the Dockerfile's directory."""
    dockerfile = os.path.realpath(dockerfile_path)
    builds = _builds_of(dockerfile, os.getcwd() if cwd is None else cwd)
    if context_dir:
        directory = os.path.realpath(context_dir)
        same = [build for build in builds if build.context == directory]
        return ContextChoice(directory, "--context", _targets(same))
    if not builds:
        return ContextChoice(os.path.dirname(dockerfile), DOCKERFILE_DIRECTORY)
    chosen = [build for build in builds if build.context == builds[0].context]
    services = [build for build in chosen if build.kind == "service"]
    healthcheck = bool(services) and all(build.healthcheck for build in services)
    user = bool(services) and all(build.user for build in services)
    return ContextChoice(builds[0].context, _origin(chosen), _targets(chosen), healthcheck, user)


def _non_root(user: object) -> bool:
    """A Compose `user:` that is not root: `"6972:6972"`, `"${APP_UID:-6972}"`, `app` (not `root`, `0`, `0:0`)."""
    if not isinstance(user, (str, int)):
        return False
    text = str(user).strip()
    name = text[: text.index("}") + 1] if text.startswith("${") and "}" in text else text.split(":", 1)[0]
    default = name[2:-1].split(":-", 1)[1] if name.startswith("${") and ":-" in name else name
    return bool(default) and default not in ("root", "0") and not default.startswith("$")


def _origin(builds: list[_Build]) -> str:
    """``compose.yaml services `api`, `dev``` (and ``docker-bake.hcl target `x``` when both name it)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for build in builds:
        names = groups.setdefault((build.file, build.kind), [])
        if build.name not in names:
            names.append(build.name)
    return " and ".join(
        f"{file} {kind}{'s' * (len(names) > 1)} {', '.join(f'`{name}`' for name in names)}"
        for (file, kind), names in groups.items()
    )


def _targets(builds: list[_Build]) -> tuple[str | None, ...]:
    return tuple(dict.fromkeys(build.target for build in builds))


def targets_for(explicit: tuple[str | None, ...], build_context: Any, stage_names: set[str]) -> tuple[str | None, ...]:
    """The targets to lint: those configured (``--target``, ``targets = [...]``) when any, else those the build
    file gave that name a stage of this Dockerfile, else the last stage (None)."""
    if explicit != (None,):
        return explicit
    choice = getattr(build_context, "choice", None)
    found = tuple(t for t in getattr(choice, "targets", ()) if t is None or t in stage_names)
    return found or (None,)


def _builds_of(dockerfile: str, cwd: str) -> list[_Build]:
    """The builds of ``dockerfile`` described by build files in ``cwd`` and the Dockerfile's directory."""
    found: list[_Build] = []
    for directory in dict.fromkeys((os.path.realpath(cwd), os.path.dirname(dockerfile))):
        for build in _builds_in(directory):
            if build.dockerfile == dockerfile:
                found.append(build)
    return found


def _builds_in(directory: str) -> Iterator[_Build]:
    compose = next((name for name in COMPOSE_FILES if os.path.isfile(os.path.join(directory, name))), None)
    if compose is not None:
        yield from _compose_builds(os.path.join(directory, compose))
    for name in BAKE_FILES:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            yield from _bake_builds(path)


_CACHE: dict[tuple[str, float, int], list[_Build]] = {}
_WARNED: set[str] = set()


def _warn(path: str, why: str) -> None:
    """One line on stderr per file: someone else's file must not stop the lint."""
    if path not in _WARNED:
        _WARNED.add(path)
        sys.stderr.write(f"mllint: warning: {path}: ignored ({why})\n")


def _read(path: str) -> str | None:
    try:
        if os.path.getsize(path) > MAX_BUILD_FILE_BYTES:
            _warn(path, "too large")
            return None
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError as error:
        _warn(path, error.strerror or "unreadable")
        return None


def _cached(path: str, parse: Any) -> list[_Build]:
    """Each build file is parsed once per process (keyed by its mtime and size)."""
    try:
        info = os.stat(path)
    except OSError:
        return []
    key = (path, info.st_mtime, info.st_size)
    if key not in _CACHE:
        _CACHE[key] = parse(path)
    return _CACHE[key]


# Compose


def _compose_builds(path: str) -> list[_Build]:
    return _cached(path, _parse_compose)


def _parse_compose(path: str) -> list[_Build]:
    text = _read(path)
    if text is None:
        return []
    import yaml  # only when a Compose file exists

    try:
        document = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        _warn(path, f"not valid YAML: {str(error).splitlines()[0] if str(error) else type(error).__name__}")
        return []
    services = document.get("services") if isinstance(document, dict) else None
    if not isinstance(services, dict):
        return []
    name = os.path.basename(path)
    base = os.path.dirname(path)
    builds = []
    for service, spec in services.items():
        build = spec.get("build") if isinstance(spec, dict) else None
        if isinstance(build, str):
            build = {"context": build}
        if not isinstance(build, dict) or "dockerfile_inline" in build:
            continue
        found = _build(base, build.get("context", "."), build.get("dockerfile"), build.get("target"), os.environ)
        if found is not None:
            healthcheck = isinstance(spec.get("healthcheck"), dict)
            builds.append(_Build(name, "service", str(service), *found, healthcheck, _non_root(spec.get("user"))))
    return builds


# Bake


def _bake_builds(path: str) -> list[_Build]:
    return _cached(path, _parse_bake)


def _parse_bake(path: str) -> list[_Build]:
    text = _read(path)
    if text is None:
        return []
    document = _bake_document(path, text)
    if document is None:
        return []
    targets = document.get("target")
    if not isinstance(targets, dict):
        return []
    variables = document.get("variable")
    scope = {
        name: str(spec["default"])
        for name, spec in (variables.items() if isinstance(variables, dict) else ())
        if isinstance(spec, dict) and isinstance(spec.get("default"), (str, int, float))
    }
    scope.update({name: value for name, value in os.environ.items() if name in scope})
    name = os.path.basename(path)
    base = os.path.dirname(path)
    builds = []
    for target in targets:
        spec = _inherited(targets, target, set())
        found = _build(base, spec.get("context", "."), spec.get("dockerfile"), spec.get("target"), scope)
        if found is not None:
            builds.append(_Build(name, "target", str(target), *found))
    return builds


def _bake_document(path: str, text: str) -> dict | None:
    """A Bake file as the JSON form: ``{"target": {"api": {...}}, "variable": {...}}``."""
    if path.endswith(".json"):
        try:
            document = json.loads(text)
        except (ValueError, RecursionError) as error:
            _warn(path, f"not valid JSON: {error}")
            return None
        return document if isinstance(document, dict) else None
    try:
        import hcl2  # only when a Bake HCL file exists
    except ImportError:
        _warn(path, "python-hcl2 is not installed, so Bake HCL files cannot be read")
        return None
    try:
        parsed = hcl2.loads(text)
    except Exception as error:  # lark raises many kinds: any of them means "not HCL we can read"
        _warn(path, f"not valid HCL: {str(error).splitlines()[0] if str(error) else type(error).__name__}")
        return None
    return {kind: _blocks(parsed.get(kind)) for kind in ("target", "variable")}


def _blocks(value: Any) -> dict[str, dict]:
    """python-hcl2's ``[{'"api"': {...}}, ...]`` (labels quoted since version 8) -> ``{"api": {...}}``."""
    blocks: dict[str, dict] = {}
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict):
            for label, body in item.items():
                if isinstance(body, dict):
                    blocks[_unquote(label)] = {key: _unquote(v) for key, v in body.items()}
    return blocks


def _unquote(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, list):
        return [_unquote(item) for item in value]
    return value


def _inherited(targets: Mapping[str, Any], name: str, seen: set[str]) -> dict:
    """A Bake target with what it ``inherits`` (parents first, its own attributes last)."""
    spec = targets.get(name)
    if not isinstance(spec, dict) or name in seen:
        return {}
    seen.add(name)
    merged: dict = {}
    parents = spec.get("inherits")
    for parent in parents if isinstance(parents, list) else ():
        if isinstance(parent, str):
            merged.update(_inherited(targets, parent, seen))
    merged.update(spec)
    return merged


# Shared


def _build(
    base: str, context: Any, dockerfile: Any, target: Any, scope: Mapping[str, str]
) -> tuple[str, str, str | None] | None:
    """(context, Dockerfile, target) as absolute paths; None for a remote context or values that cannot be
    told (an unset variable, not a string)."""
    values = [_interpolate(v, scope) if isinstance(v, str) else v for v in (context, dockerfile or "Dockerfile")]
    context, dockerfile = values
    if not isinstance(context, str) or not isinstance(dockerfile, str) or not context:
        return None
    if re.match(r"[a-z][a-z0-9+.-]*://|git@|github\.com/|target:|docker-image:", context):
        return None  # a remote or named context: nothing on this disk
    if target is not None:
        target = _interpolate(target, scope) if isinstance(target, str) else None
        if not target:
            return None
    directory = os.path.realpath(os.path.join(base, os.path.expanduser(context)))
    return directory, os.path.realpath(os.path.join(directory, dockerfile)), target


_VARIABLE = lazy(r"\$(?:\$|\{(\w+)(?:(:?[-?])([^}]*))?\}|(\w+))")


def _interpolate(text: str, scope: Mapping[str, str]) -> str | None:
    """Compose/Bake interpolation: ``${X}``, ``${X:-default}``, ``${X-default}``, ``$X``, ``$$``. None when a
    variable is not set and has no default (the path cannot be told)."""
    unknown = False

    def value(match: re.Match[str]) -> str:
        nonlocal unknown
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        operator, default = match.group(2), match.group(3)
        current = scope.get(name)
        if operator in (":-",) and not current:
            return default or ""
        if operator == "-" and current is None:
            return default or ""
        if current is None:
            unknown = True
            return ""
        return current

    result = _VARIABLE.sub(value, text)
    return None if unknown else result
