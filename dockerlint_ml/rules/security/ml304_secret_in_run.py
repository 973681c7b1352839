"""ML304 secret-in-run: a RUN command line carries a literal credential.

Reference page: rules/ML304.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Severity, ShellCommand, Span, Word
from ..base import Problem, Rule, RuleContext
from ._shared import (
    CREDENTIAL_FILES,
    SECRET_MOUNT_HINT,
    find_credential,
    is_literal_secret_value,
    is_secret_name,
    mask,
    url_password,
)

# ML304


#: Options whose value is a credential in any tool (`--token hf_...`, `--password=...`).
SECRET_OPTIONS = frozenset(
    {
        "--token",
        "--password",
        "--passwd",
        "--api-key",
        "--apikey",
        "--api-token",
        "--auth-token",
        "--access-token",
        "--client-secret",
        "--secret-key",
        "--http-password",
        "--ftp-password",
        "--proxy-password",
    }
)

#: Tools where `-p VALUE` is a password (elsewhere `-p` is a port, a prefix or `mkdir -p`). Read from the words,
#: not the tool grammar: these tools (docker login, twine upload, mysql ...) have no spec in shell/tools.py, and
#: only the one option matters here.
PASSWORD_P_TOOLS = frozenset({"docker", "podman", "buildah", "skopeo", "twine", "helm", "nerdctl", "crane"})

#: `-pVALUE` (attached only) is a password for these.
ATTACHED_P_TOOLS = frozenset({"mysql", "mariadb", "mysqldump", "mysqladmin"})


def _literal(word: Word | None) -> bool:
    """A literal credential value: not a `$VAR` reference, and not empty, a switch, a path or a plain URL."""
    return word is not None and not word.has_expansion and is_literal_secret_value(word.text)


def _option_values(command: ShellCommand) -> Iterator[tuple[str, Word]]:
    """``(option, value word)`` for every ``--opt VALUE`` / ``--opt=VALUE`` of any command.

    Deliberately not the tool grammar (``command.invocation``): ``SECRET_OPTIONS`` are looked for on *every*
    command, including tools with no spec in shell/tools.py (``mycli --api-key KEY``) and options a spec does
    not list as taking a value, so the word after any option counts as its possible value. ``_literal`` then
    keeps only values that look like credentials, which makes the over-reading harmless."""
    words = command.words
    for index, word in enumerate(words[1:], start=1):
        text = word.text
        if not text.startswith("-"):
            continue
        name, equals, value = text.partition("=")
        if equals:
            yield name, Word(value, word.raw, word.span)
        elif index + 1 < len(words):
            yield name, words[index + 1]


class SecretInRun(Rule):
    """A RUN command line that carries a literal credential: URL userinfo with a password, `--token`/
    `--password` with a literal value, `wandb login KEY`, a token in a known format anywhere, or `echo` of a
    literal into a credential file. `$VAR` references are not literals (the ARG they come from is ML302's)."""

    id = "ML304"
    name = "secret-in-run"
    severity = Severity.ERROR
    summary = "a RUN command line carries a literal credential"
    tags = ("security", "secrets")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN"):
            seen: set[Span] = set()  # a wrapped command (`sudo docker login -p ...`) shares its words
            for command in instruction.commands:
                for word, secret, what in self._findings(command):
                    if word.span in seen:
                        continue
                    seen.add(word.span)
                    yield self.problem(
                        word,
                        f"RUN carries {what} (`{mask(secret)}`): the command line is stored in the image history "
                        f"and the Dockerfile; use {SECRET_MOUNT_HINT} and read it from the secret file or env",
                    )

    def _findings(self, command: ShellCommand) -> Iterator[tuple[Word, str, str]]:
        words = command.words
        script = command.script
        for word in words[1:]:
            if word is script and any(c.isspace() for c in word.text):
                continue  # the script of `sh -c '...'`: its own commands are checked, not the string
            found = find_credential(word.text)
            if found is not None:
                yield word, found[1], f"a {found[0]}"
            password = url_password(word.text)
            if password is not None:
                yield word, password, "a URL with a password"
        for name, value in command.assignments:
            found = find_credential(value)
            if (
                found is not None
                or url_password(value) is not None
                or (is_secret_name(name) and is_literal_secret_value(value))
            ):
                # `export NAME=...` has the assignment among its words; `NAME=... cmd` does not
                at = next((w for w in words[1:] if w.raw.startswith(f"{name}=")), None)
                yield at or Word(value, value, command.span), value, f"a credential in `{name}=`"
        for option, value in _option_values(command):
            if option in SECRET_OPTIONS and _literal(value):
                yield value, value.text, f"a literal `{option}`"
        if command.name == "curl" and command.invocation is not None:  # curl's grammar: `-u`/`--user` take a value
            for option in command.invocation.options:
                if option.name in ("-u", "--user") and _literal(option.value):
                    assert option.value is not None
                    _user, colon, password = option.value.text.partition(":")
                    if colon and password:
                        yield option.value, password, "a literal `curl --user user:password`"
        name = command.name
        argv = command.argv
        if name in PASSWORD_P_TOOLS:
            for index, word in enumerate(words[1:-1], start=1):
                if word.text == "-p" and _literal(words[index + 1]):
                    yield words[index + 1], words[index + 1].text, "a literal `-p` password"
        if name in ATTACHED_P_TOOLS:
            for word in words[1:]:
                if word.text.startswith("-p") and len(word.text) > 2 and _literal(word):
                    yield word, word.text[2:], "a literal `-p` password"
        if command.tool == "wandb" and command.subcommand == "login" and command.invocation:
            key = next(iter(command.invocation.positionals), None)
            if _literal(key):
                assert key is not None
                yield key, key.text, "a literal `wandb login` key"
        if (
            name == "aws"
            and argv[1:3] == ("configure", "set")
            and len(words) > 4
            and is_secret_name(argv[3].rsplit(".", 1)[-1])
            and _literal(words[4])
        ):
            yield words[4], words[4].text, f"a literal `{argv[3]}`"
        if command.tool == "poetry" and command.subcommand == "config" and command.invocation:
            positionals = command.invocation.positionals
            key = positionals[0].text if positionals else ""
            position = 2 if key.startswith("http-basic.") else 1 if key.startswith("pypi-token.") else 0
            if position and len(positionals) > position and _literal(positionals[position]):
                yield positionals[position], positionals[position].text, f"a literal `poetry config {key}` credential"
        for index, word in enumerate(words[1:], start=1):  # npm/yarn `//registry/:_authToken=VALUE`
            key, equals, value = word.text.partition("=")
            if key.endswith(("_authToken", "_auth", "_password")):
                if equals and value and "$" not in word.raw:
                    yield word, value, "a literal registry token"
                elif not equals and index + 1 < len(words) and _literal(words[index + 1]):
                    yield words[index + 1], words[index + 1].text, "a literal registry token"
        if name in ("echo", "printf") and command.redirects:
            content = " ".join(w.text for w in words[1:] if not w.text.startswith("-"))
            if not content or any(w.has_expansion for w in words[1:]):
                return
            for redirect in command.redirects:
                if not redirect.operator.startswith(">"):
                    continue
                for pattern, _path, marker in CREDENTIAL_FILES:
                    if pattern.search(redirect.target) and marker in content.lower():
                        yield words[1], content, f"a literal written to `{redirect.target}`"
