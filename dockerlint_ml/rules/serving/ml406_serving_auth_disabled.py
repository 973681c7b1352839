"""ML406 serving-auth-disabled: a model server's or notebook server's own authentication is switched off.

Reference page: rules/ML406.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ...analysis.env import last_env_values
from ...lazy_re import lazy
from ...model import Instruction, Severity, ShellCommand, Word
from ...roles import DEPLOYED_OR_NOTEBOOK
from ..base import Problem, Rule, RuleContext
from ._shared import _lineage, startup

# ML406 serving-auth-disabled

#: Jupyter's token options (jupyter_server's ServerApp/IdentityProvider, classic notebook's NotebookApp)
_TOKEN_OPTIONS = ("--ServerApp.token", "--NotebookApp.token", "--IdentityProvider.token")
#: a password login still protects the server when the token is off
_PASSWORD_OPTIONS = (
    "--ServerApp.password",
    "--NotebookApp.password",
    "--PasswordIdentityProvider.hashed_password",
    "--IdentityProvider.hashed_password",
)
#: what traitlets reads as an empty string: nothing, or a pair of quotes kept by the exec form
_EMPTY = frozenset({"", "''", '""'})
#: `c.ServerApp.token = ''` in a Jupyter config file written by a RUN (echo, heredoc)
_CONFIG_TOKEN = lazy(r"c\.(?:ServerApp|NotebookApp|IdentityProvider)\.token\s*=\s*(?:''|\"\")")
#: TorchServe's config.properties key
_TS_CONFIG = lazy(r"(?:(?<![\w.])|(?<=\\n))disable_token_authorization\s*=\s*true\b", re.IGNORECASE)

_TS_ADVICE = (
    "anyone who reaches the management API can register a model, which runs its handler code in the "
    "container: keep token authorization on (clients send the key TorchServe writes to `key_file.json`) "
    "and keep the management port off public networks"
)


def _option_values(argv: Sequence[str], names: tuple[str, ...]) -> list[tuple[int, str]]:
    """(index, value) of each ``--Name=value`` or ``--Name value`` in ``argv``."""
    found = []
    for index, arg in enumerate(argv):
        name, equals, value = arg.partition("=")
        if name not in names:
            continue
        if equals:
            found.append((index, value))
        elif index + 1 < len(argv) and not argv[index + 1].startswith("-"):
            found.append((index, argv[index + 1]))
        elif index + 1 == len(argv) or argv[index + 1].startswith("-"):
            found.append((index, ""))  # `--ServerApp.token ''` after the shell removed the quotes
    return found


def _word_at(at: Instruction | ShellCommand, argv: Sequence[str], index: int) -> Instruction | ShellCommand | Word:
    """The word of ``argv[index]`` when ``at`` is a parsed command, else ``at`` itself."""
    if isinstance(at, ShellCommand) and index < len(at.words) and at.words[index].text == argv[index]:
        return at.words[index]
    return at


class ServingAuthDisabled(Rule):
    """TorchServe's token authorization or Jupyter's token/password is switched off in the image: whoever
    reaches the port runs code in the container."""

    id = "ML406"
    name = "serving-auth-disabled"
    severity = Severity.WARNING
    summary = "a model server's or notebook's own authentication is switched off"
    tags = ("serving", "security")
    #: deployed images and notebooks (a Jupyter image is role `notebook`); a dev container is the developer's own
    roles = DEPLOYED_OR_NOTEBOOK

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        if ctx.final_stage is None:
            return
        lineage = _lineage(ctx)
        env = last_env_values(lineage)
        value = env.get("TS_DISABLE_TOKEN_AUTHORIZATION")
        if value is not None and value[0].strip().lower() == "true":
            yield self.problem(
                value[1],
                f"`TS_DISABLE_TOKEN_AUTHORIZATION=true` switches off TorchServe's token authorization: {_TS_ADVICE}",
            )
        yield from self._startup(ctx)
        for stage in lineage:
            for instruction in stage.of("RUN"):
                yield from self._written_config(instruction)

    def _startup(self, ctx: RuleContext) -> Iterator[Problem]:
        start = startup(ctx)
        seen: set[tuple[int, int]] = set()
        candidates: list[tuple[Instruction | ShellCommand, Sequence[str]]] = list(start.argvs())
        parsed = {at.span.line for at, _ in candidates}
        # an exec form with no parsed command (the array is the argv)
        candidates += [(i, i.exec_form) for i in start.instructions if i.exec_form and i.line not in parsed]
        for at, argv in candidates:
            if "--disable-token-auth" in argv and any(a.rsplit("/", 1)[-1] == "torchserve" for a in argv):
                where = _word_at(at, argv, argv.index("--disable-token-auth"))
                if (where.span.line, 0) not in seen:
                    seen.add((where.span.line, 0))
                    yield self.problem(
                        where,
                        f"`torchserve --disable-token-auth` switches off TorchServe's token authorization: "
                        f"{_TS_ADVICE}",
                    )
            tokens = [(i, v) for i, v in _option_values(argv, _TOKEN_OPTIONS) if v.strip() in _EMPTY]
            if not tokens:
                continue
            passwords = _option_values(argv, _PASSWORD_OPTIONS)
            if any(v.strip() not in _EMPTY for _, v in passwords):
                continue  # a password login still guards the server
            index = tokens[0][0]
            where = _word_at(at, argv, index)
            if (where.span.line, 1) in seen:
                continue  # the ENTRYPOINT + CMD argv repeats the CMD's words
            seen.add((where.span.line, 1))
            option = argv[index].partition("=")[0]
            root = " as root (`--allow-root`)" if "--allow-root" in argv else ""
            also = " (and an empty password)" if passwords else ""
            yield self.problem(
                where,
                f"`{option}=''`{also} switches off Jupyter's authentication: anyone who reaches the port runs code "
                f"in the container{root}; keep the token (pass one at run time: `-e JUPYTER_TOKEN=...` or "
                "`--IdentityProvider.token=${JUPYTER_TOKEN}`) or set a hashed password",
            )

    def _written_config(self, instruction: Instruction) -> Iterator[Problem]:
        """A RUN that writes ``disable_token_authorization=true`` (TorchServe's config.properties) or
        ``c.ServerApp.token = ''`` (a Jupyter config file)."""
        texts: list[tuple[Instruction | Word, str]] = [
            (word, word.text) for command in instruction.commands for word in command.words[1:]
        ]
        texts += [(instruction, heredoc.body) for heredoc in instruction.heredocs]
        for at, text in texts:
            if "token" not in text.lower():
                continue  # both patterns name a token: most RUN words are skipped before any regex
            if _TS_CONFIG.search(text):
                yield self.problem(
                    at, f"the RUN writes `disable_token_authorization=true` into TorchServe's config: {_TS_ADVICE}"
                )
                return
            match = _CONFIG_TOKEN.search(text)
            if match:
                yield self.problem(
                    at,
                    f"the RUN writes an empty Jupyter token (`{match.group(0)}`) into the config: anyone who "
                    "reaches the port runs code in the container; keep the token (pass one at run time with "
                    "`-e JUPYTER_TOKEN=...`) or set a hashed password",
                )
                return
