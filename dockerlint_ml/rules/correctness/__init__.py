"""ML0xx: Dockerfile correctness.

One module per rule (``mlNNN_<name>.py``); ``RULES`` is discovered from them, ordered by ID. The names
below are re-exported so the old import paths keep working.
"""

from __future__ import annotations

from ..base import rules_in_package
from .ml000_unused_suppression import UnusedSuppression
from .ml001_syntax_error import SyntaxError_
from .ml002_unknown_stage_reference import UnknownStageReference
from .ml003_duplicate_stage_name import DuplicateStageName
from .ml004_overridden_instruction import OverriddenInstruction
from .ml005_relative_workdir import RelativeWorkdir
from .ml006_undefined_variable import BUILTIN_ARGS, EXPANDED, UndefinedVariable

__all__ = [
    "BUILTIN_ARGS",
    "EXPANDED",
    "DuplicateStageName",
    "OverriddenInstruction",
    "RelativeWorkdir",
    "SyntaxError_",
    "UndefinedVariable",
    "UnknownStageReference",
    "UnusedSuppression",
]

RULES = rules_in_package(__name__, __path__)
