"""ML2xx: image size."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

from ..images import full_name
from ..model import ImageRef, Instruction, Severity, ShellCommand, Stage, Word
from ..shell import SHELLS
from .base import Problem, Rule, RuleContext
from .common import (
    any_after,
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


class PipCacheKept(Rule):
    """``pip install`` keeps its wheel cache in the image unless told not to."""

    id = "ML206"
    name = "pip-cache-kept"
    severity = Severity.WARNING
    summary = "pip install keeps its download cache in the image"
    tags = ("size",)
    fixable = True  # see fix.py

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction, command in ctx.commands(shipped_only=True):
            if not is_pip_install(command) or command.has_flag("--no-cache-dir", "--no-cache"):
                continue  # pip takes `--no-cache`, an unambiguous prefix of `--no-cache-dir`, as that option
            if any_after(instruction, command, _removes_pip_cache):
                continue  # `... && rm -rf /root/.cache/pip` in the same RUN: the cache never reaches a layer
            if instruction.scope.get("PIP_NO_CACHE_DIR") not in (None, "", "0", "false", "off", "no"):
                continue
            if has_cache_mount(instruction, *PIP_CACHE_DIRS):
                continue
            yield self.problem(
                command,
                "pip install keeps its cache in the image: add `--no-cache-dir` "
                "(or set `ENV PIP_NO_CACHE_DIR=1`, or use `RUN --mount=type=cache,target=/root/.cache/pip`)",
            )


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

NO_MUSL_WHEELS = frozenset(
    {
        "torch",
        "torchvision",
        "torchaudio",
        "tensorflow",
        "tensorflow-cpu",
        "tensorflow-gpu",
        "tensorflow-intel",
        "tf-nightly",
        "jax",
        "jaxlib",
        "onnxruntime",
        "onnxruntime-gpu",
        "opencv-python",
        "opencv-python-headless",
        "opencv-contrib-python",
        "opencv-contrib-python-headless",
        "tensorrt",
        "triton",
        "xformers",
        "vllm",
        "paddlepaddle",
        "paddlepaddle-gpu",
    }
)
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
            names = [requirement_name(word) for word in command.invocation.positionals]
            missing = list(dict.fromkeys(name for name in names if name in NO_MUSL_WHEELS))
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


def _removes_apt_lists(command: ShellCommand) -> bool:
    if command.tool == "apt-get" and command.subcommand == "dist-clean":
        return True
    if command.name == "find" and "-delete" in command.argv:
        return any(removes_path(arg, APT_LISTS) or arg.startswith(APT_LISTS + "/") for arg in command.argv[1:])
    return any(removes_path(word.text, APT_LISTS) for word in rm_targets(command))


def _first_uncleaned(
    instruction: Instruction, wanted: Callable[[ShellCommand], bool], cleans: Callable[[ShellCommand], bool]
) -> ShellCommand | None:
    """The first command of ``instruction`` that ``wanted`` picks with no ``cleans`` command after it."""
    for command in instruction.commands:
        if wanted(command) and not any_after(instruction, command, cleans):
            return command
    return None


class AptListsNotRemoved(Rule):
    """``apt-get install`` leaves the package index (tens of MB) in the layer."""

    id = "ML204"
    name = "apt-lists-not-removed"
    severity = Severity.WARNING
    summary = "apt-get install without removing /var/lib/apt/lists/* in the same RUN"
    tags = ("size",)
    fixable = True  # see fix.py

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN", shipped_only=True):
            if has_cache_mount(instruction, "/var/lib/apt", "/var/cache/apt"):
                continue
            command = _first_uncleaned(instruction, is_apt_install, _removes_apt_lists)
            if command is not None:
                braces = any(
                    "{" in word.text and "/var/lib/" in word.text
                    for other in instruction.commands
                    for word in rm_targets(other)
                )
                note = (
                    " (`/bin/sh` does not expand `{a,b}` braces, so `rm -rf /var/lib/{apt,dpkg}/...` removes nothing)"
                )
                yield self.problem(
                    command,
                    "apt-get install leaves the package lists in the image: end the same RUN with "
                    "`&& rm -rf /var/lib/apt/lists/*` (or use `--mount=type=cache,target=/var/lib/apt`)"
                    + (note if braces else ""),
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
    fixable = True  # see fix.py

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


class CondaCacheKept(Rule):
    """conda/mamba/micromamba keep every downloaded package tarball in ``pkgs/``."""

    id = "ML207"
    name = "conda-cache-kept"
    severity = Severity.WARNING
    summary = "conda/mamba install without `conda clean -a` in the same RUN"
    tags = ("size",)
    fixable = True  # see fix.py

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
    fixable = True  # see fix.py

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN", shipped_only=True):
            for command in instruction.commands:
                family = _family(command)
                if family is None or has_cache_mount(instruction, *_OS_CACHES[family]):
                    continue
                if any_after(instruction, command, _OS_CLEANERS[family]):
                    continue
                yield self.problem(command, _OS_ADVICE[family].format(tool=command.tool))


# ---------------------------------------------------------------------------------------------------------
# ML209 cleanup-in-later-layer

_HOME = r"(?:~|\$HOME|\$\{HOME\}|/root|/home/[^/]+)"
_CLEANUP_PATH = re.compile(
    rf"(?:/var/lib/apt(?:/lists)?|/var/cache|/var/tmp|/tmp|/var/log|/usr/share/(?:doc|man|info)"
    rf"|{_HOME}/\.(?:cache|npm|conda/pkgs)|\S*(?:conda|mamba)\S*/pkgs|\$\{{?\w+\}}?/pkgs)(?:/\S*)?/?"
)
_NEUTRAL = frozenset({"set", "true", ":"})


def _is_cleanup(command: ShellCommand) -> bool:
    tool, sub = command.tool, command.subcommand
    positionals = command.invocation.positionals if command.invocation else ()
    first = positionals[0].text if positionals else None
    if tool == "rm":
        return bool(positionals) and all(_CLEANUP_PATH.fullmatch(word.text) for word in positionals)
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


class CleanupInLaterLayer(Rule):
    """A RUN that only deletes what an earlier layer created: the bytes stay in that earlier layer."""

    id = "ML209"
    name = "cleanup-in-later-layer"
    severity = Severity.WARNING
    summary = "a RUN that only removes files/caches created by an earlier layer"
    tags = ("size",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN", shipped_only=True):
            if not instruction.commands or any(m.get("type") == "cache" for m in instruction.mounts()):
                continue
            wrappers = {c.wrapper for c in instruction.commands}
            cleanup = [c for c in instruction.commands if c.name not in _NEUTRAL and not _transparent(c, wrappers)]
            if cleanup and all(_is_cleanup(c) for c in cleanup):
                yield self.problem(
                    cleanup[0],
                    "this RUN only deletes files an earlier layer created, so the image does not shrink (the bytes "
                    "stay in that layer): clean up in the same RUN that creates the files",
                )


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


class BuildToolsInFinalStage(Rule):
    """A build with no separate build stage installs compilers and headers that then ship in the image."""

    id = "ML210"
    name = "build-tools-in-final-stage"
    severity = Severity.INFO
    summary = "the final stage installs compilers/build toolchains and no build stage keeps them out"
    tags = ("size",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        final = ctx.final_stage
        if final is None:
            return
        if any(s.index < final.index and not ctx.is_shipped(s) for s in ctx.dockerfile.stages):
            return  # there is a build stage already: the author chose what to keep
        for instruction, command in ctx.commands(shipped_only=True):
            if not _installs_packages(command):
                continue
            if any_after(instruction, command, _removes_packages):
                continue  # `apk add --virtual .build-deps ... && apk del .build-deps`
            words = _toolchain_words(command)
            if words:
                names = ", ".join(f"`{w.text}`" for w in words)
                yield self.problem(
                    command,
                    f"installing {names} puts compilers/headers in the final image, and no separate build stage "
                    "keeps them out: "
                    "compile in a builder stage and `COPY --from` only the results (or remove them in the same RUN)",
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
