"""ML2xx: image size."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, ClassVar

from ..images import full_name
from ..model import Dockerfile, Finding, Fix, ImageRef, Instruction, Severity, ShellCommand, Stage, Word
from ..roles import DEPLOYED, SERVICES
from ..shell import SHELLS
from ..text import expand
from .base import Problem, Rule, RuleContext
from .common import (
    any_after,
    copy_sources,
    from_image_word,
    has_cache_mount,
    image_matches,
    is_apt_install,
    is_pip_install,
    is_python_install,
    mount_target,
    removes_path,
    requirement_name,
    rm_targets,
    tag_tokens,
)

PIP_CACHE_DIRS = ("/root/.cache/pip", "/root/.cache", "/home", "/tmp/pip-cache")
#: an ``rm`` target that removes a pip cache: ``/root/.cache``, ``~/.cache/pip``, ``$HOME/.cache/pip/*``
_PIP_CACHE_TARGET = re.compile(r"(?:.*/)?\.cache(?:/pip)?(?:/\*?)?")


def _removes_pip_cache(command: ShellCommand) -> bool:
    if command.tool == "pip" and command.subcommand == "cache purge":
        return True
    return any(_PIP_CACHE_TARGET.fullmatch(word.text) for word in rm_targets(command))


#: packaging tools pip upgrades for itself: their download cache is a few MB
BUILD_TOOLING = frozenset({"pip", "setuptools", "wheel", "packaging"})


def _only_build_tooling(command: ShellCommand) -> bool:
    """``pip install -U pip setuptools wheel``: only build tooling, no requirement file, project or URL."""
    invocation = command.invocation
    if invocation is None or not invocation.positionals:
        return False
    if invocation.has_flag("-r", "--requirement", "-e", "--editable"):
        return False
    return all(requirement_name(word) in BUILD_TOOLING for word in invocation.positionals)


class PipCacheKept(Rule):
    """``pip install`` keeps its wheel cache in the image unless told not to."""

    id = "ML206"
    name = "pip-cache-kept"
    severity = Severity.WARNING
    summary = "pip install keeps its download cache in the image"
    tags = ("size",)
    fix_safety = "safe"
    fix_title = "add `--no-cache-dir` to the pip install"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN", shipped_only=True):
            if instruction.scope.get("PIP_NO_CACHE_DIR") not in (None, "", "0", "false", "off", "no"):
                continue
            if has_cache_mount(instruction, *PIP_CACHE_DIRS):
                continue
            for command in instruction.commands:
                if not is_pip_install(command) or command.has_flag("--no-cache-dir", "--no-cache"):
                    continue  # pip takes `--no-cache`, an unambiguous prefix of `--no-cache-dir`, as that option
                if _only_build_tooling(command):
                    continue  # `pip install --upgrade pip`: a few MB, not worth a warning
                if any_after(instruction, command, _removes_pip_cache):
                    continue  # `... && rm -rf /root/.cache/pip` in the same RUN: the cache never reaches a layer
                yield self.problem(
                    command,
                    "pip install keeps its cache in the image: add `--no-cache-dir` "
                    "(or set `ENV PIP_NO_CACHE_DIR=1`, or use `RUN --mount=type=cache,target=/root/.cache/pip`)",
                )
                break  # once per RUN: the fix for one install is the fix for all of them

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        """``--no-cache-dir`` on the flagged install and on every later pip install of the same RUN that lacks
        it (ML206 reports a RUN once)."""
        from ..fix.edits import after, command_at, in_tab_stripped_heredoc, is_at, subcommand_word

        found = command_at(dockerfile, finding.span, is_pip_install)
        if found is None:
            return None
        instruction, flagged = found
        edits = []
        for command in instruction.commands[instruction.commands.index(flagged) :]:
            if not is_pip_install(command) or command.has_flag("--no-cache-dir", "--no-cache"):
                continue
            word = subcommand_word(command)
            if (
                word is None
                or not is_at(dockerfile, word)
                or in_tab_stripped_heredoc(instruction, dockerfile, word.span)
            ):
                if command is flagged:
                    return None
                continue
            edits.append(after(word, " --no-cache-dir"))
        return Fix("add `--no-cache-dir` to pip install", tuple(edits)) if edits else None


def _base_image(ctx: RuleContext, stage: Stage) -> tuple[Stage, ImageRef] | None:
    """The stage that names an image in ``stage``'s lineage, and that image (None when unknown)."""
    root = ctx.lineage(stage)[0]
    image = root.image
    if image is None or not image.resolved or image.is_scratch:
        return None
    return root, image


def _without_tag(image: ImageRef) -> str:
    reference = image.raw.split("@", 1)[0]
    return reference[: -len(image.tag) - 1] if image.tag and reference.endswith(":" + image.tag) else reference


# ---------------------------------------------------------------------------------------------------------
# ML201 fat-base-image

DEBIAN_CODENAMES = frozenset({"jessie", "stretch", "buster", "bullseye", "bookworm", "trixie", "forky"})
_PYTHON_VERSION = re.compile(r"\d+(?:\.\d+)*(?:(?:a|b|rc)\d*)?")


def _full_python_tag(tag: str | None) -> bool:
    """Whether a ``python`` tag names the full Debian image (``3.11``, ``3.11-bookworm``, ``latest``)."""
    return all(
        token in DEBIAN_CODENAMES or token in ("latest", "rc") or _PYTHON_VERSION.fullmatch(token)
        for token in tag_tokens(tag or "latest")
    )


def _slim_tag(tag: str | None) -> str:
    tokens = [t for t in tag_tokens(tag or "latest") if t != "latest"]
    codename = next((i for i, t in enumerate(tokens) if t in DEBIAN_CODENAMES), len(tokens))
    return "-".join([*tokens[:codename], "slim", *tokens[codename:]])


