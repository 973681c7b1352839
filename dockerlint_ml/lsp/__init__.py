"""``mllint --lsp``: the language server. Only ``mllint --lsp`` imports this package (and pygls with it); the
plain ``mllint FILE`` path never does (tests/test_startup.py)."""

from __future__ import annotations


def serve() -> None:
    """Serve the Language Server Protocol on stdin/stdout until the client exits."""
    from .server import serve as run

    run()
