"""ML317 download-pipe-unchecked: a download piped into another command in a shell without ``pipefail``.

Reference page: rules/ML317.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...analysis.fetched import STDIN_INTERPRETERS, downloads_to_stdout
from ...images import is_alpine
from ...model import Instruction, Severity, ShellCommand, Stage
from ...roles import DEPLOYED_OR_NOTEBOOK
from ..base import Problem, Rule, RuleContext

# ML317

#: commands that succeed on empty or truncated input: as the last command of the pipe they hide a failed
#: download (`curl … | gpg --dearmor | tee key.gpg` leaves an empty keyring). `tar -x`, `gunzip`, `unzip`,
#: `gpg --dearmor` and `apt-key add -` fail on what a failed download sends, so the build stops anyway.
_TOLERANT_SINKS = frozenset(
    {"tee", "cat", "sed", "awk", "gawk", "mawk", "jq", "sort", "head", "tail", "tr", "cut", "uniq", "base64", "dd"}
)


def _sets_pipefail(words: tuple[str, ...]) -> bool:
    """``-o pipefail`` among a shell's or ``set``'s words (``set -euxo pipefail``, ``bash -o pipefail -c``)."""
    return any(word == "pipefail" and index > 0 and words[index - 1].startswith("-") and words[index - 1].endswith("o")
               for index, word in enumerate(words))  # fmt: skip


def _shell_pipefail(ctx: RuleContext, stage: Stage, instruction: Instruction) -> bool:
    """Whether the ``SHELL`` in effect at ``instruction`` (stage and FROM ancestors) sets pipefail."""
    shell: tuple[str, ...] = ()
    for member in ctx.lineage(stage):
        for candidate in member.body:
            if candidate is instruction:
                return _sets_pipefail(shell)
            if candidate.keyword == "SHELL" and candidate.exec_form is not None:
                shell = candidate.exec_form
    return _sets_pipefail(shell)


def _pipefail_before(instruction: Instruction, command: ShellCommand) -> bool:
    """``set -o pipefail`` earlier in the RUN (or in the ``sh -c`` script), or ``bash -o pipefail -c``."""
    commands = instruction.commands
    index = instruction.position(command) or 0
    for earlier in commands[:index]:
        if earlier.name == "set" and earlier.nested_in == command.nested_in and _sets_pipefail(earlier.argv):
            return True
    parent = command.nested_in
    while parent is not None:
        if _sets_pipefail(commands[parent].argv):
            return True
        parent = commands[parent].nested_in
    return False


def _apt_key_checked_later(stage: Stage, instruction: Instruction, last: ShellCommand) -> bool:
    """``curl … | gpg --dearmor | tee /usr/share/keyrings/x.gpg`` whose key a source line uses (``signed-by=``),
    followed by ``apt-get update`` in this or a later RUN: a failed download leaves an empty keyring, and apt
    refuses the repository ("not signed"). A key nothing uses fails nothing: still reported."""
    keys = [w.text for w in last.words[1:] if w.text.startswith(("/usr/share/keyrings/", "/etc/apt/"))]
    if not keys:
        return False
    after = stage.body[stage.body.index(instruction) :] if instruction in stage.body else []
    commands = [command for later in after if later.keyword == "RUN" for command in later.commands]
    # the key must be used: named by a `signed-by=` source line, or dropped where apt trusts every key
    used = any(key.startswith("/etc/apt/trusted.gpg") for key in keys) or any(
        key in word.text for command in commands for word in command.words for key in keys if command is not last
    )
    return used and any(command.name in ("apt-get", "apt") and "update" in command.argv for command in commands)


class DownloadPipeUnchecked(Rule):
    """``wget -O- … | tar -x``, ``curl … | gunzip`` in a RUN whose shell does not set ``pipefail``: the RUN's
    status is the last command's, so a failed download is noticed only if that command happens to fail on
    what it got. A pipe into a shell or interpreter is ML305's (its fix removes the pipe): not reported here."""

    id = "ML317"
    name = "download-pipe-unchecked"
    severity = Severity.WARNING
    summary = "a download is piped into another command in a shell without pipefail"
    tags = ("security", "correctness")
    roles = DEPLOYED_OR_NOTEBOOK  # not CI, docs or dev tooling images

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for stage in ctx.dockerfile.stages:
            for instruction in stage.body:
                if instruction.keyword != "RUN" or instruction.exec_form is not None:
                    continue
                commands = instruction.commands
                downloads = [c for c in commands if c.pipe_index < c.pipe_length - 1 and downloads_to_stdout(c)]
                if not downloads or _shell_pipefail(ctx, stage, instruction):
                    continue
                for download in downloads:
                    rest = [
                        c for c in commands if c.pipeline == download.pipeline and c.pipe_index > download.pipe_index
                    ]
                    if not rest or any(STDIN_INTERPRETERS.fullmatch(c.name) for c in rest):
                        continue  # `curl … | sh` is ML305's
                    if _pipefail_before(instruction, download):
                        continue
                    last = max(rest, key=lambda c: c.pipe_index)
                    if last.name.rsplit("/", 1)[-1] not in _TOLERANT_SINKS:
                        continue  # the last command fails on a failed download's output: the build stops
                    if _apt_key_checked_later(stage, instruction, last):
                        continue  # an empty keyring makes the next `apt-get update` fail: the build stops there
                    yield self.problem(
                        download.span.cover(last.span),
                        f"`{download.name} … | {last.name}` without `pipefail`: the RUN's status is `{last.name}`'s, "
                        f"and `{last.name}` succeeds on empty input, so a failed download still builds; "
                        + self._advice(ctx, stage),
                    )

    @staticmethod
    def _advice(ctx: RuleContext, stage: Stage) -> str:
        image = ctx.lineage(stage)[0].image
        if is_alpine(image):  # busybox ash has pipefail; alpine has no bash by default
            return "start the RUN with `set -o pipefail &&`"
        # dash (Debian/Ubuntu's /bin/sh) before 0.5.12 rejects `set -o pipefail`: switch the shell to bash
        return 'add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before this RUN'
