"""ML9xx: organisation policy. Off until a config's ``policy`` table sets one of a rule's ``policy_keys``
(the engine skips them otherwise, see ``settings.policy_configured``); they read ``ctx.policy``
(``analysis.policy.Policy``) and every message names the policy file and key that was broken. One module per
rule; ``RULES`` is discovered from them, ordered by ID.
"""

from __future__ import annotations

from ..base import rules_in_package

RULES = rules_in_package(__name__, __path__)
