"""ML707 unpinned-package-other-installers: conda/mamba/micromamba, `npm -g`, `go install`, `cargo install` and
`gem install` of a package without a version.

Reference page: rules/ML707.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from ...analysis.commands import CONDA_TOOLS
from ...lazy_re import lazy
from ...model import Severity, ShellCommand, Word
from ...roles import DEPLOYED
from ...variables import expand
from ..base import Problem, Rule, RuleContext
from ._shared import _substitutes

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import ClassVar

# ML707 unpinned-package-other-installers

#: conda match specs with a version: `numpy=1.26`, `numpy==1.26.4`, `numpy>=1.2`, `"numpy 1.26.*"`,
#: `numpy[version='>=1.2']`, `numpy@1.26` (micromamba)
_CONDA_VERSION = lazy(r"[=<>!~@]|\s\S|\[.*version")
#: an npm version or range after `@` (`1.2.3`, `^1.2`, `~1`, `>=1 <2`, `v1`); a word (`latest`, `next`) is a
#: dist-tag, which moves
_NPM_VERSION = lazy(r"[v=^~<>]*\d")
#: git refs that move: `go install pkg@latest`, `@master`
_MOVING_REFS = frozenset({"latest", "master", "main", "head", "upgrade", "patch"})
#: `npm i`, `npm add`... all install
_NPM_INSTALLS = frozenset({"install", "i", "add", "isntall", "in"})


def _known(word: Word, scope: Mapping[str, str | None]) -> str | None:
    """The word's text with variables expanded, None when it cannot be told (``$PKGS``, ``$(cat list)``)."""
    if _substitutes(word):
        return None
    if not word.has_expansion:
        return word.text
    text, resolved = expand(word.text, scope)
    return text if resolved else None


def _conda_loose(command: ShellCommand, scope: Mapping[str, str | None]) -> Iterator[tuple[Word, str]]:
    invocation = command.invocation
    assert invocation is not None
    if command.subcommand not in ("install", "create") or invocation.has_flag("-f", "--file"):
        return  # `conda update` asks for the newest on purpose; with a file the versions live there
    if invocation.has_flag("--clone", "--revision"):
        return
    for word in invocation.positionals:
        text = _known(word, scope)
        if text is None:
            continue  # `$PACKAGES`, or `numpy=$NUMPY_VERSION` (a version, whatever it holds)
        if text.startswith((".", "/", "~")) or "://" in text or text.endswith((".tar.bz2", ".conda")):
            continue  # a local or remote package file: its version is in the file
        if not _CONDA_VERSION.search(text.strip()):
            yield word, text.split("::", 1)[-1]


def _npm_loose(command: ShellCommand, scope: Mapping[str, str | None]) -> Iterator[tuple[Word, str]]:
    invocation = command.invocation
    assert invocation is not None
    if command.subcommand not in _NPM_INSTALLS or not invocation.has_flag("-g", "--global"):
        return  # a local install follows package.json / the lock file
    for word in invocation.positionals:
        text = _known(word, scope)
        if text is None or text.startswith((".", "/", "~")) or ":" in text or text.endswith((".tgz", ".tar.gz")):
            continue  # a path, tarball, git or URL spec: not a registry name
        _name, version = _npm_split(text)
        if version is None or not _NPM_VERSION.match(version):
            yield word, text


def _npm_split(text: str) -> tuple[str, str | None]:
    """``yarn@1.22`` -> (yarn, 1.22); ``@scope/cli`` -> (@scope/cli, None)."""
    at = text.find("@", 1)
    return (text, None) if at < 0 else (text[:at], text[at + 1 :])


def _go_loose(command: ShellCommand, scope: Mapping[str, str | None]) -> Iterator[tuple[Word, str]]:
    invocation = command.invocation
    assert invocation is not None
    if command.subcommand != "install":
        return
    for word in invocation.positionals:
        text = _known(word, scope)
        if text is None or "@" not in text:
            continue  # `go install ./cmd/...` or a package of the current module: go.mod decides
        if text.rsplit("@", 1)[1].lower() in _MOVING_REFS:
            yield word, text


def _cargo_loose(command: ShellCommand, scope: Mapping[str, str | None]) -> Iterator[tuple[Word, str]]:
    invocation = command.invocation
    assert invocation is not None
    if command.subcommand != "install" or invocation.values("--path"):
        return
    if invocation.values("--version", "--vers", "--rev", "--tag"):
        return
    git = invocation.values("--git")
    for word in invocation.positionals:
        text = _known(word, scope)
        if text is not None and "@" not in text:
            yield word, text
    if git and not invocation.positionals:  # `cargo install --git URL` builds the default branch
        option = invocation.option("--git")
        assert option is not None and option.value is not None
        yield option.value, f"--git {git[0]}"


