"""Rules of the serving family."""

from __future__ import annotations

from .base import Rule

RULES: list[type[Rule]] = []
