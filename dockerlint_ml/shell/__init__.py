"""The shell layer: RUN/CMD/ENTRYPOINT/HEALTHCHECK bodies -> :class:`~dockerlint_ml.model.ShellCommand` s.

* :mod:`.tools`: the per-tool command-line grammar (:class:`ToolSpec`, :func:`tool_of`, :func:`parse_invocation`),
  wrappers (``sudo``, ``env``) and the shells that run an inline script (``sh -c SCRIPT``);
* :mod:`.walk`: the tree-sitter-bash walk (:func:`commands_for`, :func:`parse_script`);
* :mod:`.python`: the names of a python executable.

Rules ask questions (``cmd.tool == "pip"``, ``cmd.has_flag("--no-cache-dir")``, ``cmd.script``) instead of
parsing argv again.
"""

from __future__ import annotations

from .python import PYTHON_NAME, PYTHON_WITH_VARIABLE
from .tools import SHELLS, SPECS, WRAPPERS, ToolSpec, parse_invocation, script_index, tool_of
from .walk import MAX_CONDITIONS, MAX_NESTING, commands_for, parse_script

__all__ = [
    "MAX_CONDITIONS",
    "MAX_NESTING",
    "PYTHON_NAME",
    "PYTHON_WITH_VARIABLE",
    "SHELLS",
    "SPECS",
    "WRAPPERS",
    "ToolSpec",
    "commands_for",
    "parse_invocation",
    "parse_script",
    "script_index",
    "tool_of",
]
