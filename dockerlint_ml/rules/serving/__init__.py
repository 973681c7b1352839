"""ML4xx: runtime and serving.

"Serving image" (RULES.md): the final stage ``EXPOSE``s a port, or its effective CMD/ENTRYPOINT starts a
server. Both are read through the final stage's lineage (a CMD in the stage it is built FROM counts unless
overridden), with Docker's rule that an ENTRYPOINT set in a stage drops a CMD inherited from its parent.

One module per rule (``mlNNN_<name>.py``); ``RULES`` is discovered from them, ordered by ID. The names
below are re-exported so the old import paths keep working.
"""

from __future__ import annotations

from ...runtime import LAUNCHERS, SERVER_COMMANDS, SERVER_MODULES, find_server
from ..base import rules_in_package
from ._shared import TOOL_PACKAGES, Serving, is_serving_image, serving_evidence, startup
from .ml401_missing_healthcheck import MissingHealthcheck
from .ml402_healthcheck_tool_missing import HealthcheckToolMissing, base_http_tools
from .ml403_shell_form_entrypoint import ShellFormEntrypoint
from .ml404_root_local_packages_unreadable import RootLocalPackagesUnreadable
from .ml405_python_unbuffered_missing import PythonUnbufferedMissing

__all__ = [
    "LAUNCHERS",
    "SERVER_COMMANDS",
    "SERVER_MODULES",
    "TOOL_PACKAGES",
    "HealthcheckToolMissing",
    "MissingHealthcheck",
    "PythonUnbufferedMissing",
    "RootLocalPackagesUnreadable",
    "Serving",
    "ShellFormEntrypoint",
    "base_http_tools",
    "find_server",
    "is_serving_image",
    "serving_evidence",
    "startup",
]

RULES = rules_in_package(__name__, __path__)
