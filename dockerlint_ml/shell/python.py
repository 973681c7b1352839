"""The names a python executable goes by, shared by the tool grammar and the rules."""

from __future__ import annotations

from ..lazy_re import lazy

#: ``python``, ``python3``, ``python3.11``
PYTHON_NAME = lazy(r"python(?:\d+(?:\.\d+)?)?")
#: ``python$PYTHON_VERSION``, ``python3.${MINOR}``
PYTHON_WITH_VARIABLE = lazy(r"python[\d.]*\$.*")
