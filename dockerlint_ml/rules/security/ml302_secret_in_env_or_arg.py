"""ML302 secret-in-env-or-arg: a credential is set with ENV or ARG.

Reference page: rules/ML302.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...lazy_re import lazy
from ...model import Instruction, Severity
from ..base import Problem, Rule, RuleContext
from ._shared import (
    SECRET_MOUNT_HINT,
    _env_arg_instructions,
    find_credential,
    is_literal_secret_value,
    is_secret_name,
    mask,
    url_password,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any, ClassVar

# ML302


_REFERENCE = lazy(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeio" else "a"


def _copied_credential(value: str | None, instruction: Instruction, extra: tuple[str, ...]) -> str | None:
    """The credential-named ARG/ENV that ``ENV X=$NAME`` copies (declared earlier in scope), or None."""
    for name in _REFERENCE.findall(value or ""):
        if name in instruction.scope and is_secret_name(name, extra):
            return name
    return None


class SecretInEnvOrArg(Rule):
    """A credential in ``ENV``/``ARG``: a credential-looking name with a literal value, or any value in a
    known credential format. ``ARG`` of a credential without a literal default is a warning: the value
    passed with ``--build-arg`` is still recorded in the image history."""

    id = "ML302"
    name = "secret-in-env-or-arg"
    severity = Severity.ERROR
    summary = "a credential is set with ENV or ARG"
    tags = ("security", "secrets")
    options: ClassVar[dict[str, Any]] = {"extra-secret-names": []}

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        extra = tuple(str(p) for p in ctx.options(self).get("extra-secret-names") or ())
        global_args = set(ctx.dockerfile.global_args)
        for instruction in _env_arg_instructions(ctx):
            keyword = instruction.keyword
            for name, value, word in instruction.pairs():
                found = find_credential(value) if value else None
                password = url_password(value) if value else None
                if found is not None:
                    kind, secret = found
                    yield self.problem(
                        word,
                        f"`{keyword} {name}` holds {_article(kind)} {kind} (`{mask(secret)}`): anyone with the image "
                        f"or the Dockerfile can read it; revoke it and pass it at build time with {SECRET_MOUNT_HINT} "
                        "or at run time (`docker run -e`, a mounted secret)",
                    )
                elif password is not None:
                    yield self.problem(
                        word,
                        f"`{keyword} {name}` holds a URL with a password (`{mask(password)}`): pass the credential "
                        f"with {SECRET_MOUNT_HINT} or at run time instead",
                    )
                elif keyword == "ENV" and (copied := _copied_credential(value, instruction, extra)):
                    yield self.problem(
                        word,
                        f"`ENV {name}` copies the credential `{copied}` into the environment: an ENV value is stored "
                        "in the image config (`docker inspect` shows it) and every container inherits it; read it "
                        f"only in the RUN that needs it with {SECRET_MOUNT_HINT}, e.g. "
                        f"`RUN --mount=type=secret,id={copied.lower()},env={copied} ...`",
                    )
                elif not is_secret_name(name, extra):
                    continue
                elif is_literal_secret_value(value):
                    assert value is not None
                    yield self.problem(
                        word,
                        f"`{keyword} {name}` sets a credential to a literal value (`{mask(value)}`): it is stored in "
                        f"the image and the Dockerfile; pass it with {SECRET_MOUNT_HINT} or at run time "
                        "(`docker run -e`, a mounted secret)",
                    )
                elif (
                    keyword == "ARG"
                    and (value is None or not value.strip() or "$" in value)
                    and not (instruction.stage_index is not None and name in global_args)
                ):
                    yield self.problem(
                        word,
                        f"`ARG {name}` receives a credential with `--build-arg`, which is recorded in the image "
                        f"history (`docker history`): use {SECRET_MOUNT_HINT}, e.g. "
                        f"`RUN --mount=type=secret,id={name.lower()},env={name} ...`",
                        severity=Severity.WARNING,
                    )
