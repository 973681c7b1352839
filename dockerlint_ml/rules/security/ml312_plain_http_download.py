"""ML312 plain-http-download: a download or package index over plain ``http://``.

Reference page: rules/ML312.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...analysis.commands import is_python_install
from ...analysis.fetched import command_downloads
from ...analysis.urls import redact, url_host
from ...model import Instruction, Severity, ShellCommand, Word
from ...variables import expand
from ..base import Problem, Rule, RuleContext

# ML312

_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "host.docker.internal"})
#: link-local cloud metadata services (AWS/GCP/Azure 169.254.169.254, ECS 169.254.170.2, EC2 IPv6): HTTP only,
#: reachable only from the host itself, so there is nothing to switch to HTTPS
_METADATA = frozenset({"metadata.google.internal", "metadata", "fd00:ec2::254"})
_INDEX_OPTIONS = frozenset(
    {"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--index", "--default-index"}
)
_INDEX_ENV = frozenset(
    {"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_INDEX",
     "UV_DEFAULT_INDEX"}
)  # fmt: skip


def _plain_http(text: str, scope) -> str | None:  # type: ignore[no-untyped-def]
    """The URL, expanded, when it is ``http://`` to a host other than this machine."""
    url = expand(text, scope)[0].strip()
    for prefix in ("git+", "hg+", "svn+"):
        url = url.removeprefix(prefix)
    if not url.lower().startswith("http://"):
        return None
    host = url_host(url)
    if not host or host in _LOOPBACK or host.endswith(".localhost") or host.startswith("127."):
        return None
    if host.lower() in _METADATA or host.startswith("169.254.") or host.lower().startswith("fe80:"):
        return None  # link-local / cloud metadata
    return url


def _urls(command: ShellCommand) -> Iterator[tuple[Word, str]]:
    """(word, what fetches it) for every URL a command downloads or installs from."""
    for download in command_downloads(command):
        yield download.url, f"`{command.name}`"
    invocation = command.invocation
    if invocation is None:
        return
    if command.tool == "git" and command.subcommand in ("clone", "fetch", "pull", "submodule add", "remote add"):
        for word in invocation.positionals:
            yield word, f"`git {command.subcommand}`"
    if command.tool in ("pip", "uv"):
        for option in invocation.options:
            if option.name in _INDEX_OPTIONS and option.value is not None:
                yield option.value, f"`{command.name} {option.name}` (a package index)"
        if is_python_install(command):
            for word in invocation.positionals:
                yield word, f"`{command.name} install`"
        if command.subcommand in ("config", "config set"):
            for word in invocation.positionals:
                yield word, "`pip config` (a package index)"


class PlainHttpDownload(Rule):
    """``http://`` downloads (curl, wget, ``ADD``, ``git clone``, ``pip install URL``) and package indexes
    (``pip --index-url``/``--extra-index-url``/``--find-links``, ``ENV PIP_INDEX_URL``). Not apt/yum
    repository lines: apt and yum check every package's signature whatever the transport (their
    ``trusted=yes``/``gpgcheck=0`` is ML315's). Loopback hosts are not reported."""

    id = "ML312"
    name = "plain-http-download"
    severity = Severity.WARNING
    summary = "a download or package index over plain http://"
    tags = ("security", "supply-chain")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN", "ADD", "ENV"):
            yield from self._instruction(instruction)

    def _instruction(self, instruction: Instruction) -> Iterator[Problem]:
        scope = instruction.scope
        found: list[tuple[Word, str, str]] = []
        if instruction.keyword == "ADD":
            found.extend((w, "`ADD`", u) for w in instruction.arguments[:-1] if (u := _plain_http(w.text, scope)))
        elif instruction.keyword == "ENV":
            for key, value, word in instruction.pairs():
                if key in _INDEX_ENV and value and (url := _plain_http(value, scope)):
                    found.append((word, f"`{key}` (a package index)", url))
        else:
            seen: set[object] = set()
            for command in instruction.commands:
                for word, what in _urls(command):
                    url = _plain_http(word.text, scope)
                    if url is not None and word.span not in seen:
                        seen.add(word.span)
                        found.append((word, what, url))
        for word, what, url in found:
            yield self.problem(
                word,
                f"{what} fetches `{redact(url)}` over plain http: anyone on the network path can replace what "
                f"the build gets; use `https://` (or check the file's sha256 after the download)",
            )