def _is_python_image(image: ImageRef) -> bool:
    return image.repository == "python" or image.repository.endswith("/library/python")


class FatBaseImage(Rule):
    """The final image is built on a full distribution image where a lean variant serves."""

    id = "ML201"
    name = "fat-base-image"
    severity = Severity.WARNING
    summary = "the final stage is based on a full image where a slim variant serves"
    tags = ("size",)
    roles = DEPLOYED
    options: ClassVar[Mapping[str, Any]] = {"allowed-images": ()}

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        final = ctx.final_stage
        found = _base_image(ctx, final) if final is not None else None
        if found is None:
            return
        root, image = found
        if image_matches(image, ctx.options(self)["allowed-images"]):
            return
        if _is_python_image(image) and (image.tag or not image.digest) and _full_python_tag(image.tag):
            slim = f"{_without_tag(image)}:{_slim_tag(image.tag)}"
            yield self.problem(
                from_image_word(root),
                f"`{image.raw}` is the full Debian image (compilers, headers, ~1 GB) that ships with the final "
                f"stage: use `{slim}` and install only the system packages you need",
            )
        elif full_name(image) == "continuumio/anaconda3":
            yield self.problem(
                from_image_word(root),
                f"`{image.raw}` ships the whole Anaconda distribution (several GB of packages the app does not "
                "use): start from `continuumio/miniconda3` or `mambaorg/micromamba` and install what you need",
            )


# ---------------------------------------------------------------------------------------------------------
# ML202 devel-image-in-final-stage

_RUNTIME_VARIANTS = ("nvidia/cuda", "nvcr.io/nvidia/cuda", "pytorch/pytorch")


def _is_devel_image(image: ImageRef) -> bool:
    name = full_name(image)
    framework = name in ("nvidia/cuda", "pytorch/pytorch", "tensorflow/tensorflow") or name.startswith(
        "nvcr.io/nvidia/"
    )
    return framework and "devel" in tag_tokens(image.tag)


class DevelImageInFinalStage(Rule):
    """The final image is a CUDA/framework *devel* image: nvcc, headers and static libraries ship."""

    id = "ML202"
    name = "devel-image-in-final-stage"
    severity = Severity.WARNING
    summary = "the final stage is based on a CUDA/framework devel image"
    tags = ("size", "gpu")
    roles = SERVICES  # a training or base image may need nvcc at run time (JIT-compiled ops)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        final = ctx.final_stage
        found = _base_image(ctx, final) if final is not None else None
        if found is None or not _is_devel_image(found[1]):
            return
        root, image = found
        if full_name(image) in _RUNTIME_VARIANTS and image.tag:
            tag = "-".join("runtime" if t == "devel" else t for t in image.tag.split("-"))
            run_on = f"`{_without_tag(image)}:{tag}`"
        else:
            run_on = "the matching runtime (non-devel) image"
        yield self.problem(
            from_image_word(root),
            f"`{image.raw}` is a devel image: the CUDA compiler, headers and static libraries (several GB) ship "
            f"to production: build in a devel stage and run on {run_on}, copying only the results",
        )


# ---------------------------------------------------------------------------------------------------------
# ML203 alpine-with-ml-wheels

_PUBLIC_INDEXES = ("https://pypi.org/", "https://download.pytorch.org/", "https://files.pythonhosted.org/")


def _is_alpine(image: ImageRef) -> bool:
    return image.name == "alpine" or any(token.startswith("alpine") for token in tag_tokens(image.tag))


def _may_use_own_wheels(command: ShellCommand) -> bool:
    """``--find-links``/``--no-index`` or a private index may serve musllinux wheels built elsewhere."""
    invocation = command.invocation
    if invocation is None or invocation.has_flag("-f", "--find-links", "--no-index"):
        return True
    indexes = invocation.values("-i", "--index-url", "--extra-index-url", "--index")
    return any(not url.startswith(_PUBLIC_INDEXES) for url in indexes)


class AlpineWithMlWheels(Rule):
    """An alpine (musl) image pip-installs ML packages that publish no musllinux wheels."""

    id = "ML203"
    name = "alpine-with-ml-wheels"
    severity = Severity.WARNING
    summary = "an alpine base installs ML packages that have no musllinux wheels"
    tags = ("size", "build")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction, command in ctx.commands(shipped_only=True):
            if not is_python_install(command) or _may_use_own_wheels(command):
                continue
            stage = ctx.stage_of(instruction)
            found = _base_image(ctx, stage) if stage is not None else None
            if found is None or not _is_alpine(found[1]):
                continue
            assert command.invocation is not None
            from .. import knowledge as kb  # only on alpine bases: keeps the TOML off other files' path

            names = [requirement_name(word) for word in command.invocation.positionals]
            missing = list(dict.fromkeys(name for name in names if name in kb.no_musllinux_packages()))
            if missing:
                listed = ", ".join(f"`{name}`" for name in missing)
                yield self.problem(
                    command,
                    f"{listed} publish{'es' if len(missing) == 1 else ''} no musllinux wheels, so on the alpine "
                    f"base `{found[1].raw}` pip builds from source or fails: use a glibc base such as "
                    "`python:3.12-slim`",
                )


# ---------------------------------------------------------------------------------------------------------
# ML204 apt-lists-not-removed