def _gem_loose(command: ShellCommand, scope: Mapping[str, str | None]) -> Iterator[tuple[Word, str]]:
    invocation = command.invocation
    assert invocation is not None
    if command.subcommand != "install" or invocation.has_flag("-v", "--version", "-g", "--file"):
        return
    for word in invocation.positionals:
        text = _known(word, scope)
        if text is None or text.endswith(".gem") or text.startswith((".", "/")):
            continue
        if ":" not in text:  # `rails:7.1.3` names the version
            yield word, text


_INSTALLERS = {"npm": _npm_loose, "go": _go_loose, "cargo": _cargo_loose, "gem": _gem_loose}
#: per installer: how to pin the first package, and the other way (a lock/environment file)
_PIN_HOW = {
    "conda": ("`{name}=X.Y`", ", or install from an environment/lock file (`-f environment.yml`, conda-lock)"),
    "npm": ("`{name}@X.Y.Z`", ""),
    "go": ("a release tag: `{module}@vX.Y.Z`", ""),
    "cargo": ("`--version X.Y.Z`", " (with `--locked` for its dependencies too)"),
    "gem": ("`-v X.Y.Z`", ""),
}


class UnpinnedPackageOtherInstallers(Rule):
    """conda/mamba/micromamba, global npm, `go install`, `cargo install` and `gem install` without a version:
    each build may get a different release."""

    id = "ML707"
    name = "unpinned-package-other-installers"
    severity = Severity.WARNING
    summary = "conda, npm -g, go, cargo or gem install of a package without a version"
    tags = ("reproducibility",)
    roles = DEPLOYED  # as ML703: not dev, notebook, CI or docs tooling
    #: the installers themselves, updated before the real install (`conda install -n base conda`), and build or
    #: lint tools that are not what the image runs (as ML703's tooling list: the real-world review judged them
    #: noise): `cargo install cargo-chef`, `go install github.com/google/go-licenses@latest`
    options: ClassVar[dict] = {
        "ignore-packages": ["conda", "mamba", "micromamba", "conda-libmamba-solver", "pip", "npm", "bundler",
                            "rubygems-update", "cargo-chef", "sccache", "go-licenses", "golangci-lint"],
    }  # fmt: skip

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        from ...facts import needed_stages, reaches_image

        ignored = {name.lower() for name in ctx.options(self)["ignore-packages"]}
        needed = needed_stages(ctx.dockerfile, ctx.shipped_indexes)
        for instruction, command in ctx.commands():
            tool = command.tool
            if instruction.stage_index not in needed or command.invocation is None:
                continue
            if tool in CONDA_TOOLS:
                loose = list(_conda_loose(command, instruction.scope))
                tool = "conda"
            elif tool in _INSTALLERS:
                loose = list(_INSTALLERS[tool](command, instruction.scope))
            else:
                continue
            loose = [(word, name) for word, name in loose if _bare(name, tool) not in ignored]
            if not loose or not reaches_image(ctx, instruction, command):
                continue
            yield self.problem(loose[0][0], _message(command, tool, [name for _, name in loose]))


def _bare(name: str, tool: str) -> str:
    """The package name without version text, lowercased (for the ignore list)."""
    if tool == "npm":
        name = _npm_split(name)[0]
    elif tool == "go":  # `github.com/google/go-licenses@latest` -> go-licenses (`.../cmd/golangci-lint`, `/v2`)
        segments = [s for s in name.rsplit("@", 1)[0].split("/") if not re.fullmatch(r"v\d+", s)]
        name = segments[-1] if segments else name
    return name.lower()


def _message(command: ShellCommand, tool: str, names: list[str]) -> str:
    invocation = f"{command.name.rsplit('/', 1)[-1]} {command.subcommand}"
    listed = ", ".join(f"`{name}`" for name in names)
    first = names[0]
    example, alternative = _PIN_HOW[tool]
    git = tool == "cargo" and command.invocation is not None and bool(command.invocation.values("--git"))
    if git:
        example = "`--rev <commit sha>` or `--tag vX.Y.Z`"  # `--version` does not pick a git revision
    name = _npm_split(first)[0] if tool == "npm" else first  # `pm2@latest` -> `pm2@X.Y.Z`, not `pm2@latest@X.Y.Z`
    pin = example.format(name=name, module=first.rsplit("@", 1)[0])
    if tool == "go":
        verb = "builds" if len(names) == 1 else "build"
        what = f"{listed} {verb} whatever that ref points to when the image is built"
    elif git:
        what = f"{listed} builds whatever the git branch points to when the image is built"
    elif len(names) == 1 and tool == "npm" and _npm_split(first)[1]:
        what = f"{listed} installs whatever the `{_npm_split(first)[1]}` dist-tag points to when the image is built"
    elif len(names) == 1:
        what = f"{listed} is installed without a version, so each build may get a different release"
    else:
        what = f"{len(names)} packages are installed without a version, so each build may get different releases: "
        what += listed
    each = "it" if len(names) == 1 else "each"
    return f"`{invocation}`: {what}; pin {each} ({pin}){alternative}"
