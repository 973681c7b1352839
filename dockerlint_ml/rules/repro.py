"""ML7xx: reproducibility. The same Dockerfile should build the same image next month."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit

from ..analysis.downloads import is_model_clone, is_model_url
from ..analysis.git import git_clone_pinned
from ..analysis.urls import moving_url_segment, redact, url_path_segments, url_words
from ..model import Instruction, Severity, ShellCommand, Stage, Word
from ..roles import DEPLOYED
from ..text import expand
from .base import Problem, Rule, RuleContext
from .common import any_after, from_image_word, is_apt_install, is_python_install

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


@dataclass(frozen=True)
class ArgOrigin:
    """The global ``ARG`` whose default supplies (the tag of) a stage's base image."""

    name: str
    value: str
    instruction: Instruction
    word: Word  # the `NAME=value` word, where a finding about the base points


_VARIABLE_REFERENCE = re.compile(r"\$(?:\{(\w+)[^}]*\}|(\w+))")


def arg_origin(ctx: RuleContext, stage: Stage, evidence: tuple[str, ...] = ()) -> ArgOrigin | None:
    """Where the part of a ``FROM`` that names the base image and its tag comes from, when that is an ARG default:
    ``ARG BASE_IMAGE=quay.io/jupyter/base-notebook`` + ``FROM $BASE_IMAGE``, ``ARG PY=3.8`` + ``FROM python:${PY}``.
    The last variable of the image word that a global ARG (one before the first FROM) sets, unless the name or
    tag after it is written out (``FROM ${REGISTRY}/python:3.8``: the FROM line is the place to edit). With
    ``evidence`` (``("3.8",)``), only an ARG whose default contains one of them counts."""
    word = from_image_word(stage)
    if not isinstance(word, Word) or not word.has_expansion:
        return None
    references = list(_VARIABLE_REFERENCE.finditer(word.raw))
    if not references or any(c in word.raw[references[-1].end() :] for c in ":/@"):
        return None
    first_from = ctx.dockerfile.stages[0].from_instruction.line
    global_args = [i for i in ctx.dockerfile.instructions if i.keyword == "ARG" and i.line < first_from]
    for reference in reversed(references):
        name = reference.group(1) or reference.group(2)
        found = None
        for instruction in global_args:  # the last definition wins, as in `docker build`
            for key, value, pair_word in instruction.pairs():
                if key == name:
                    found = (value, instruction, pair_word)
        if found is None or not found[0]:
            continue
        value = found[0].lower()
        if evidence and not any(re.search(rf"(?<![\w.]){re.escape(e.lower())}(?![\w])", value) for e in evidence):
            return None
        return ArgOrigin(name, found[0], found[1], found[2])
    return None


def _at_base(
    ctx: RuleContext, stage: Stage, reported: set, evidence: tuple[str, ...] = ()
) -> tuple[Word | Instruction, ArgOrigin | None] | None:
    """Where a finding about a stage's base points: the ARG that names it (once for all the stages that use it),
    else the image word of the FROM. None when the ARG was already reported."""
    origin = arg_origin(ctx, stage, evidence)
    if origin is None:
        return from_image_word(stage), None
    if origin.word.span in reported:
        return None
    reported.add(origin.word.span)
    return origin.word, origin


def _subject(stage: Stage, origin: ArgOrigin | None, *, keyword: bool = True) -> str:
    """How a message names a stage's base: ``FROM python:3.8`` or, when an ARG default supplies it,
    ``FROM python:${PY}`` (``python:3.8``: the default of ``ARG PY`` on line 2, ...)."""
    image = stage.image
    assert image is not None
    prefix = "FROM " if keyword else ""
    if origin is None:
        return f"`{prefix}{image.raw}`"
    word = from_image_word(stage)
    written = word.raw if isinstance(word, Word) else image.raw
    return (
        f"`FROM {written}` (`{image.raw}`: the default of `ARG {origin.name}` on line {origin.instruction.line}, "
        f"which `--build-arg {origin.name}=...` overrides)"
    )


_MOVING_TAGS = frozenset({"latest", "rolling", "nightly", "edge", "main", "master"})


def moving_tag(tag: str | None) -> bool:
    """``latest``, ``rolling``, ``nightly``, ``edge``, ``main``, ``master``, or ``latest``/``nightly`` as a
    ``-``/``.`` component (``latest-gpu``, ``2.1-nightly``)."""
    if not tag:
        return False
    lowered = tag.lower()
    return lowered in _MOVING_TAGS or bool({"latest", "nightly"} & set(re.split(r"[-.]", lowered)))


