"""Docker's variable substitution (``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR:+alt}``) over an
ARG/ENV scope, and the variables a text uses."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .lazy_re import lazy

_VARIABLE = lazy(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


def expand(text: str, scope: Mapping[str, str | None]) -> tuple[str, bool]:
    """Docker's variable substitution. Returns the expanded text and whether every variable was known."""
    if "$" not in text:
        return text, True
    resolved = True

    def substitute(match: re.Match[str]) -> str:
        nonlocal resolved
        name = match.group(1) or match.group(4)
        operator, word = match.group(2), match.group(3) or ""
        known = name in scope and scope[name] is not None
        value = scope.get(name) or ""
        if operator in (":-", "-"):
            if known and (value or operator == "-"):
                return value
            return expand(word, scope)[0]
        if operator in (":+", "+"):
            if not known:
                resolved = False if name not in scope else resolved
                return ""
            return word if (value or operator == "+") else ""
        if not known:
            resolved = False
            return match.group(0)
        return value

    return _VARIABLE.sub(substitute, text), resolved


def expand_word(text: str, scope: Mapping[str, str | None]) -> str | None:
    """``text`` expanded, or None when a variable is unknown."""
    expanded, resolved = expand(text, scope)
    return expanded if resolved else None


def variables_used(text: str) -> list[tuple[str, int, bool]]:
    """Each ``$VAR``/``${VAR...}`` in text: name, offset, and whether it carries a default (``${V:-x}``)."""
    return [
        (match.group(1) or match.group(4), match.start(), match.group(2) is not None)
        for match in _VARIABLE.finditer(text)
    ]
