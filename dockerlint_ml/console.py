"""The ``mllint`` console script (and ``python -m dockerlint_ml``): ``cli.run`` in a process that starts and
ends as fast as it can. Pre-commit starts one process per batch of files, so start-up is a feature:

- the garbage collector is off while ~150 modules are imported (they allocate much and free nothing, so
  collections then only cost time); then what was imported is frozen and the collector runs every 50 000
  allocations instead of 700: a small file triggers none (17 collections, ~2 ms, before), a batch of 122
  real Dockerfiles peaks at 25 MB instead of 20 MB (31 MB with no collector at all);
- the process ends with ``os._exit`` once stdout and stderr are flushed: tearing down every module and object
  at exit costs about 10 ms and does nothing a linter needs (files are written and closed before).
"""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    gc.disable()
    from .cli import run

    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    gc.enable()
    code = run(sys.argv[1:])
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # a reader that went away (`mllint … | head`), or a closed stream
        pass
    os._exit(code)