APT_LISTS = "/var/lib/apt/lists"
#: apt-get/apt subcommands that read the package lists (an install without them fails: "Unable to locate package")
_APT_LIST_READERS = frozenset(
    {"install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "source", "download"}
)


def _removes_apt_lists(command: ShellCommand) -> bool:
    if command.tool == "apt-get" and command.subcommand == "dist-clean":
        return True
    if command.name == "find" and "-delete" in command.argv:
        return any(removes_path(arg, APT_LISTS) or arg.startswith(APT_LISTS + "/") for arg in command.argv[1:])
    return any(removes_path(word.text, APT_LISTS) for word in rm_targets(command))


def is_apt_update(command: ShellCommand) -> bool:
    """``apt-get update`` or ``apt update``: fetches the package lists into /var/lib/apt/lists."""
    return command.tool == "apt-get" and command.subcommand == "update"


def _reads_apt_lists(command: ShellCommand) -> bool:
    return (command.tool == "apt-get" and command.subcommand in _APT_LIST_READERS) or command.name == "apt-cache"


def apt_spelling(command: ShellCommand) -> str:
    """``apt`` when the command is written ``apt …``, else ``apt-get``."""
    return "apt" if command.name.rsplit("/", 1)[-1] == "apt" else "apt-get"


def _apt_lists_cached(instruction: Instruction) -> bool:
    """A cache mount on /var/lib/apt (or its lists): the lists never reach the layer."""
    return has_cache_mount(instruction, "/var/lib/apt")


def _first_apt_event(instruction: Instruction) -> str | None:
    """What a RUN first does to the package lists: ``update`` (fetch), ``remove`` or ``read`` (install
    from them); None when it does not touch them. A RUN with a cache mount on the lists uses its own."""
    if instruction.keyword != "RUN" or _apt_lists_cached(instruction):
        return None
    for command in instruction.commands:
        if is_apt_update(command):
            return "update"
        if _removes_apt_lists(command):
            return "remove"
        if _reads_apt_lists(command):
            return "read"
    return None


_NEEDED: dict[str, Any] = {}


def apt_lists_needed_later(dockerfile: Dockerfile) -> dict[int, Instruction]:
    """For each RUN (by ``id``), the first later RUN of the same stage or of a stage built FROM it that
    installs from the package lists already in the image, with no ``apt-get update`` (or removal) of its own
    in between: removing the lists in the earlier RUN would break that install. One backward pass per file."""
    if _NEEDED.get("dockerfile") is dockerfile:
        return _NEEDED["result"]
    children: dict[int, list[int]] = {}
    for stage in dockerfile.stages:
        if stage.parent is not None and stage.parent != stage.index:
            children.setdefault(stage.parent, []).append(stage.index)
    #: per stage: the RUN reading the lists that a stage's start hands down to (None: fetched/removed first, or none)
    at_start: dict[int, Instruction | None] = {}
    result: dict[int, Instruction] = {}
    for stage in reversed(dockerfile.stages):
        pending = next(
            (at_start[c] for c in children.get(stage.index, ()) if c > stage.index and at_start.get(c)), None
        )
        for instruction in reversed(stage.body):
            if pending is not None and instruction.keyword == "RUN":
                result[id(instruction)] = pending
            event = _first_apt_event(instruction)
            if event == "read":
                pending = instruction
            elif event is not None:
                pending = None
        at_start[stage.index] = pending
    _NEEDED.update(dockerfile=dockerfile, result=result)
    return result


def _first_uncleaned(
    instruction: Instruction, wanted: Callable[[ShellCommand], bool], cleans: Callable[[ShellCommand], bool]
) -> ShellCommand | None:
    """The first command of ``instruction`` that ``wanted`` picks with no ``cleans`` command after it."""
    for command in instruction.commands:
        if wanted(command) and not any_after(instruction, command, cleans):
            return command
    return None


def _install_after_update(instruction: Instruction) -> ShellCommand | None:
    """The first install that follows an ``apt-get update`` of the same RUN and leaves the lists behind."""
    updated = False
    for command in instruction.commands:
        updated = updated or is_apt_update(command)
        if updated and is_apt_install(command) and not any_after(instruction, command, _removes_apt_lists):
            return command
    return None


class AptListsNotRemoved(Rule):
    """``apt-get update`` + ``install`` leaves the package index (tens of MB) in the layer."""

    id = "ML204"
    name = "apt-lists-not-removed"
    severity = Severity.WARNING
    summary = "apt-get update and install without removing /var/lib/apt/lists/* in the same RUN"
    tags = ("size",)
    fix_safety = "safe"
    fix_title = "append `&& rm -rf /var/lib/apt/lists/*` after the last apt command"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        needed = None
        for instruction in ctx.instructions("RUN", shipped_only=True):
            if _apt_lists_cached(instruction):
                continue
            command = _install_after_update(instruction)
            if command is None:
                continue  # no update here: the lists belong to an earlier layer, removing them here saves nothing
            tool = apt_spelling(command)
            braces = any(
                "{" in word.text and "/var/lib/" in word.text
                for other in instruction.commands
                for word in rm_targets(other)
            )
            note = " (`/bin/sh` does not expand `{a,b}` braces, so `rm -rf /var/lib/{apt,dpkg}/...` removes nothing)"
            if needed is None:
                needed = apt_lists_needed_later(ctx.dockerfile)
            later = needed.get(id(instruction))
            if later is not None:
                advice = (
                    f"the RUN on line {later.line} installs from these lists without its own `{tool} update`, so "
                    f"they cannot simply be removed here: run `{tool} update` in that RUN too and end both RUNs "
                    "with `&& rm -rf /var/lib/apt/lists/*`"
                )
            else:
                advice = (
                    "end the same RUN with `&& rm -rf /var/lib/apt/lists/*` "
                    "(or use `--mount=type=cache,target=/var/lib/apt`)"
                )
            yield self.problem(
                command,
                f"{tool} install leaves the package lists fetched by `{tool} update` in the image: {advice}"
                + (note if braces else ""),
            )

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        from ..fix.edits import append_after_last, command_at

        found = command_at(dockerfile, finding.span, is_apt_install)
        if found is None:
            return None
        instruction, command = found
        if id(instruction) in apt_lists_needed_later(dockerfile):
            return None  # a later RUN installs from these lists without its own `apt-get update`
        return append_after_last(
            dockerfile,
            instruction,
            command,
            lambda c: c.tool == "apt-get",
            "rm -rf /var/lib/apt/lists/*",
            "remove /var/lib/apt/lists/* after the last apt-get command",
        )


# ---------------------------------------------------------------------------------------------------------
# ML205 apt-recommends

_NO_RECOMMENDS = re.compile(r"apt::install-recommends\s*=\s*[\"']?(?:false|0|no|off|without|disable)[\"']?", re.I)


def _configures_recommends(instruction: Instruction) -> bool:
    """A RUN writing an apt.conf setting (``echo 'APT::Install-Recommends "0";' > ...``) or a COPY into
    /etc/apt/apt.conf.d: later installs may skip recommends, so the rule cannot tell."""
    if instruction.keyword in ("COPY", "ADD"):
        return any("/etc/apt/apt.conf" in word.text for word in instruction.arguments[-1:])
    return any(
        not is_apt_install(command) and any("install-recommends" in word.text.lower() for word in command.words)
        for command in instruction.commands
    )


class AptRecommends(Rule):
    """``apt-get install`` pulls in recommended packages too."""

    id = "ML205"
    name = "apt-recommends"
    severity = Severity.INFO
    summary = "apt-get install without --no-install-recommends"
    tags = ("size",)
    fix_safety = "safe"
    fix_title = "add `--no-install-recommends`"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for stage in ctx.shipped_stages:
            configured = any(
                _configures_recommends(i) for s in ctx.lineage(stage)[:-1] for i in s.body
            )  # ancestors' settings apply to this stage
            for instruction in stage.body:
                configured = configured or _configures_recommends(instruction)
                if configured or instruction.keyword != "RUN":
                    continue
                for command in instruction.commands:
                    if not is_apt_install(command) or not command.invocation or not command.invocation.positionals:
                        continue
                    if command.has_flag("--no-install-recommends"):
                        continue
                    if any(_NO_RECOMMENDS.fullmatch(v) for v in command.invocation.values("-o", "--option")):
                        continue
                    yield self.problem(
                        command,
                        "apt-get install also installs recommended packages (often hundreds of MB): add "
                        "`--no-install-recommends` and name the packages you need",
                    )

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        from ..fix.edits import insert_after_subcommand

        return insert_after_subcommand(
            dockerfile, finding, is_apt_install, "--no-install-recommends", "add `--no-install-recommends`"
        )


# ---------------------------------------------------------------------------------------------------------
# ML207 conda-cache-kept

CONDA_TOOLS = frozenset({"conda", "mamba", "micromamba"})
_CONDA_INSTALLS = frozenset({"install", "create", "update", "upgrade", "env create", "env update"})
_CONDA_CACHE = re.compile(r"(?:^|/)(?:pkgs|\.cache/(?:mamba|conda)|\.conda/pkgs)(?:/\*?)?$")
_CLEAN_ALL_CLUSTER = re.compile(r"-[a-zA-Z]*[at][a-zA-Z]*")


def is_conda_install(command: ShellCommand) -> bool:
    """``conda``/``mamba``/``micromamba`` install, create, update or env create/update."""
    return command.tool in CONDA_TOOLS and command.subcommand in _CONDA_INSTALLS


def _cleans_conda(command: ShellCommand) -> bool:
    if command.tool in CONDA_TOOLS and command.subcommand == "clean":
        return command.has_flag("-a", "--all", "-t", "--tarballs") or any(
            _CLEAN_ALL_CLUSTER.fullmatch(word.text) for word in command.words[2:]
        )
    return any(_CONDA_CACHE.search(word.text) for word in rm_targets(command))


def _conda_cache_mount(instruction: Instruction) -> bool:
    return any(
        mount.get("type") == "cache" and _CONDA_CACHE.search(mount_target(mount).rstrip("/"))
        for mount in instruction.mounts()
    )


def append_clean(dockerfile: Dockerfile, instruction: Instruction, command: ShellCommand, clean: str) -> Fix | None:
    """Append ``clean`` after the last command of the instruction that runs ``command``'s tool (the fix of
    ML207 and ML208)."""
    from ..fix.edits import append_after_last

    return append_after_last(
        dockerfile,
        instruction,
        command,
        lambda c: c.tool == command.tool,
        clean,
        f"run `{command.tool} clean` after the last {command.tool} command",
    )


class CondaCacheKept(Rule):
    """conda/mamba/micromamba keep every downloaded package tarball in ``pkgs/``."""

    id = "ML207"
    name = "conda-cache-kept"
    severity = Severity.WARNING
    summary = "conda/mamba install without `conda clean -a` in the same RUN"
    tags = ("size",)
    fix_safety = "safe"
    fix_title = "append `conda`/`mamba clean -afy` (`micromamba clean --all --yes`)"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN", shipped_only=True):
            if _conda_cache_mount(instruction):
                continue
            command = _first_uncleaned(instruction, is_conda_install, _cleans_conda)
            if command is not None:
                clean = "micromamba clean -a -y" if command.tool == "micromamba" else f"{command.tool} clean -afy"
                yield self.problem(
                    command,
                    f"{command.tool} {command.subcommand} keeps the package cache (tarballs and extracted packages) "
                    f"in the image: end the same RUN with `&& {clean}` (or use a cache mount on the pkgs dir)",
                )

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        from ..fix.edits import command_at

        found = command_at(dockerfile, finding.span, is_conda_install)
        if found is None:
            return None
        instruction, command = found
        executable = command.words[0].raw
        clean = f"{executable} clean --all --yes" if command.tool == "micromamba" else f"{executable} clean -afy"
        return append_clean(dockerfile, instruction, command, clean)


# ---------------------------------------------------------------------------------------------------------
# ML208 os-package-cache-kept

RPM_TOOLS = frozenset({"yum", "dnf", "microdnf"})
_RPM_INSTALLS = frozenset({"install", "groupinstall", "localinstall", "reinstall"})
_OS_CACHES = {
    "apk": ("/var/cache/apk", "/etc/apk/cache"),
    "rpm": ("/var/cache/yum", "/var/cache/dnf"),
    "zypper": ("/var/cache/zypp",),
}


def _family(command: ShellCommand) -> str | None:
    if command.tool == "apk" and command.subcommand == "add" and not command.has_flag("--no-cache"):
        return "apk"
    if command.tool in RPM_TOOLS and command.subcommand in _RPM_INSTALLS:
        return "rpm"
    if command.tool == "zypper" and command.subcommand == "install":
        return "zypper"
    return None


def _cleans_os_cache(family: str, command: ShellCommand) -> bool:
    if any(removes_path(word.text, path) for word in rm_targets(command) for path in _OS_CACHES[family]):
        return True
    if command.subcommand != "clean" or command.invocation is None:
        return False
    if family == "rpm":
        return command.tool in RPM_TOOLS and any(w.text == "all" for w in command.invocation.positionals)
    return family == "zypper" and command.tool == "zypper" and command.has_flag("-a", "--all")


_OS_CLEANERS = {family: functools.partial(_cleans_os_cache, family) for family in _OS_CACHES}


_OS_ADVICE = {
    "apk": "apk add keeps the package index in /var/cache/apk: use `apk add --no-cache`",
    "rpm": "{tool} install keeps its metadata and package cache: end the same RUN with `&& {tool} clean all`",
    "zypper": "zypper install keeps its metadata and package cache: end the same RUN with `&& zypper clean --all`",
}


class OsPackageCacheKept(Rule):
    """apk/yum/dnf/microdnf/zypper leave their package cache in the layer."""

    id = "ML208"
    name = "os-package-cache-kept"
    severity = Severity.WARNING
    summary = "apk add without --no-cache, or yum/dnf/zypper install without clean all"
    tags = ("size",)
    fix_safety = "safe"
    fix_title = "`apk add --no-cache`; append `yum`/`dnf`/`microdnf clean all`, `zypper clean --all`"

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN", shipped_only=True):
            for command in instruction.commands:
                family = _family(command)
                if family is None or has_cache_mount(instruction, *_OS_CACHES[family]):
                    continue
                if any_after(instruction, command, _OS_CLEANERS[family]):
                    continue
                yield self.problem(command, _OS_ADVICE[family].format(tool=command.tool))

    def fix(self, dockerfile: Dockerfile, finding: Finding) -> Fix | None:
        from ..fix.edits import command_at, insert_after_subcommand

        def wanted(command: ShellCommand) -> bool:
            return (command.tool == "apk" and command.subcommand == "add") or (
                command.tool in RPM_TOOLS | {"zypper"} and command.subcommand == "install"
            )

        found = command_at(dockerfile, finding.span, wanted)
        if found is None:
            return None
        instruction, command = found
        if command.tool == "apk":
            if command.has_flag("--no-cache"):
                return None
            return insert_after_subcommand(
                dockerfile, finding, lambda c: c is command, "--no-cache", "use `apk add --no-cache`"
            )
        executable = command.words[0].raw
        clean = f"{executable} clean --all" if command.tool == "zypper" else f"{executable} clean all"
        return append_clean(dockerfile, instruction, command, clean)


# ---------------------------------------------------------------------------------------------------------
# ML209 cleanup-in-later-layer

_NEUTRAL = frozenset({"set", "true", ":"})
_GLOB = re.compile(r"[*?\[]")
_HOME_PREFIX = re.compile(r"^(?:~|\$HOME|\$\{HOME\})(?=/|$)")
#: what a cleanup subcommand empties: (tool, subcommand or first positional) -> paths
_CLEANED_BY = {
    ("apt-get", "clean"): ("/var/cache/apt",),
    ("apt-get", "autoclean"): ("/var/cache/apt",),
    ("pip", "cache purge"): ("~/.cache/pip",),
    ("pip", "cache remove"): ("~/.cache/pip",),
    ("yum", "clean"): ("/var/cache/yum",),
    ("dnf", "clean"): ("/var/cache/dnf",),
    ("microdnf", "clean"): ("/var/cache/yum", "/var/cache/dnf"),
    ("zypper", "clean"): ("/var/cache/zypp",),
    ("apk", "cache"): ("/var/cache/apk", "/etc/apk/cache"),
    ("npm", "cache"): ("~/.npm",),
    ("uv", "cache"): ("~/.cache/uv",),
}
_CONDA_PKGS = "<conda pkgs>"  # wherever conda keeps its package cache (the rm target names it: `*/pkgs`)


def _is_cleanup(command: ShellCommand) -> bool:
    tool, sub = command.tool, command.subcommand
    positionals = command.invocation.positionals if command.invocation else ()
    first = positionals[0].text if positionals else None
    if tool == "rm":
        return bool(positionals)
    return (
        (tool == "apt-get" and sub in ("clean", "autoclean"))
        or (tool in CONDA_TOOLS and sub == "clean")
        or (tool == "pip" and sub in ("cache purge", "cache remove"))
        or (tool in RPM_TOOLS | {"zypper"} and sub == "clean")
        or (tool in ("apk", "npm", "uv") and sub == "cache" and first in ("clean", "purge", "prune"))
    )


def _transparent(command: ShellCommand, wrappers: set[str | None]) -> bool:
    """``sudo``/``env`` in front of a command, or ``sh -c '...'``: the commands they run are judged instead."""
    if command.name in SHELLS:
        return any(re.fullmatch(r"-[a-zA-Z]*c[a-zA-Z]*", word.text) for word in command.words[1:])
    return command.name in wrappers


def _normalize(path: str) -> str:
    path = re.sub(r"/+", "/", path)
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts and parts[-1] not in ("", "~"):
                parts.pop()
        elif part != ".":
            parts.append(part)
    joined = "/".join(parts)
    return joined.rstrip("/") or ("/" if path.startswith("/") else joined)


def _resolve(text: str, scope: Mapping[str, str | None], cwd: str | None) -> str | None:
    """An absolute (or ``~/``-relative) path for a word, variables expanded; None when it cannot be told."""
    home = _HOME_PREFIX.match(text)
    if home:
        text = "~" + text[home.end() :]
    expanded, resolved = expand(text, scope)
    if not resolved or "$" in expanded or "`" in expanded or not expanded:
        return None
    if not expanded.startswith(("/", "~")):
        if cwd is None or expanded.startswith("-"):
            return None
        expanded = cwd + "/" + expanded
    return _normalize(expanded)


@dataclass(frozen=True)
class _Created:
    path: str
    line: int
    how: str


class _Layers:
    """What the instructions of one stage lineage demonstrably created, indexed by every ancestor directory
    (``under``) and by parent directory (``children``), so each lookup costs the depth of a path."""

    def __init__(self, parent: _Layers | None = None) -> None:
        self.under: dict[str, _Created] = dict(parent.under) if parent else {}
        self.children: dict[str, dict[str, _Created]] = (
            {k: dict(v) for k, v in parent.children.items()} if parent else {}
        )
        self.cwd: str | None = parent.cwd if parent else None
        self.home: str | None = parent.home if parent else "/root"

    def add(self, created: _Created) -> None:
        path = created.path
        self.under[path] = created
        parent = path
        while "/" in parent.rstrip("/"):
            head, _, name = parent.rpartition("/")
            head = head or "/"
            self.children.setdefault(head, {})[name] = created
            if head == parent:
                break
            self.under[head] = created
            parent = head

    def find(self, target: str) -> _Created | None:
        """The latest creation at or below ``target`` (an rm target, maybe with a glob in its last part)."""
        if target == _CONDA_PKGS:
            return self.under.get(_CONDA_PKGS)
        head, _, last = target.rpartition("/")
        if _GLOB.search(head):
            return None
        if last == "*":
            return self.under.get(head or "/")
        if _GLOB.search(last):
            found = [c for name, c in self.children.get(head or "/", {}).items() if fnmatchcase(name, last)]
            directory = self.under.get(head or "/")
            if directory is not None and directory.path == (head or "/"):
                found.append(directory)  # a cache directory an install filled: `rm …/archives/*.deb`
            return max(found, key=lambda c: c.line) if found else None
        return self.under.get(target)


def _homes(path: str, layers: _Layers) -> list[str]:
    """``~/x`` stands for the home of the user at that point when it is known (root unless a USER changed it)."""
    if not path.startswith("~"):
        return [path]
    return [path] + ([layers.home + path[1:]] if layers.home else [])


def _pip_cache_kept(instruction: Instruction, command: ShellCommand) -> bool:
    return (
        not command.has_flag("--no-cache-dir", "--no-cache")
        and instruction.scope.get("PIP_NO_CACHE_DIR") in (None, "", "0", "false", "off", "no")
        and not has_cache_mount(instruction, *PIP_CACHE_DIRS)
    )


def _created_by(instruction: Instruction, command: ShellCommand, cwd: str | None) -> list[tuple[str, str]]:
    """(path, how) for what ``command`` demonstrably leaves in the layer."""
    tool, sub, invocation = command.tool, command.subcommand, command.invocation
    scope = instruction.scope
    if invocation is None:
        return []
    if tool in ("curl", "wget"):
        option = "-o" if tool == "curl" else "-O"
        outputs = invocation.values(option, "--output" if tool == "curl" else "--output-document")
        if outputs:
            return [(p, f"{tool} download") for o in outputs if o != "-" and (p := _resolve(o, scope, cwd))]
        remote = invocation.has_flag("-O", "--remote-name") if tool == "curl" else not invocation.has_flag("-O")
        directory = invocation.values("--output-dir" if tool == "curl" else "-P", "--directory-prefix")
        base = _resolve(directory[-1], scope, cwd) if directory else cwd
        if not remote or base is None:
            return []
        names = [w.text.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] for w in invocation.positionals]
        return [(f"{base}/{name}", f"{tool} download") for name in names if name and "$" not in name]
    if tool == "git" and sub == "clone" and invocation.positionals:
        words = invocation.positionals
        if len(words) >= 2:
            path = _resolve(words[1].text, scope, cwd)
        else:
            name = words[0].text.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
            path = _resolve(name, scope, cwd) if name and "$" not in name and ":" not in name else None
        return [(path, "git clone")] if path else []
    if is_apt_update(command) and not _apt_lists_cached(instruction):
        return [(APT_LISTS, f"{apt_spelling(command)} update")]
    if is_apt_install(command) and not has_cache_mount(instruction, "/var/cache/apt"):
        return [("/var/cache/apt/archives", f"{apt_spelling(command)} install")]
    if is_pip_install(command) and _pip_cache_kept(instruction, command):
        return [("~/.cache/pip", "pip install")]
    if is_conda_install(command) and not _conda_cache_mount(instruction):
        return [(_CONDA_PKGS, f"{tool} {sub}")]
    if tool == "apk" and sub == "add" and not command.has_flag("--no-cache"):
        return [("/var/cache/apk", "apk add")]
    if tool in RPM_TOOLS and sub in _RPM_INSTALLS:
        return [(f"/var/cache/{'dnf' if tool == 'dnf' else 'yum'}", f"{tool} {sub}")]
    if tool == "zypper" and sub == "install":
        return [("/var/cache/zypp", "zypper install")]
    if tool == "npm" and sub in ("install", "i", "ci"):
        return [("~/.npm", f"npm {sub}")]
    return []


