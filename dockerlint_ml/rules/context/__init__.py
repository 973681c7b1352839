"""ML8xx: the build context, what ``docker build`` sends, read through ``.dockerignore``.

The rules read ``ctx.build_context`` (the engine's ``BuildContext``: its ignore file and a bounded walk of names
and sizes) and stay silent when there is none or it cannot be read. One module per rule; ``RULES`` is
discovered from them, ordered by ID.
"""

from __future__ import annotations

from ..base import rules_in_package

RULES = rules_in_package(__name__, __path__)
