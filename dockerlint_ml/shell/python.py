"""The names a python executable goes by, shared by the tool grammar and the rules."""

from __future__ import annotations

import re

#: ``python``, ``python3``, ``python3.11``
PYTHON_NAME = re.compile(r"python(?:\d+(?:\.\d+)?)?")
#: ``python$PYTHON_VERSION``, ``python3.${MINOR}``
PYTHON_WITH_VARIABLE = re.compile(r"python[\d.]*\$.*")
