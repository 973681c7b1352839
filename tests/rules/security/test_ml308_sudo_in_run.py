"""ML308 sudo-in-run: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint


def test_ml308():
    findings = lint(
        """
        FROM ubuntu:22.04 AS builder
        USER 1000
        RUN sudo apt-get update \\
            # comment between continuation lines
            && sudo apt-get install -y --no-install-recommends build-essential
        FROM builder
        RUN echo "sudo is mentioned" && apt-get install -y sudo-foo || true
        RUN <<EOF
        sudo -u app python -c "print(1)"
        EOF
        FROM ubuntu:22.04
        RUN sudo apt-get update
        """,
        ["ML308"],
    )
    # one finding per RUN; a sudo while the build still runs as root (the last stage) is a no-op
    assert [(f.span.line, f.span.column) for f in findings] == [(3, 5), (9, 1)]
