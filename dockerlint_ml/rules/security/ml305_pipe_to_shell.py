"""ML305 pipe-to-shell: a download is piped into a shell or interpreter.

Reference page: rules/ML305.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...analysis.fetched import STDIN_INTERPRETERS, downloads_to_stdout
from ...model import Severity, ShellCommand, Span, Word
from ..base import Problem, Rule, RuleContext

# ML305


INTERPRETERS = STDIN_INTERPRETERS


def _inline_letters(name: str) -> str:
    """Option letters that give an interpreter its program inline, so stdin is data, not code."""
    if name.startswith("python"):
        return "cm"  # `| python3 -c "import json,sys; ..."`, `| python -m json.tool`
    if name in ("perl", "ruby"):
        return "eE"
    if name == "node":
        return "ep"
    if name == "php":
        return "r"
    return "c"  # shells


def _runs_stdin(command: ShellCommand) -> bool:
    """Whether an interpreter reads its program from stdin (`sh`, `bash -s -- args`, `python3 -`)."""
    if not INTERPRETERS.fullmatch(command.name):
        return False
    inline = _inline_letters(command.name)
    for word in command.words[1:]:
        text = word.text
        if text in ("-", "-s", "/dev/stdin"):
            return True
        if text in ("--eval", "--print", "--command"):
            return False
        if text.startswith("--"):
            continue
        if text.startswith("-"):
            if any(letter in inline for letter in text[1:]):
                return False
            if "s" in text[1:] and command.name.endswith("sh"):
                return True
            continue
        return False  # a script file: stdin is its input
    return True


def _inside(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (inner.end_line, inner.end_column) <= (
        outer.end_line,
        outer.end_column,
    )


def _substitutes_download(word: Word, downloads: list[ShellCommand]) -> bool:
    """``"$(curl …)"`` / ``<(curl …)``: the word is a substitution that runs a download to stdout."""
    return word.raw.lstrip("\"'").startswith(("$(", "<(")) and any(_inside(d.span, word.span) for d in downloads)


#: Installers with a pinned, verifiable alternative: URL fragment -> advice.
_PINNED_INSTALLERS = (
    ("astral.sh/uv", "copy a pinned uv from its image instead: "
     "`COPY --from=ghcr.io/astral-sh/uv:<version> /uv /uvx /bin/`"),
    ("astral.sh/ruff", "copy a pinned ruff from its image: `COPY --from=ghcr.io/astral-sh/ruff:<version> /ruff /bin/`"),
    ("sh.rustup.rs", "download `rustup-init` for your target from static.rust-lang.org, check it against its "
     "published `.sha256`, and run it with `--default-toolchain <version>`"),
    ("install.python-poetry.org", "install a pinned Poetry with pip instead "
     "(`pip install --no-cache-dir poetry==<version>`)"),
    ("get.docker.com", "install Docker from its apt repository with the signed key instead"),
    ("deb.nodesource.com", "use a pinned `node:<version>` stage (`COPY --from=node:<version>-slim ...`) "
     "or the signed apt repository"),
)  # fmt: skip


def _pinned_alternative(download: ShellCommand) -> str:
    urls = " ".join(word.text for word in download.words[1:])
    for fragment, advice in _PINNED_INSTALLERS:
        if fragment in urls:
            return advice
    return "download to a file, check its sha256 (or signature), then run it"


class PipeToShell(Rule):
    """A download executed unseen: `curl … | sh`, `wget -O- … | bash`, `| python`, or `sh -c "$(curl …)"` /
    `bash <(curl …)`. `curl … | python -c "…json…"` (stdin is data) is not reported."""

    id = "ML305"
    name = "pipe-to-shell"
    severity = Severity.WARNING
    summary = "a download is piped into a shell or interpreter"
    tags = ("security", "supply-chain")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN"):
            commands = instruction.commands
            pipelines: dict[int, list[ShellCommand]] = {}  # by pipeline id: linear for a RUN of 50 000 commands
            for command in commands:
                pipelines.setdefault(command.pipeline, []).append(command)
            for download in commands:
                if not downloads_to_stdout(download):
                    continue
                runner = next(
                    (c for c in pipelines[download.pipeline] if c.pipe_index > download.pipe_index and _runs_stdin(c)),
                    None,
                )
                if runner is not None:
                    yield self.problem(
                        download.span.cover(runner.span),
                        f"`{download.name} … | {runner.name}` runs whatever the server returns, unverified: "
                        + _pinned_alternative(download),
                    )
            downloads = [c for c in commands if downloads_to_stdout(c)]
            for command in commands if downloads else ():
                if INTERPRETERS.fullmatch(command.name) and any(
                    _substitutes_download(w, downloads) for w in command.words[1:]
                ):
                    yield self.problem(
                        command,
                        f"`{command.name}` runs a script straight from a download, unverified: download to a file, "
                        "check its sha256 (or signature), then run it",
                    )