def _built_by_the_pipeline(ctx: RuleContext, stage: Stage) -> bool:
    """A base that the same build pipeline makes, whose tag is the pipeline's business: a one-word name that is
    not a Docker Official Image (`tritonserver_cibase`), or a name whose registry or namespace the pipeline
    passes in (`ARG BASE_IMAGE=$REGISTRY/$OWNER/base-notebook`, a chain of images built together)."""
    from .. import knowledge as kb

    image = stage.image
    assert image is not None
    if image.registry is None and "/" not in image.repository and image.repository not in kb.docker_official_images():
        return True
    origin = arg_origin(ctx, stage)
    if origin is not None and "$" in origin.value:
        prefix = origin.value.rsplit("/", 1)[0] if "/" in origin.value else ""
        return "$" in prefix
    word = from_image_word(stage)
    raw = word.raw if isinstance(word, Word) else ""
    return "/" in raw and "$" in raw.rsplit("/", 1)[0] and image.tag is None


class BaseImageUnpinned(Rule):
    """``FROM image`` with no tag, or with a moving tag (``:latest``, ``:rolling``, ``:nightly``…): the base
    changes under you between builds."""

    id = "ML701"
    name = "base-image-unpinned"
    severity = Severity.WARNING
    summary = "FROM image without a tag, or with a moving tag such as :latest"
    tags = ("reproducibility",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        from ..facts import needed_stages

        needed = needed_stages(ctx.dockerfile, ctx.shipped_indexes)
        reported: set = set()
        for stage, _word in _external_images(ctx):
            image = stage.image
            assert image is not None
            if image.digest or stage.index not in needed or (image.tag is not None and not moving_tag(image.tag)):
                continue
            if _NIGHTLY_NAME.search(image.name):
                continue  # a nightly repository (`torchserve-nightly:latest-gpu`) floats by design
            if _built_by_the_pipeline(ctx, stage):
                continue
            found = _at_base(ctx, stage, reported)
            if found is None:
                continue
            at, origin = found
            subject = _subject(stage, origin)
            if image.tag is None:
                yield self.problem(
                    at,
                    f"{subject} has no tag, so it means `:latest`, which moves with every release: "
                    f"pin a version tag (e.g. `{image.raw}:<version>`), ideally with an `@sha256:` digest",
                )
            else:
                yield self.problem(
                    at,
                    f"{subject} uses `:{image.tag}`, which moves with every release: pin a version tag, ideally "
                    "with an `@sha256:` digest (only a digest, if the publisher ships no version tags)",
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


_PINNED_TORCH = re.compile(r"torch\s*(?:\[[^\]]*\])?\s*===?\s*\S")
_TORCH_COMPANIONS = ("torchvision", "torchaudio")
_FILE_OPTIONS = ("-r", "--requirement", "--requirements", "-c", "--constraint", "--constraints", "--override",
                 "--overrides")  # fmt: skip
_INDEX_OPTIONS = ("-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--index", "--default-index")
_NIGHTLY_NAME = re.compile(r"(?:^|-)nightly(?:-|$)")  # tf-nightly, torchserve-nightly, tf-nightly-gpu
_NAME_WITH_VARIABLE = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)((?:\$\{?\w+\}?[A-Za-z0-9._-]*)+)")
_VARIABLE = re.compile(r"\$\{?(\w+)\}?")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class _Loose:
    """One unpinned requirement of an install command."""

    word: Word
    text: str  # the requirement as pip sees it (variables expanded where known)
    name: str  # the project name with its extras: `jax[cuda12]`
    key: str  # normalized project name without extras: `jax`
    kind: str  # "bare", "floor" (`>=` only), "loose" (`!=`…), "vcs" (no ref)


def _nightly_install(command: ShellCommand, scope: dict) -> bool:
    """``--pre`` (or uv's ``--prerelease``) from a nightly index (``download.pytorch.org/whl/nightly/cu124``):
    the install follows a nightly channel on purpose, and a release pin is not the advice to give."""
    invocation = command.invocation
    assert invocation is not None
    prerelease = [*invocation.values("--prerelease"), scope.get("UV_PRERELEASE") or ""]
    pre = (
        invocation.has_flag("--pre") or bool(scope.get("PIP_PRE")) or any(v not in ("", "disallow") for v in prerelease)
    )
    urls = invocation.values(*_INDEX_OPTIONS)
    return pre and any("nightly" in url_path_segments(url) for url in urls)


def _shell_values(instruction: Instruction, variable: str) -> list[str] | None:
    """The values a RUN assigns to a shell variable (``TF_POSTFIX="-cpu"``), None when it assigns none."""
    found = re.findall(rf"(?<![\w$]){re.escape(variable)}=(\"[^\"]*\"|'[^']*'|[^\s;&|)]*)", instruction.args)
    return [value.strip("\"'") for value in found] or None


def _variable_in_name(word: Word, instruction: Instruction) -> str | None:
    """``"tensorflow${TF_POSTFIX}"``: a project name completed by variables that hold no version operator
    (their values known from the scope or from assignments in the same RUN) is unpinned whatever they hold.
    The requirement as written, or None when that cannot be told."""
    match = _NAME_WITH_VARIABLE.fullmatch(word.text)
    if match is None:
        return None
    scope = instruction.scope
    for variable in _VARIABLE.findall(match.group(2)):
        value = scope.get(variable)
        values = [value] if value is not None else _shell_values(instruction, variable)
        if not values or any(re.search(r"[=<>~!@/;\[\s]", v) for v in values):
            return None
    return word.text


def _project_install(command: ShellCommand) -> bool:
    """``pip install -e .``, ``uv pip install .[serve]``, ``pip install /src``: installs a local project, whose
    own requirements decide the versions of what it depends on."""
    if not is_python_install(command) or command.invocation is None:
        return False
    if command.invocation.values("-e", "--editable"):
        return True
    return any(w.text.startswith((".", "/")) and not w.text.endswith(".whl") for w in command.invocation.positionals)


class PipUnpinned(Rule):
    """``pip install NAME`` without a version: every build may resolve to different releases."""

    id = "ML703"
    name = "pip-unpinned"
    severity = Severity.WARNING
    summary = "pip install of a package without a version specifier"
    tags = ("reproducibility", "python")
    roles = DEPLOYED  # not dev, notebook, CI or docs tooling
    #: packaging tools upgraded before the real install (`pip install -U pip setuptools wheel packaging`)
    options: ClassVar[dict] = {"ignore-packages": ["pip", "setuptools", "wheel", "packaging"]}

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        from .. import knowledge as kb
        from ..facts import needed_stages, reaches_image

        ignored = {_normalized(name) for name in ctx.options(self)["ignore-packages"]}
        reported: dict[int, set[tuple[str, ...]]] = {}  # per RUN: package lists already reported
        needed = needed_stages(ctx.dockerfile, ctx.shipped_indexes)
        for instruction, command in ctx.commands():
            if instruction.stage_index not in needed:
                continue  # a stage the build of the shipped image never runs or copies from
            if not is_python_install(command) or command.invocation is None:
                continue
            if not reaches_image(ctx, instruction, command):
                continue  # a build-only tool in a builder whose environment is not copied into the image
            if command.has_flag(*_FILE_OPTIONS):
                continue  # versions live in the file (checked once the build context is known)
            scope = dict(instruction.scope)
            if any(scope.get(name) for name in _CONSTRAINT_ENV) or _nightly_install(command, scope):
                continue
            tooling = kb.python_tooling()
            loose = [
                item
                for item in self._loose(instruction, command, scope)
                if item.key not in ignored and item.key not in tooling and not _NIGHTLY_NAME.search(item.key)
            ]
            if any(item.kind == "floor" for item in loose) and any_after(instruction, command, _project_install):
                # `pip install "hub>=1.5" && pip install -e .`: the project's own requirements settle the floor
                loose = [item for item in loose if item.kind != "floor"]
            keys = tuple(sorted(item.key for item in loose))
            seen = reported.setdefault(id(instruction), set())
            if loose and keys not in seen:  # the same packages in both branches of an if/else: one finding
                seen.add(keys)
                yield self.problem(loose[0].word, self._message(ctx, loose))

    @staticmethod
    def _loose(instruction: Instruction, command: ShellCommand, scope: dict) -> Iterator[_Loose]:
        invocation = command.invocation
        assert invocation is not None
        # each torchvision/torchaudio release requires one exact torch: next to a pinned torch, they are pinned
        torch_pinned = any(_PINNED_TORCH.match(word.text) for word in invocation.positionals)
        for word in invocation.positionals:
            text = word.text
            if _substitutes(word):
                continue
            if torch_pinned and _normalized(text) in _TORCH_COMPANIONS:
                continue
            if word.has_expansion:
                text, resolved = expand(word.text, scope)
                if not resolved:
                    written = _variable_in_name(word, instruction)
                    if written is not None:
                        name = _NAME_WITH_VARIABLE.fullmatch(written).group(1)  # type: ignore[union-attr]
                        yield _Loose(word, written, written, _normalized(name), "bare")
                        continue
                    if not re.search(r"===?|~=|<", word.text):
                        continue  # `pip install $PACKAGES`: cannot tell
            if requirement_pinned(text) is not False:
                continue
            match = _REQUIREMENT.fullmatch(text)
            if _vcs_without_ref(text) or match is None:
                key = _normalized(text.split("+", 1)[-1].rstrip("/").rsplit("/", 1)[-1].removesuffix(".git"))
                yield _Loose(word, text, text, key, "vcs")
                continue
            name = match.group(1) + re.sub(r"\s+", "", match.group(2) or "")
            specifier = match.group(3).split(";", 1)[0].strip()
            kind = "bare" if not specifier else "floor" if re.fullmatch(r">=?\s*[^,]+", specifier) else "loose"
            yield _Loose(word, text, name, _normalized(match.group(1)), kind)

    @staticmethod
    def _message(ctx: RuleContext, loose: list[_Loose]) -> str:
        torch_set = [item for item in loose if item.key in ("torch", *_TORCH_COMPANIONS)]
        if len(torch_set) < 2 or not any(item.key == "torch" for item in torch_set):
            torch_set = []
        others = [item for item in loose if item not in torch_set]
        redirects = [item.name for item in loose if _before_redirect(ctx, item.word)]
        note = (
            f" (an unquoted `{redirects[0]}>=…`/`<…` is a shell redirect, so pip gets no version at all: "
            "quote the requirement)"
            if redirects
            else ""
        )
        lock = "or install from a lock/constraints file (`-c constraints.txt`)"
        if len(loose) == 1:
            item = loose[0]
            if item.kind == "vcs":
                return (
                    f"`{redact(item.text)}` installs whatever the default branch holds today: "
                    f"pin a commit or tag (`...repo.git@<sha>`){note}"
                )
            if item.kind == "bare":
                return (
                    f"`{item.name}` is installed without a version, so each build may get a different release: "
                    f"pin it (`{item.name}==X.Y.Z`) {lock}{note}"
                )
            if item.kind == "floor":
                return (
                    f"`{item.text}` has no upper bound, so each build may get a different release: "
                    f"pin it (`{item.name}==X.Y.Z`, `~=`) {lock}{note}"
                )
            return f"`{item.text}` does not pin a version: pin it (`{item.name}==X.Y.Z`) {lock}{note}"
        advice = []
        if others:
            with_extras = [item for item in others if "[" in item.name and item.kind != "vcs"]
            plain = [item for item in others if "[" not in item.name and item.kind != "vcs"]
            pins = [f"`{item.name}==X.Y.Z`" for item in (with_extras + plain[: max(0, 2 - len(with_extras))])]
            if pins:
                advice.append(
                    f"pin each ({', '.join(pins)}{', …' if len(pins) < len(plain) + len(with_extras) else ''})"
                )
            if any(item.kind == "vcs" for item in others):
                advice.append("pin a commit or tag in each VCS URL (`...repo.git@<sha>`)")
        if torch_set:
            ordered = sorted(torch_set, key=lambda item: _TORCH_ORDER[item.key])
            names = [f"`{item.name}`" for item in ordered]
            example = " ".join(f"{item.name}=={'A.B.C' if item.key == 'torchvision' else 'X.Y.Z'}" for item in ordered)
            if not others:
                return (
                    f"{', '.join(names[:-1])} and {names[-1]} are installed without versions, so each build may "
                    "get different releases, and each torchvision/torchaudio release works with one torch release: "
                    f"pin the set together, from one release (`{example}`), {lock}{note}"
                )
            advice.append(f"pin {'/'.join(item.name for item in ordered)} together, from one release (`{example}`)")
        what = ", ".join([_describe(item) for item in others] + [f"`{item.name}`" for item in torch_set])
        return (
            f"{len(loose)} packages are installed without a pinned version, so each build may get different "
            f"releases: {what}; {' and '.join(advice)}, {lock}{note}"
        )


_TORCH_ORDER = {"torch": 0, "torchvision": 1, "torchaudio": 2}


def _describe(item: _Loose) -> str:
    if item.kind == "vcs":
        return f"`{redact(item.text)}` (no commit or tag)"
    if item.kind == "floor":
        return f"`{item.text}` (no upper bound)"
    return f"`{item.text}`"


def _before_redirect(ctx: RuleContext, word: Word) -> bool:
    """``pip install numpy>=1.2``: the word ends where an unquoted ``>``/``<`` starts a redirect."""
    line = ctx.dockerfile.lines[word.span.end_line - 1]
    return line[word.span.end_column - 1 : word.span.end_column] in (">", "<")


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
        reported: set = set()
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
            evidence = tuple(e for entry in ended for e in (entry.version, entry.codename) if e)
            found = _at_base(ctx, stage, reported, evidence)
            if found is None:
                continue  # the ARG naming this base is already reported for an earlier stage
            at, origin = found
            yield self.problem(
                at,
                f"{_subject(stage, origin, keyword=False)} is based on {' and '.join(parts)}: no more security "
                "fixes; move to a supported release (e.g. `python:3.12-slim-bookworm`, `ubuntu:24.04`, an "
                "`ubuntu24.04` CUDA tag)",
            )


RULES: list[type[Rule]] = [
    BaseImageUnpinned,
    BaseImageNoDigest,
    PipUnpinned,
    AptUnpinned,
    EolBaseImage,
    UnpinnedRemoteDownload,
]