def _cleanup_targets(command: ShellCommand, scope: Mapping[str, str | None], cwd: str | None) -> list[str]:
    """The paths a cleanup command empties (resolved; unresolvable ones left out)."""
    if command.tool == "rm":
        paths = []
        for word in rm_targets(command):
            path = _resolve(word.text, scope, cwd)
            if path is not None:
                paths.append(_CONDA_PKGS if _CONDA_CACHE.search(path) else path)
        return paths
    tool, sub = command.tool or "", command.subcommand or ""
    if tool in CONDA_TOOLS and sub == "clean":
        return [_CONDA_PKGS]
    return list(_CLEANED_BY.get((tool, sub), ()))


def _covers(target: str, path: str) -> bool:
    """Whether removing ``target`` removes ``path`` (the same path, a parent, ``dir/*`` or a glob)."""
    if removes_path(target, path):
        return True
    return bool(_GLOB.search(target)) and (
        fnmatchcase(path, target) or any(fnmatchcase(path[:i], target) for i, c in enumerate(path) if c == "/")
    )


def _copy_created(instruction: Instruction, cwd: str | None) -> list[tuple[str, str]]:
    sources = copy_sources(instruction)
    if not instruction.arguments or not sources:
        return []
    dest_word = instruction.arguments[-1]
    dest_text = instruction.exec_form[-1] if instruction.exec_form else dest_word.text
    dest = _resolve(dest_text, instruction.scope, cwd)
    if dest is None:
        return []
    how = instruction.keyword
    if dest_text.endswith("/") or len(sources) > 1:
        named = [
            f"{dest.rstrip('/')}/{word.text.rstrip('/').rsplit('/', 1)[-1]}"
            for word in sources
            if not word.text.endswith("/")
            and not _GLOB.search(word.text)
            and "$" not in word.text
            and word.text.rstrip("/").rsplit("/", 1)[-1] not in ("", ".", "..")
            and "://" not in word.text
        ]
        return [(path, how) for path in named] or []
    return [(dest, how)]


