"""ML904 package-index-not-allowed: pip/uv/conda installs from an index or channel the policy does not allow.

Reference page: rules/ML904.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...analysis.commands import CONDA_TOOLS
from ...analysis.policy import channel_allowed, url_allowed
from ...model import Instruction, Severity, ShellCommand, Stage, Word
from ...variables import expand_word
from ..base import Problem, Rule, RuleContext

#: pip/uv options naming a package index (``--index`` is uv's ``[name=]URL``); find-links count when a URL
INDEX_OPTIONS = frozenset({"-i", "--index-url", "--default-index"})
EXTRA_OPTIONS = frozenset({"--extra-index-url", "--index"})
LINK_OPTIONS = frozenset({"-f", "--find-links"})
#: environment variables pip and uv read an index from (set by ENV, ARG or `VAR=... pip install`)
INDEX_VARIABLES = frozenset({"PIP_INDEX_URL", "UV_INDEX_URL", "UV_DEFAULT_INDEX", "PIP_FIND_LINKS", "UV_FIND_LINKS"})
EXTRA_VARIABLES = frozenset({"PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_INDEX"})
#: `pip config set KEY URL` keys (any scope: global., install., download.)
CONFIG_KEYS = ("index-url", "extra-index-url", "find-links")


def _url_of(value: str) -> str:
    """uv's ``name=https://...`` index spelling -> the URL."""
    name, equals, rest = value.partition("=")
    return rest if equals and "://" not in name else value


def _is_url(value: str) -> bool:
    return "://" in value


def _expanded(word: Word, instruction: Instruction) -> str | None:
    return expand_word(word.text, instruction.scope) if word.has_expansion else word.text


