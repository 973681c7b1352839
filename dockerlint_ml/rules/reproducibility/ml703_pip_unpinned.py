"""ML703 pip-unpinned: pip install of a package without a version specifier.

Reference page: rules/ML703.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from ...analysis.manifests import Dependency, ManifestInstall, manifest_install
from ...analysis.packages import is_direct_reference, normalize, parse, requirement_pinned, vcs_without_ref
from ...analysis.requirements_files import RequirementsInstall, requirements_install
from ...analysis.urls import redact, url_path_segments
from ...lazy_re import lazy
from ...model import Instruction, Severity, ShellCommand, Word
from ...records import Frozen, setfield
from ...roles import DEPLOYED
from ...variables import expand
from ..base import Problem, Rule, RuleContext
from ..common import any_after, is_python_install
from ._shared import _NIGHTLY_NAME, _substitutes

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import ClassVar

# ML703 pip-unpinned

_CONSTRAINT_ENV = ("PIP_CONSTRAINT", "PIP_REQUIREMENT", "UV_CONSTRAINT", "UV_OVERRIDE")

_PINNED_TORCH = lazy(r"torch\s*(?:\[[^\]]*\])?\s*===?\s*\S")

_TORCH_COMPANIONS = ("torchvision", "torchaudio")

#: on the command line, the versions are decided by a file this does not weigh: constraints, overrides, hashes
_DECIDED_ON_COMMAND = ("-c", "--constraint", "--constraints", "--override", "--overrides", "--require-hashes")

_FILE_OPTIONS = ("-r", "--requirement", "--requirements", "-c", "--constraint", "--constraints", "--override",
                 "--overrides")  # fmt: skip

_INDEX_OPTIONS = ("-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--index", "--default-index")

_NAME_WITH_VARIABLE = lazy(r"([A-Za-z0-9][A-Za-z0-9._-]*)((?:\$\{?\w+\}?[A-Za-z0-9._-]*)+)")

_VARIABLE = lazy(r"\$\{?(\w+)\}?")


class _Loose(Frozen):
    """One unpinned requirement of an install command."""

    _fields = ("word", "text", "name", "key", "kind", "via")
    __slots__ = _fields
    word: Word
    text: str  # the requirement as pip sees it (variables expanded where known)
    name: str  # the project name with its extras: `jax[cuda12]`
    key: str  # normalized project name without extras: `jax`
    kind: str  # "bare", "floor" (`>=` only), "loose" (`!=`…), "vcs" (no ref)
    via: str | None  # the requirements file (context path) that lists it; None: on the command line

    def __init__(self, word: Word, text: str, name: str, key: str, kind: str, via: str | None = None) -> None:
        setfield(self, "word", word)
        setfield(self, "text", text)
        setfield(self, "name", name)
        setfield(self, "key", key)
        setfield(self, "kind", kind)
        setfield(self, "via", via)


def _nightly_install(command: ShellCommand, scope: Mapping[str, str | None]) -> bool:
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
        from ... import knowledge as kb
        from ...facts import needed_stages, reaches_image

        ignored = {normalize(name) for name in ctx.options(self)["ignore-packages"]}
        reported: dict[int, set[tuple[str, ...]]] = {}  # per RUN: package lists already reported
        settled: dict[int, set[str]] = {}  # per stage: packages an install gave a version specifier
        needed = needed_stages(ctx.dockerfile, ctx.shipped_indexes)
        for instruction, command in ctx.commands():
            if instruction.stage_index not in needed:
                continue  # a stage the build of the shipped image never runs or copies from
            before = _settled_before(ctx, instruction, settled)
            read = _read_requirements(ctx, instruction, command)  # once: the files this install reads
            if is_python_install(command) and command.invocation is not None and instruction.stage_index is not None:
                settled.setdefault(instruction.stage_index, set()).update(_specified(command, read))
            manifest = _manifest(ctx, instruction, command)
            if manifest is not None and _locked_before(ctx, instruction, command):
                manifest = None  # `uv sync --frozen` installed the lock first: this install finds them all there
            if manifest is not None:  # `pip install .`, `uv sync`, `conda env create -f`: the file's dependencies
                unpinned = [d for d in manifest.unpinned if d.key not in ignored and d.key not in kb.python_tooling()]
                if unpinned and manifest.at is not None and reaches_image(ctx, instruction, command):
                    yield self.problem(manifest.at, _manifest_message(manifest, unpinned))
            if not is_python_install(command) or command.invocation is None:
                continue
            if not reaches_image(ctx, instruction, command):
                continue  # a build-only tool in a builder whose environment is not copied into the image
            files = None
            if command.has_flag(*_FILE_OPTIONS):
                files = _requirements_files(instruction, command, read)
                if files is None:
                    continue  # constraints, hashes, or a file this cannot read: the versions live elsewhere
            scope = instruction.scope
            if any(scope.get(name) for name in _CONSTRAINT_ENV) or _nightly_install(command, scope):
                continue
            tooling = kb.python_tooling()
            items = list(self._loose(instruction, command, scope))
            if files is not None:
                items = _with_files(items, files, command)
            loose = [
                item
                for item in items
                if item.key not in ignored and item.key not in tooling and not _NIGHTLY_NAME.search(item.key)
            ]
            loose = [item for item in loose if not (item.kind == "floor" and _security_floor(ctx, instruction, item))]
            if loose and not command.has_flag(*_UPGRADING) and all(i.kind == "bare" and i.key in before for i in loose):
                # `pip install twine requests` after `-r reqs.txt` gave requests `>=2.33,<3`: pip keeps what is
                # installed. (Next to another unpinned package, that one's latest release may upgrade it.)
                loose = []
            if any(item.kind == "floor" for item in loose) and any_after(instruction, command, _project_install):
                # `pip install "hub>=1.5" && pip install -e .`: the project's own requirements settle the floor
                loose = [item for item in loose if item.kind != "floor"]
            keys = tuple(sorted(item.key for item in loose))
            seen = reported.setdefault(id(instruction), set())
            if loose and keys not in seen:  # the same packages in both branches of an if/else: one finding
                seen.add(keys)
                if files is not None:  # once on the install line, naming the file(s)
                    yield self.problem(files.at, _files_message(command, files, loose))
                else:
                    yield self.problem(loose[0].word, self._message(ctx, loose))

    @staticmethod
    def _loose(instruction: Instruction, command: ShellCommand, scope: Mapping[str, str | None]) -> Iterator[_Loose]:
        invocation = command.invocation
        assert invocation is not None
        # each torchvision/torchaudio release requires one exact torch: next to a pinned torch, they are pinned
        torch_pinned = any(_PINNED_TORCH.match(word.text) for word in invocation.positionals)
        for word in invocation.positionals:
            text = word.text
            if _substitutes(word):
                continue
            if torch_pinned and normalize(text) in _TORCH_COMPANIONS:
                continue
            if word.has_expansion:
                text, resolved = expand(word.text, scope)
                if not resolved:
                    written = _variable_in_name(word, instruction)
                    if written is not None:
                        name = _NAME_WITH_VARIABLE.fullmatch(written).group(1)  # type: ignore[union-attr]
                        yield _Loose(word, written, written, normalize(name), "bare")
                        continue
                    if not re.search(r"===?|~=|<", word.text):
                        continue  # `pip install $PACKAGES`: cannot tell
            item = _classify(word, text)
            if item is not None:
                yield item

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


def _classify(word: Word, text: str, via: str | None = None) -> _Loose | None:
    """The requirement ``text`` when it pins no version; None when it does, or when it is not one we read.
    The one notion of "pinned" for requirements on the command line and in requirements files."""
    if requirement_pinned(text) is not False:
        return None
    requirement = parse(text)
    if vcs_without_ref(text) or requirement is None:
        key = normalize(text.split("+", 1)[-1].rstrip("/").rsplit("/", 1)[-1].removesuffix(".git"))
        return _Loose(word, text, text, key, "vcs", via)
    written = requirement.name + requirement.tail  # `torch-` is reported as written
    name = written + re.sub(r"\s+", "", requirement.extras_text)
    specifier = requirement.specifier
    kind = "bare" if not specifier else "floor" if re.fullmatch(r">=?\s*[^,]+", specifier) else "loose"
    return _Loose(word, text, name, normalize(written), kind, via)


#: options that make pip replace what is installed (without them, an installed package satisfies a bare name)
_UPGRADING = ("-U", "--upgrade", "--force-reinstall", "-I", "--ignore-installed")


def _specified(command: ShellCommand, read: RequirementsInstall | None) -> set[str]:
    """The packages ``command`` installs with a version specifier, on its line or in the requirements files it
    reads (``read``; all of a file's packages when constraints or hashes decide them)."""
    keys = set()
    for word in command.invocation.positionals if command.invocation is not None else ():
        requirement = parse(word.text)
        if requirement is not None and requirement.specifier:
            keys.add(requirement.key)
    for _path, text in read.requirements if read is not None else ():
        requirement = parse(text)
        if requirement is not None and (requirement.specifier or read.decided):
            keys.add(requirement.key)
    return keys


_CVE = lazy(r"\bCVE-\d{4}-\d+|\bGHSA-[\w-]+", re.IGNORECASE)


def _security_floor(ctx: RuleContext, instruction: Instruction, item: _Loose) -> bool:
    """A `>=` floor a comment next to it justifies with an advisory (`# h11 0.13 has CVE-2025-43859`): the
    minimum is the point, pinning it would freeze the fix (roboflow/inference)."""
    first, last = instruction.line - 5, item.word.span.line
    return any(first <= line <= last and _CVE.search(text) for line, text in ctx.dockerfile.comments)


def _locked_before(ctx: RuleContext, instruction: Instruction, command: ShellCommand) -> bool:
    """Whether an earlier command of the build installed the project's lock (`uv sync --frozen`/`--locked`)."""
    stage = ctx.stage_of(instruction)
    for member in ctx.lineage(stage) if stage is not None else ():
        for earlier in member.instructions:
            for shell in earlier.commands:
                if shell is command:
                    return False
                if shell.tool == "uv" and shell.subcommand == "sync" and shell.has_flag("--frozen", "--locked"):
                    return True
    return False


def _settled_before(ctx: RuleContext, instruction: Instruction, settled: dict[int, set[str]]) -> set[str]:
    """What installs earlier in ``instruction``'s stage and the stages it is built FROM gave a specifier."""
    stage = ctx.stage_of(instruction)
    if stage is None:
        return set()
    return set().union(*(settled.get(member.index, set()) for member in ctx.lineage(stage)))


def _read_requirements(ctx: RuleContext, instruction: Instruction, command: ShellCommand) -> RequirementsInstall | None:
    """The requirements files a `pip install -r FILE` reads, as the build context holds them (None: none named,
    or one cannot be read)."""
    stage = ctx.stage_of(instruction)
    if not command.has_flag(*_FILE_OPTIONS) or stage is None or ctx.build_context is None:
        return None
    return requirements_install(ctx.lineage(stage), instruction, command, ctx.build_context)


def _requirements_files(
    instruction: Instruction, command: ShellCommand, read: RequirementsInstall | None
) -> RequirementsInstall | None:
    """``read`` (the requirements files of ``pip install -r FILE``), when every one of them can be read and
    nothing else decides the versions (constraints or overrides, hash-checking mode, on the command line or in
    a file)."""
    if command.has_flag(*_DECIDED_ON_COMMAND) or instruction.scope.get("PIP_REQUIRE_HASHES"):
        return None
    return None if read is None or read.decided else read


def _pinned_keys(texts: Iterable[str]) -> set[str]:
    keys = set()
    for text in texts:
        requirement = parse(text) if requirement_pinned(text) else None
        if requirement is not None and not is_direct_reference(text):
            keys.add(requirement.key)
    return keys


def _with_files(inline: list[_Loose], files: RequirementsInstall, command: ShellCommand) -> list[_Loose]:
    """The command line's unpinned requirements and its files', once each: a project pinned anywhere in the
    install is pinned (pip resolves them together), and so are torchvision/torchaudio next to a pinned torch."""
    assert command.invocation is not None
    listed = [_classify(files.at, text, via) for via, text in files.requirements]
    pinned = _pinned_keys([w.text for w in command.invocation.positionals] + [t for _, t in files.requirements])
    if "torch" in pinned:
        pinned.update(_TORCH_COMPANIONS)
    found: dict[str, _Loose] = {}
    for item in [*(i for i in listed if i is not None), *inline]:
        if item.key not in pinned:
            found.setdefault(item.key, item)
    return list(found.values())


#: names listed in a requirements-file finding before "and N more"
_LISTED = 5


def _files_message(command: ShellCommand, files: RequirementsInstall, loose: list[_Loose]) -> str:
    where = list(dict.fromkeys(item.via for item in loose if item.via))
    inline = any(item.via is None for item in loose)
    shown = ", ".join(_describe(item) for item in loose[:_LISTED])
    more = f" and {len(loose) - _LISTED} more" if len(loose) > _LISTED else ""
    count = f"{len(loose)} package{'s' if len(loose) > 1 else ''}"
    install = "uv pip install" if command.tool == "uv" else "pip install"
    examples = sorted((item for item in loose if item.kind != "vcs"), key=lambda item: "[" not in item.name)[:2]
    pins = ", ".join(f"`{item.name}==X.Y.Z`" for item in examples)  # extras first: they must be kept
    pins += ", …" if pins and len(loose) > len(examples) else ""
    listed = f"in {', '.join(where)}" + (" and on the command line" if inline else "")
    advice = f"pin each in {where[0]}" if len(where) == 1 and not inline else "pin each where it is listed"
    advice += f" ({pins})" if pins else ""
    if any(item.kind == "vcs" for item in loose):
        advice += " and a commit or tag in each VCS URL (`...repo.git@<sha>`)"
    return (
        f"`{install} -r {files.at.text}` installs {count} without a pinned version ({listed}), so each build may "
        f"get different releases: {shown}{more}; {advice}, or install with a constraints file "
        "(`-c constraints.txt`, compiled by `pip-compile` or `uv pip compile`)"
    )


def _manifest(ctx: RuleContext, instruction: Instruction, command: ShellCommand) -> ManifestInstall | None:
    stage = ctx.stage_of(instruction)
    if stage is None or ctx.build_context is None:
        return None
    return manifest_install(ctx.lineage(stage), instruction, command, ctx.build_context)


#: what makes the install reproducible, per command (pip ignores lock files: it needs pins or constraints)
_MANIFEST_ADVICE = {
    "uv sync": "commit a lock (`uv lock`), COPY `uv.lock` beside it and run `uv sync --locked`",
    "poetry install": "commit a lock (`poetry lock`) and COPY `poetry.lock` beside it",
}


def _manifest_message(manifest: ManifestInstall, unpinned: list[Dependency]) -> str:
    names = ", ".join(f"`{d.name}`" for d in unpinned[:4]) + (", …" if len(unpinned) > 4 else "")
    count = f"{len(unpinned)} dependenc{'y' if len(unpinned) == 1 else 'ies'}"
    tool = manifest.command.split(" ")[0]
    if manifest.command in _MANIFEST_ADVICE:
        advice = _MANIFEST_ADVICE[manifest.command]
    elif tool in ("conda", "mamba", "micromamba"):
        advice = f"pin each in {manifest.manifest} (`{unpinned[0].name}=X.Y`) or install from a conda-lock file"
    elif manifest.manifest.endswith("pyproject.toml"):  # a package's ranges are its own business: constrain the image
        advice = (
            "install it with a constraints file compiled from it (`uv pip compile pyproject.toml -o constraints.txt`, "
            "then `pip install -c constraints.txt .`), so the image is reproducible while the package keeps its ranges"
        )
    else:
        advice = (
            f"give each a version in {manifest.manifest} (`{unpinned[0].name}~=X.Y`) or install with a constraints "
            "file (`-c constraints.txt`); pip does not read lock files"
        )
    return (
        f"`{manifest.command}` installs {manifest.manifest}, which lists {count} without a version ({names}), so "
        f"each build may get different releases: {advice}"
    )


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