class CleanupInLaterLayer(Rule):
    """A RUN that only deletes what an earlier layer of the file created: the bytes stay in that layer."""

    id = "ML209"
    name = "cleanup-in-later-layer"
    severity = Severity.WARNING
    summary = "a RUN that only removes files/caches an earlier instruction created"
    tags = ("size",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        layers: dict[int, _Layers] = {}
        for stage in ctx.dockerfile.stages:
            parent = layers.get(stage.parent) if stage.parent is not None else None
            state = layers[stage.index] = _Layers(parent)
            shipped = ctx.is_shipped(stage)
            for instruction in stage.body:
                if shipped and instruction.keyword == "RUN":
                    problem = self._check_run(instruction, state)
                    if problem is not None:
                        yield problem
                _record(instruction, state)

    def _check_run(self, instruction: Instruction, layers: _Layers) -> Problem | None:
        if not instruction.commands or any(m.get("type") == "cache" for m in instruction.mounts()):
            return None
        wrappers = {c.wrapper for c in instruction.commands}
        cleanup = [c for c in instruction.commands if c.name not in _NEUTRAL and not _transparent(c, wrappers)]
        if not cleanup or not all(_is_cleanup(c) for c in cleanup):
            return None
        for command in cleanup:
            for target in _cleanup_targets(command, instruction.scope, layers.cwd):
                for candidate in _homes(target, layers):
                    created = layers.find(candidate)
                    if created is None:
                        continue
                    where = "the conda package cache" if created.path == _CONDA_PKGS else f"`{created.path}`"
                    if created.how in ("COPY", "ADD"):
                        advice = (
                            "do not copy it into this stage (copy it into a builder stage, or read it through "
                            "`RUN --mount=type=bind`)"
                        )
                    else:
                        advice = (
                            f"delete it at the end of the RUN on line {created.line} that creates it (move the steps "
                            "that use it into that RUN too), or create and use it in a builder stage"
                        )
                    return self.problem(
                        command,
                        f"this RUN only deletes {where}, which line {created.line} created ({created.how}): the "
                        f"bytes stay in that earlier layer, so the image does not shrink; {advice}",
                    )
        return None


def _record(instruction: Instruction, layers: _Layers) -> None:
    """Update ``layers`` with what ``instruction`` leaves in the image (and the WORKDIR/USER it sets)."""
    keyword = instruction.keyword
    if keyword == "WORKDIR" and instruction.arguments:
        layers.cwd = _resolve(instruction.arguments[0].text, instruction.scope, layers.cwd)
        if layers.cwd is not None and layers.cwd.startswith("~"):
            layers.cwd = None
    elif keyword == "USER" and instruction.arguments:
        user = expand(instruction.arguments[0].text, instruction.scope)
        name = user[0].partition(":")[0] if user[1] else ""
        layers.home = "/root" if name in ("root", "0") else (f"/home/{name}" if name and not name.isdigit() else None)
    elif keyword in ("COPY", "ADD"):
        for path, how in _copy_created(instruction, layers.cwd):
            layers.add(_Created(path, instruction.line, how))
    elif keyword == "RUN":
        cwd = layers.cwd
        made: list[tuple[int, _Created]] = []
        for index, command in enumerate(instruction.commands):
            if command.name == "cd":
                words = command.words[1:]
                cwd = _resolve(words[0].text, instruction.scope, cwd) if len(words) == 1 else None
                continue
            for path, how in _created_by(instruction, command, cwd):
                for candidate in _homes(path, layers):
                    made.append((index, _Created(candidate, instruction.line, how)))
        if not made:
            return
        removed = [
            (index, target)
            for index, command in enumerate(instruction.commands)
            if _is_cleanup(command)
            for target in _cleanup_targets(command, instruction.scope, layers.cwd)
        ]
        for index, created in made:
            if not any(i > index and _covers(target, created.path) for i, target in removed):
                layers.add(created)


# ---------------------------------------------------------------------------------------------------------
# ML210 build-tools-in-final-stage

_TOOLCHAIN_NAMES = frozenset(
    {
        "build-essential",
        "build-base",
        "gcc",
        "g++",
        "gcc-c++",
        "gfortran",
        "gcc-gfortran",
        "clang",
        "cmake",
        "cuda-toolkit",
        "@development-tools",
        "development tools",
        "compilers",
        "c-compiler",
        "cxx-compiler",
        "gxx",
        "gcc_linux-64",
        "gxx_linux-64",
    }
)
_TOOLCHAIN_PATTERN = re.compile(
    r"(?:gcc|g\+\+|clang|gfortran)-\d+(?:\.\d+)?|cuda-toolkit-[\d.-]+|cuda-nvcc(?:-[\d.-]+)?|\S+-dev|\S+-devel"
)
_PACKAGE_VERSION = re.compile(r"[=<>~:].*$")


def _installs_packages(command: ShellCommand) -> bool:
    tool, sub = command.tool, command.subcommand
    return (
        is_apt_install(command)
        or (tool == "apk" and sub == "add")
        or (tool in RPM_TOOLS and sub in _RPM_INSTALLS)
        or (tool == "zypper" and sub == "install")
        or is_conda_install(command)
    )


def _removes_packages(command: ShellCommand) -> bool:
    tool, sub = command.tool, command.subcommand
    return (
        (tool == "apt-get" and sub in ("purge", "remove", "autoremove"))
        or (tool == "apk" and sub == "del")
        or (tool in RPM_TOOLS and sub in ("remove", "erase", "autoremove"))
        or (tool == "zypper" and sub == "remove")
        or (tool in CONDA_TOOLS and sub in ("remove", "uninstall"))
    )


def _toolchain_words(command: ShellCommand) -> list[Word]:
    assert command.invocation is not None
    found = []
    for word in command.invocation.positionals:
        if word.has_expansion:
            continue
        package = _PACKAGE_VERSION.sub("", word.text.strip().lower())
        if package in _TOOLCHAIN_NAMES or _TOOLCHAIN_PATTERN.fullmatch(package):
            found.append(word)
    return found


#: commands that compile: a CMD/ENTRYPOINT running one shows the toolchain is needed at run time
_BUILD_COMMANDS = frozenset(
    {"make", "cmake", "ninja", "gcc", "g++", "cc", "c++", "clang", "clang++", "gfortran", "nvcc", "configure"}
)


def _is_compiler(word: Word) -> bool:
    """A toolchain package (``gcc``, ``build-essential``, ``cmake``, ``cuda-nvcc``), not a headers-only ``-dev``."""
    package = _PACKAGE_VERSION.sub("", word.text.strip().lower())
    return not re.fullmatch(r"\S+-dev(?:el)?", package) or package.startswith(("cuda-", "gcc-", "g++-"))


def _builds(command: ShellCommand) -> bool:
    """A command that compiles or may build from source (what a toolchain installed before it is for)."""
    name = command.name.rsplit("/", 1)[-1]
    return (
        name in _BUILD_COMMANDS
        or name.startswith("./")
        or is_python_install(command)
        or (command.tool == "pip" and command.subcommand == "wheel")
        or (command.tool in ("npm", "cargo", "go") and command.subcommand in ("install", "ci", "build"))
    )


_UNVERSIONED_SO = re.compile(r"lib[\w+.-]*?\.so(?![.\w])")


def _links_shared_library(instruction: Instruction) -> bool:
    """The RUN names an unversioned ``libX.so`` (a symlink only ``-dev`` packages ship) for run-time use."""
    return any(_UNVERSIONED_SO.search(word.text) for command in instruction.commands for word in command.words)


def _compiles_at_run_time(ctx: RuleContext) -> bool:
    """The final stage's CMD/ENTRYPOINT runs a compiler or build tool."""
    final = ctx.final_stage
    if final is None:
        return False
    for stage in ctx.lineage(final):
        for instruction in stage.of("CMD", "ENTRYPOINT"):
            words = instruction.exec_form or tuple(w.text for c in instruction.commands for w in c.words[:1])
            if any(word.rsplit("/", 1)[-1] in _BUILD_COMMANDS for word in words):
                return True
    return False


class BuildToolsInFinalStage(Rule):
    """A shipped stage installs compilers or headers that the running image does not need."""

    id = "ML210"
    name = "build-tools-in-final-stage"
    severity = Severity.INFO
    summary = "a shipped stage installs compilers/build toolchains or development headers"
    tags = ("size",)
    roles = SERVICES | {"training"}  # notebooks and dev images compile at run time

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        if ctx.final_stage is None or _compiles_at_run_time(ctx):
            return
        for instruction, command in ctx.commands(shipped_only=True):
            if not _installs_packages(command):
                continue
            if any_after(instruction, command, _removes_packages):
                continue  # `apk add --virtual .build-deps ... && apk del .build-deps`
            words = _toolchain_words(command)
            if words and not any(_is_compiler(w) for w in words) and _links_shared_library(instruction):
                continue  # `apt-get install libjemalloc-dev && ln -s …/libjemalloc.so`: the -dev symlink is used
            if not words:
                continue
            names = ", ".join(f"`{w.text}`" for w in words)
            what = "compilers" if any(_is_compiler(w) for w in words) else "development headers"
            advice = "build in a builder stage and `COPY --from` only the results"
            if any_after(instruction, command, _builds):
                advice += ", or purge them at the end of this RUN, after the build that needs them"
            else:
                advice += ", or install the runtime libraries instead if nothing is compiled"
            yield self.problem(
                command,
                f"installing {names} ships {what} in the image, and nothing in the file needs them at run time: "
                f"{advice}",
            )


RULES: list[type[Rule]] = [
    FatBaseImage,
    DevelImageInFinalStage,
    AlpineWithMlWheels,
    AptListsNotRemoved,
    AptRecommends,
    PipCacheKept,
    CondaCacheKept,
    OsPackageCacheKept,
    CleanupInLaterLayer,
    BuildToolsInFinalStage,
]