class PackageIndexNotAllowed(Rule):
    """Explicit package sources only: ``--index-url``/``--extra-index-url``/``-i``/``--find-links`` URLs of pip
    and uv (also uv's ``--index``/``--default-index``), the ``PIP_*``/``UV_*`` index variables set by ENV, ARG or
    on the command, ``pip config set global.index-url``, the option lines of a requirements file the build
    context holds, and conda's ``-c``/``--channel``, ``channel::package`` and ``conda config --add channels``.
    An install that names no index uses whatever the base image configures: not judged. Values with an
    unknown variable are left alone."""

    id = "ML904"
    name = "package-index-not-allowed"
    severity = Severity.ERROR
    summary = "pip/uv/conda install from an index or channel not in the policy's `allowed-indexes`/`allowed-channels`"
    tags = ("policy", "supply-chain", "security")
    policy_keys = ("allowed-indexes", "allowed-channels")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        policy = ctx.policy
        if policy is None:
            return
        indexes = policy.configured("allowed-indexes")
        channels = policy.configured("allowed-channels")
        for stage in ctx.dockerfile.stages:
            for instruction in stage.body:
                if indexes and instruction.keyword in ("ENV", "ARG"):
                    yield from self._variables(ctx, instruction)
                if instruction.keyword != "RUN":
                    continue
                for command in instruction.commands:
                    if command.invocation is None:
                        continue
                    if indexes and command.tool in ("pip", "uv"):
                        yield from self._python(ctx, stage, instruction, command)
                    elif channels and command.tool in CONDA_TOOLS:
                        yield from self._conda(ctx, instruction, command)

    # --- pip / uv ---------------------------------------------------------------------------------------

    def _index(self, ctx: RuleContext, at: object, url: str, extra: bool, how: str) -> Iterator[Problem]:
        policy = ctx.policy
        url = _url_of(url)
        if not _is_url(url) or url_allowed(url, policy.allowed_indexes):
            return
        risk = (
            ": an extra index is searched together with the default one, so a package name registered there by "
            "anyone can win (dependency confusion)"
            if extra
            else ""
        )
        allowed = ", ".join(f"`{p}`" for p in policy.allowed_indexes[:3]) or "none allowed"
        yield self.problem(
            at,
            f"index `{url}` ({how}) is not in `allowed-indexes` {policy.where('allowed-indexes')}{risk}; "
            f"install from an allowed index ({allowed})",
            policy_key="allowed-indexes",
        )

    def _variables(self, ctx: RuleContext, instruction: Instruction) -> Iterator[Problem]:
        for name, value, word in instruction.pairs():
            if name not in INDEX_VARIABLES | EXTRA_VARIABLES or not value:
                continue
            expanded = expand_word(value, instruction.scope) if "$" in value else value
            for url in (expanded or "").split():
                yield from self._index(ctx, word, url, name in EXTRA_VARIABLES, f"{instruction.keyword} {name}")

    def _python(
        self, ctx: RuleContext, stage: Stage, instruction: Instruction, command: ShellCommand
    ) -> Iterator[Problem]:
        invocation = command.invocation
        assert invocation is not None
        tool = command.tool
        for option in invocation.options:
            if option.value is None or option.name not in INDEX_OPTIONS | EXTRA_OPTIONS | LINK_OPTIONS:
                continue
            value = _expanded(option.value, instruction)
            if value is not None:
                how = f"{tool} {option.name}"
                yield from self._index(ctx, option, value, option.name in EXTRA_OPTIONS, how)
        for name, value in command.assignments:
            if name in INDEX_VARIABLES | EXTRA_VARIABLES:
                for url in (expand_word(value, instruction.scope) or "").split():
                    yield from self._index(ctx, command, url, name in EXTRA_VARIABLES, f"{name}=")
        positionals = invocation.positionals
        if tool == "pip" and (command.subcommand or "").startswith("config") and len(positionals) >= 2:
            key = positionals[0].text
            if key.rsplit(".", 1)[-1] in CONFIG_KEYS:
                value = _expanded(positionals[1], instruction)
                if value is not None:
                    how = f"pip config set {key}"
                    yield from self._index(ctx, positionals[1], value, key.endswith("extra-index-url"), how)
        yield from self._requirements(ctx, stage, instruction, command)

    def _requirements(
        self, ctx: RuleContext, stage: Stage, instruction: Instruction, command: ShellCommand
    ) -> Iterator[Problem]:
        """The index options of the requirements files the build context holds (``-r requirements.txt``, nested
        ones included), reported on the command's ``-r`` value that reads them."""
        from ...analysis.requirements_files import requirements_files

        walk = requirements_files(ctx.lineage(stage), instruction, command, ctx.build_context)
        for file in walk.files if walk is not None else ():
            for option, value in file.options(*INDEX_OPTIONS, *EXTRA_OPTIONS, *LINK_OPTIONS):
                yield from self._index(ctx, file.at, value, option in EXTRA_OPTIONS, f"{option} in {file.path}")

    # --- conda -------------------------------------------------------------------------------------------

    def _conda(self, ctx: RuleContext, instruction: Instruction, command: ShellCommand) -> Iterator[Problem]:
        invocation = command.invocation
        assert invocation is not None
        found: list[tuple[object, str, str]] = []
        for option in invocation.options:
            if option.name in ("-c", "--channel") and option.value is not None:
                found.append((option, _expanded(option.value, instruction) or "", f"{command.name} {option.name}"))
        subcommand = command.subcommand or ""
        adds_channels = subcommand == "config" and any(
            option.name in ("--add", "--append", "--prepend") and option.value and option.value.text == "channels"
            for option in invocation.options
        )
        for word in invocation.positionals:
            value = _expanded(word, instruction) or ""
            if adds_channels:
                found.append((word, value, f"{command.name} config"))
            elif "::" in value:
                found.append((word, value.split("::", 1)[0], value))
        policy = ctx.policy
        for at, channel, how in found:
            if not channel or "$" in channel or channel_allowed(channel, policy.allowed_channels):
                continue
            allowed = ", ".join(f"`{p}`" for p in policy.allowed_channels[:3]) or "none allowed"
            yield self.problem(
                at,
                f"channel `{channel}` ({how}) is not in `allowed-channels` {policy.where('allowed-channels')}: "
                f"install from an allowed channel ({allowed}) and add `--override-channels` so no other is searched",
                policy_key="allowed-channels",
            )
