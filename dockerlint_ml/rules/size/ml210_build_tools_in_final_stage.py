"""ML210 build-tools-in-final-stage: a shipped stage installs compilers/build toolchains or development headers.

Reference page: rules/ML210.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...lazy_re import lazy
from ...model import Instruction, Severity, ShellCommand, Word
from ...roles import SERVICES
from ..base import Problem, Rule, RuleContext
from ..common import CONDA_TOOLS, RPM_TOOLS, any_after, installs_packages, is_python_install, os_package_name

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

_TOOLCHAIN_PATTERN = lazy(
    r"(?:gcc|g\+\+|clang|gfortran)-\d+(?:\.\d+)?|cuda-toolkit-[\d.-]+|cuda-nvcc(?:-[\d.-]+)?|\S+-dev|\S+-devel"
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
        package = os_package_name(word.text)
        if package in _TOOLCHAIN_NAMES or _TOOLCHAIN_PATTERN.fullmatch(package):
            found.append(word)
    return found


#: commands that compile: a CMD/ENTRYPOINT running one shows the toolchain is needed at run time
_BUILD_COMMANDS = frozenset(
    {"make", "cmake", "ninja", "gcc", "g++", "cc", "c++", "clang", "clang++", "gfortran", "nvcc", "configure"}
)


def _is_compiler(word: Word) -> bool:
    """A toolchain package (``gcc``, ``build-essential``, ``cmake``, ``cuda-nvcc``), not a headers-only ``-dev``."""
    package = os_package_name(word.text)
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


_UNVERSIONED_SO = lazy(r"lib[\w+.-]*?\.so(?![.\w])")


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
            if not installs_packages(command):
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
