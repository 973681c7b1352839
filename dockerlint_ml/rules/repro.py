"""ML7xx: reproducibility. The same Dockerfile should build the same image next month."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar
from urllib.parse import urlsplit

from ..model import Instruction, Severity, ShellCommand, Stage, Word
from ..text import expand
from .base import Problem, Rule, RuleContext
from .common import from_image_word, is_apt_install, is_python_install

# ---------------------------------------------------------------------------------------------------------
# Shared helpers (ML602 reuses the git and URL ones)

_SHA = re.compile(r"[0-9a-fA-F]{7,40}")
_MOVING_REFS = frozenset({"main", "master", "latest", "head", "develop", "dev", "trunk", "nightly", "stable"})
_ARCHIVE_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip", ".tar")


def is_pinned_ref(word: Word | None, scope: dict[str, str | None] | None = None) -> bool | None:
    """Whether a git ref names a fixed commit: a commit sha or a version-like tag (``v1.2.3``, ``2024.05``).

    Branch names (``main``, ``dev``) are not pinned. A ref built from a variable whose value is unknown
    returns None (cannot tell)."""
    if word is None:
        return False
    text = word.text
    if word.has_expansion:
        text, resolved = expand(word.text, scope or {})
        if not resolved or "$" in text:  # `ARG REF=v${VERSION}` with VERSION unknown keeps `${VERSION}`
            return None
    text = text.removeprefix("refs/tags/")
    if text.lower() in _MOVING_REFS or text.startswith("refs/heads/"):
        return False
    return bool(_SHA.fullmatch(text) or re.search(r"\d", text))


_CHECKOUT_SUBCOMMANDS = frozenset({"checkout", "switch", "reset", "fetch"})


def git_clone_pinned(instruction: Instruction, clone: ShellCommand) -> bool | None:
    """Whether a ``git clone`` ends on a fixed commit: ``--branch/-b <tag>``, ``--revision <sha>``, or a later
    ``git checkout/switch/reset --hard/fetch <sha|tag>`` in the same RUN. None when a variable hides the ref."""
    invocation = clone.invocation
    assert invocation is not None
    scope = dict(instruction.scope)
    results: list[bool | None] = []
    for option in invocation.options:
        if option.name in ("-b", "--branch", "--revision"):
            results.append(is_pinned_ref(option.value, scope))
    found = set(results) | _later_checkouts(instruction, clone, scope)
    if True in found:
        return True
    if None in found:
        return None
    return False


_CHECKOUTS: list = [None, {}, []]  # the last RUN's commands, their positions, the suffix unions


def _later_checkouts(instruction: Instruction, clone: ShellCommand, scope: dict) -> frozenset[bool | None]:
    """What the ``git checkout/switch/reset/fetch`` refs after ``clone`` in the same RUN pin (True, False,
    None per ref), as a set. Computed once per RUN from the end, so a RUN of thousands of clones stays linear."""
    commands = instruction.commands
    if _CHECKOUTS[0] is not commands:
        suffix: list[frozenset[bool | None]] = [frozenset()] * (len(commands) + 1)
        for index in range(len(commands) - 1, -1, -1):
            command = commands[index]
            suffix[index] = suffix[index + 1]
            if command.tool != "git" or command.subcommand not in _CHECKOUT_SUBCOMMANDS or command.invocation is None:
                continue
            refs = list(command.invocation.positionals)
            if command.subcommand == "fetch":
                refs = refs[1:]  # `git fetch origin <sha>`: the first positional is the remote
            suffix[index] = suffix[index] | {is_pinned_ref(ref, scope) for ref in refs}
        _CHECKOUTS[:] = [commands, {id(c): i for i, c in enumerate(commands)}, suffix]
    index = _CHECKOUTS[1].get(id(clone))
    return frozenset() if index is None else _CHECKOUTS[2][index + 1]


def url_words(command: ShellCommand) -> list[Word]:
    """The URLs a ``curl``/``wget`` command downloads (its positionals and ``--url`` values)."""
    invocation = command.invocation
    if invocation is None or command.tool not in ("curl", "wget"):
        return []
    words = list(invocation.positionals)
    words.extend(o.value for o in invocation.options if o.name == "--url" and o.value is not None)
    return [w for w in words if "://" in w.text or w.text.startswith(("$", "www."))]


def url_path_segments(url: str) -> list[str]:
    """Lowercased path segments of a URL, archive suffixes removed (``/archive/master.zip`` -> ``master``)."""
    try:
        path = urlsplit(url if "://" in url else "https://" + url).path
    except ValueError:
        return []
    segments = []
    for segment in path.lower().split("/"):
        for suffix in _ARCHIVE_SUFFIXES:
            if segment.endswith(suffix) and len(segment) > len(suffix):
                segment = segment[: -len(suffix)]
                break
        if segment:
            segments.append(segment)
    return segments


def redact(url: str) -> str:
    """A URL for a message, without its userinfo (``https://user:token@host`` leaks a credential)."""
    return re.sub(r"(://)[^/@\s]+@", r"\1***@", url)


MOVING_URL_SEGMENTS = frozenset({"latest", "master", "main"})


def moving_url_segment(url: str) -> str | None:
    """The ``latest``/``master``/``main`` path segment of a URL, if any. ``main`` as a Debian/Ubuntu archive
    component (``/pool/main/o/openssl/…``, ``/dists/<suite>/main/binary-amd64/…``) names no branch."""
    segments = url_path_segments(url)
    for index, segment in enumerate(segments):
        if segment not in MOVING_URL_SEGMENTS:
            continue
        before, after = segments[:index], segments[index + 1 : index + 2]
        if segment == "main" and (
            (before[-1:] == ["pool"] and bool(after) and re.fullmatch(r"(lib)?[a-z0-9]", after[0]) is not None)
            or (before[-2:-1] == ["dists"] and bool(after) and after[0].startswith(("binary-", "source", "i18n")))
        ):
            continue
        return segment
    return None


# ---------------------------------------------------------------------------------------------------------
# ML701 / ML702 base image pins


def _external_images(ctx: RuleContext) -> Iterator[tuple[Stage, Word]]:
    """Stages built FROM a registry image (not another stage, not scratch) whose reference is fully known."""
    for stage in ctx.dockerfile.stages:
        image = stage.image
        word = from_image_word(stage)
        if image is None or not isinstance(word, Word) or image.is_scratch or not image.resolved:
            continue
        yield stage, word


class BaseImageUnpinned(Rule):
    """``FROM image`` with no tag, or with ``:latest``: the base changes under you between builds."""

    id = "ML701"
    name = "base-image-unpinned"
    severity = Severity.WARNING
    summary = "FROM image without a tag, or with :latest"
    tags = ("reproducibility",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for stage, word in _external_images(ctx):
            image = stage.image
            assert image is not None
            if image.digest:
                continue
            if image.tag is None:
                yield self.problem(
                    word,
                    f"`FROM {image.raw}` has no tag, so it means `:latest`, which moves with every release: "
                    f"pin a version tag (e.g. `{image.raw}:<version>`), ideally with an `@sha256:` digest",
                )
            elif image.tag.lower() == "latest":
                yield self.problem(
                    word,
                    f"`FROM {image.raw}` uses `:latest`, which moves with every release: "
                    "pin a version tag, ideally with an `@sha256:` digest",
                )


class BaseImageNoDigest(Rule):
    """``FROM`` without ``@sha256:``: a tag can be re-pushed; only a digest names fixed bytes."""

    id = "ML702"
    name = "base-image-no-digest"
    severity = Severity.INFO
    summary = "FROM without an @sha256: digest"
    tags = ("reproducibility",)
    enabled_by_default = False

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for stage, word in _external_images(ctx):
            image = stage.image
            assert image is not None
            if image.digest:
                continue
            yield self.problem(
                word,
                f"`FROM {image.raw}` has no digest, and a tag can be re-pushed: pin it as "
                f"`{image.raw}@sha256:<digest>` (keep the tag for readers; Dependabot/Renovate can bump both)",
            )


# ---------------------------------------------------------------------------------------------------------
# ML703 pip-unpinned

_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)", re.DOTALL)
_CLAUSE = re.compile(r"\s*(===|==|~=|!=|<=|>=|<|>)\s*(\S*)")
_CONSTRAINT_ENV = ("PIP_CONSTRAINT", "PIP_REQUIREMENT", "UV_CONSTRAINT", "UV_OVERRIDE")


def _is_direct_reference(text: str) -> bool:
    """A local path, archive, URL, or ``name @ url``: pip installs exactly that artifact."""
    return (
        "/" in text
        or "\\" in text
        or text.startswith((".", "~"))
        or text.endswith((".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2"))
        or "@" in text
    )


def _vcs_without_ref(text: str) -> bool:
    """``git+https://host/org/repo`` with no ``@ref`` after the repository path."""
    if not re.match(r"(?:[\w.-]+\s*@\s*)?(git|hg|svn|bzr)\+", text):
        return False
    url = text.split("+", 1)[1].split("#", 1)[0]
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    return "@" not in path


def requirement_pinned(text: str) -> bool | None:
    """Whether a requirement string names a reproducible version: ``==``/``===``/``~=``, or a range with an
    upper bound (``>=1,<2``); a path, wheel, URL or VCS ref counts. None when it is not a requirement."""
    if _vcs_without_ref(text):
        return False
    if _is_direct_reference(text):
        return True
    match = _REQUIREMENT.fullmatch(text)
    if match is None:
        return None
    specifier = match.group(3).split(";", 1)[0].strip()
    if not specifier:
        return False
    operators = set()
    for clause in specifier.split(","):
        found = _CLAUSE.match(clause)
        if found is None:
            return None  # not a specifier we understand: stay silent
        operators.add(found.group(1))
    return bool(operators & {"==", "===", "~=", "<", "<="})


def _substitutes(word: Word) -> bool:
    """``$(cat packages.txt)`` or backticks: the words come from a command, unknown here."""
    return "$(" in word.raw or "`" in word.raw


_PINNED_TORCH = re.compile(r"torch\s*===?\s*\S")
_TORCH_COMPANIONS = frozenset({"torchvision", "torchaudio"})


class PipUnpinned(Rule):
    """``pip install NAME`` without a version: every build may resolve to different releases."""

    id = "ML703"
    name = "pip-unpinned"
    severity = Severity.WARNING
    summary = "pip install of a package without a version specifier"
    tags = ("reproducibility", "python")
    #: packaging tools upgraded before the real install (`pip install -U pip setuptools wheel`)
    options: ClassVar[dict] = {"ignore-packages": ["pip", "setuptools", "wheel"]}

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        ignored = {name.lower().replace("_", "-") for name in ctx.options(self)["ignore-packages"]}
        for instruction, command in ctx.commands():
            if not is_python_install(command) or command.invocation is None:
                continue
            if command.has_flag("-r", "--requirement", "-c", "--constraint", "--override"):
                continue  # versions live in the file (checked once the build context is known)
            if any(instruction.scope.get(name) for name in _CONSTRAINT_ENV):
                continue
            # each torchvision/torchaudio release requires one exact torch: next to a pinned torch, they are pinned
            torch_pinned = any(_PINNED_TORCH.match(word.text) for word in command.invocation.positionals)
            for word in command.invocation.positionals:
                text = word.text
                if _substitutes(word):
                    continue
                if torch_pinned and word.text.lower() in _TORCH_COMPANIONS:
                    continue
                if word.has_expansion:
                    text, resolved = expand(word.text, dict(instruction.scope))
                    if not resolved and not re.search(r"===?|~=|<", word.text):
                        continue  # `pip install $PACKAGES`: cannot tell
                pinned = requirement_pinned(text)
                if pinned is not False:
                    continue
                match = _REQUIREMENT.fullmatch(text)
                name = match.group(1) if match else text
                if name.lower().replace("_", "-") in ignored:
                    continue
                message = self._message(text, name)
                line = ctx.dockerfile.lines[word.span.end_line - 1]
                if line[word.span.end_column - 1 : word.span.end_column] in (">", "<"):
                    message += f" (an unquoted `{name}>=…`/`<…` is a shell redirect: quote the requirement)"
                yield self.problem(word, message)

    @staticmethod
    def _message(text: str, name: str) -> str:
        if _vcs_without_ref(text):
            return (
                f"`{redact(text)}` installs whatever the default branch holds today: "
                "pin a commit or tag (`...repo.git@<sha>`)"
            )
        match = _REQUIREMENT.fullmatch(text)
        if match is not None and not match.group(3).split(";", 1)[0].strip():
            return (
                f"`{name}` is installed without a version, so each build may get a different release: "
                f"pin it (`{name}==X.Y.Z`) or install from a lock/constraints file (`-c constraints.txt`)"
            )
        if ">" not in text:
            return f"`{text}` does not pin a version: pin it (`{name}==X.Y.Z`) or install from a constraints file"
        return (
            f"`{text}` has no upper bound, so each build may get a different release: "
            f"pin it (`{name}==X.Y.Z`, `~=`) or install from a lock/constraints file (`-c constraints.txt`)"
        )


# ---------------------------------------------------------------------------------------------------------
# ML704 apt-unpinned


class AptUnpinned(Rule):
    """``apt-get install pkg`` without ``=version``: the package version follows the mirror of the day."""

    id = "ML704"
    name = "apt-unpinned"
    severity = Severity.INFO
    summary = "apt-get install of a package without =version"
    tags = ("reproducibility", "apt")
    enabled_by_default = False

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction, command in ctx.commands():
            if not is_apt_install(command) or command.invocation is None:
                continue
            for word in command.invocation.positionals:
                text = word.text
                if _substitutes(word):
                    continue
                if word.has_expansion:
                    text, resolved = expand(text, dict(instruction.scope))
                    if not resolved:
                        continue
                for package in text.split():
                    if "=" in package or package.endswith(".deb") or package.startswith(("/", ".")):
                        continue
                    name = package.split("/", 1)[0]
                    yield self.problem(
                        word,
                        f"`{package}` is installed without a version: pin it (`{name}=<version>`, see "
                        f"`apt-cache policy {name}`) if the image must be rebuilt identically",
                    )


# ---------------------------------------------------------------------------------------------------------
# ML706 unpinned-remote-download


class UnpinnedRemoteDownload(Rule):
    """``git clone`` without a fixed ref, or ``curl``/``wget`` of a ``latest``/``master``/``main`` URL."""

    id = "ML706"
    name = "unpinned-remote-download"
    severity = Severity.INFO
    summary = "git clone without a pinned ref, or download of a latest/master/main URL"
    tags = ("reproducibility",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        from .artifacts import is_model_clone, is_model_url  # model downloads: ML602 reports their pinning

        for instruction, command in ctx.commands():
            if command.tool == "git" and command.subcommand == "clone" and command.invocation is not None:
                if is_model_clone(command) or git_clone_pinned(instruction, command) is not False:
                    continue
                url = redact(next((w.text for w in command.invocation.positionals), "the repository"))
                yield self.problem(
                    command,
                    f"`git clone {url}` builds whatever the branch holds today: clone a tag "
                    "(`--branch v1.2.3`) or `git checkout <commit sha>` after the clone, in the same RUN",
                )
                continue
            for word in url_words(command):
                segment = moving_url_segment(word.text)
                if segment is None or is_model_url(word.text):
                    continue
                yield self.problem(
                    word,
                    f"`{redact(word.text)}` names `{segment}`, which moves: download a versioned URL "
                    "(a release tag or commit sha) and verify its checksum",
                )


# ---------------------------------------------------------------------------------------------------------
# ML705 eol-base-image

_EOL_NAMES = {"python": "Python", "debian": "Debian", "ubuntu": "Ubuntu", "centos": "CentOS", "rhel": "RHEL/UBI",
              "alpine": "Alpine"}  # fmt: skip


class EolBaseImage(Rule):
    """The base image's OS release or Python version is past its end of life."""

    id = "ML705"
    name = "eol-base-image"
    severity = Severity.WARNING
    summary = "a base image whose OS release or Python version is end-of-life"
    tags = ("reproducibility", "security")
    #: ``as-of``: the day to judge on, ``YYYY-MM-DD`` (default: today), for reproducible CI results
    options: ClassVar[dict[str, str]] = {"as-of": ""}

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        from datetime import date

        from .. import knowledge as kb
        from ..facts import base_facts, needed_stages

        configured = str(ctx.options(self)["as-of"] or "")
        try:
            today = date.fromisoformat(configured) if configured else date.today()
        except ValueError:
            today = date.today()
        needed = needed_stages(ctx.dockerfile, ctx.shipped_indexes)
        for stage in ctx.dockerfile.stages:
            if stage.index not in needed or stage.image is None:
                continue
            base = base_facts(stage.image, stage.index)
            entries = []
            if base.python:
                entries.append(kb.eol("python", base.python))
            if base.os and base.os[0] in _EOL_NAMES:
                entries.append(kb.eol(*base.os))
            ended = [e for e in entries if e is not None and e.end is not None and e.end < today]
            if not ended:
                continue
            parts = []
            for entry in ended:
                codename = f" ({entry.codename})" if entry.codename and entry.codename != entry.version else ""
                parts.append(
                    f"{_EOL_NAMES[entry.product]} {entry.version}{codename}, whose {entry.kind} ended on {entry.end}"
                )
            yield self.problem(
                from_image_word(stage),
                f"`{stage.image.raw}` is based on {' and '.join(parts)}: no more security fixes; move to a supported "
                "release (e.g. `python:3.12-slim-bookworm`, `ubuntu:24.04`, an `ubuntu24.04` CUDA tag)",
            )


RULES: list[type[Rule]] = [
    BaseImageUnpinned,
    BaseImageNoDigest,
    PipUnpinned,
    AptUnpinned,
    EolBaseImage,
    UnpinnedRemoteDownload,
]
