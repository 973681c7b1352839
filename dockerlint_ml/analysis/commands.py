"""What a shell command is: the package-manager tool sets and the "installs packages" predicates every rule
family asks about, and the bare name of an OS/conda package argument."""

from __future__ import annotations

import re
from collections.abc import Collection

from ..lazy_re import lazy
from ..model import ShellCommand

#: conda and its drop-in replacements
CONDA_TOOLS = frozenset({"conda", "mamba", "micromamba"})

#: the RPM package managers (``yum``, ``dnf``, ``microdnf``)
RPM_TOOLS = frozenset({"yum", "dnf", "microdnf"})

#: the RPM subcommands that install packages
RPM_INSTALLS = frozenset({"install", "groupinstall", "localinstall", "reinstall"})

#: the conda subcommands that install packages (into a new or an existing environment)
CONDA_INSTALLS = frozenset({"install", "create", "update", "upgrade", "env create", "env update"})


def is_pip_install(command: ShellCommand) -> bool:
    return command.tool == "pip" and command.subcommand == "install"


def is_python_install(command: ShellCommand) -> bool:
    """``pip install`` (any spelling: ``pip3``, ``python -m pip``) or ``uv pip install``."""
    return is_pip_install(command) or (command.tool == "uv" and command.subcommand == "pip install")


def is_apt(command: ShellCommand, subcommands: Collection[str] | None = None) -> bool:
    """An ``apt-get``/``apt`` command; with ``subcommands``, one running one of them."""
    return command.tool == "apt-get" and (subcommands is None or command.subcommand in subcommands)


def is_apt_install(command: ShellCommand) -> bool:
    return is_apt(command, ("install",))


def is_conda_install(command: ShellCommand) -> bool:
    """``conda``/``mamba``/``micromamba`` install, create, update or env create/update."""
    return command.tool in CONDA_TOOLS and command.subcommand in CONDA_INSTALLS


def is_rpm_install(command: ShellCommand) -> bool:
    """``yum``/``dnf``/``microdnf`` install, groupinstall, localinstall or reinstall."""
    return command.tool in RPM_TOOLS and command.subcommand in RPM_INSTALLS


def is_os_package_install(command: ShellCommand) -> bool:
    """An OS package manager installing packages: ``apt-get install``, ``apk add``, an RPM install or
    ``zypper install``."""
    return (
        is_apt_install(command)
        or (command.tool == "apk" and command.subcommand == "add")
        or is_rpm_install(command)
        or (command.tool == "zypper" and command.subcommand == "install")
    )


def installs_packages(command: ShellCommand) -> bool:
    """An OS package install (:func:`is_os_package_install`) or a conda install (:func:`is_conda_install`):
    the commands whose positionals are OS/conda package names."""
    return is_os_package_install(command) or is_conda_install(command)


_VERSION_SUFFIX = lazy(r"[=<>~!:\[].*$", re.DOTALL)
_CONDA_VERSION_SUFFIX = lazy(r"[=<>~!:\[\s].*$", re.DOTALL)


def os_package_name(text: str, *, conda: bool = False) -> str:
    """The bare, lowercased name of an OS/conda package argument, version and qualifiers dropped:
    ``openssh-server=1:9.2p1-2``, ``gcc>=12``, ``curl~8``, ``libc6:amd64``, ``curl[build=h1]`` -> the name.
    A yum group keeps its spaces (``"Development Tools"``); ``conda=True`` also ends the name at whitespace,
    conda's ``"name version"`` spelling (``"curl 8.5"``)."""
    pattern = _CONDA_VERSION_SUFFIX if conda else _VERSION_SUFFIX
    return pattern.sub("", text.strip()).lower()
