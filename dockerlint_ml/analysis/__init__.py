"""Questions several rule families ask, answered once. Between the model/parser and the rules: imports
nothing from ``rules``, the engine or the reporters (tests/test_architecture.py).

* ``urls``: the URLs a download command fetches, host, path segments, redaction, moving segments;
* ``git``: pinned refs, whether a ``git clone`` ends on a fixed commit;
* ``downloads``: model files/directories, and the build-time model download detector.
"""
