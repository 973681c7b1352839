"""Autofix: turn findings into text edits, apply them, re-lint, repeat.

A rule that can repair its findings has a ``fix(dockerfile, finding) -> Fix | None`` method next to its
``check`` (and says how safe that is in ``fix_safety``). The fix finds what the finding points at by its span
(the innermost shell command or instruction containing it, :mod:`.edits`), checks that the text there is what
the model says (so an edit can never land in the wrong place), and returns span replacements. A fix that is
unsure returns None: the finding is then simply not fixable.

* :mod:`.edits` - span lookups and insertion helpers that several rules' fixes share;
* :mod:`.apply` - applying edits to the original text;
* :mod:`.loop` - re-linting to a fixpoint, the unified diff, file I/O.

This package knows nothing of individual rules and imports no rule module.
"""

from __future__ import annotations

from .apply import applicable, apply_fixes
from .edits import command_at, contains, instruction_at, plain_words, stage_at, subcommand_word
from .loop import (
    MAX_ROUNDS,
    FixRun,
    attach_fixes,
    builtin_fixers,
    fix_for,
    fix_paths,
    fix_source,
    fixers_for,
    unified_diff,
    with_fixes,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "MAX_ROUNDS",
    "FixRun",
    "applicable",
    "apply_fixes",
    "attach_fixes",
    "builtin_fixers",
    "command_at",
    "contains",
    "fix_for",
    "fix_paths",
    "fix_source",
    "fixers_for",
    "instruction_at",
    "plain_words",
    "stage_at",
    "subcommand_word",
    "unified_diff",
    "with_fixes",
]


def __getattr__(name: str) -> Any:
    if name == "FIXERS":  # the old registry's name: rule ID -> the built-in rule that fixes it
        return builtin_fixers()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
