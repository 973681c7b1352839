"""ML309 world-writable: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint


def test_ml309_shipped_stages_only():
    findings = lint(
        """
        FROM python:3.11-slim AS builder
        RUN chmod -R 777 /build

        FROM python:3.11-slim
        COPY --chmod=0777 entrypoint.sh /entrypoint.sh
        COPY --chmod=755 run.sh /run.sh
        RUN mkdir -p /app/cache && chmod -R a+rwx /app/cache \\
            && chmod 1777 /tmp && chmod +x /run.sh && chmod $MODE /x
        RUN mkdir -m 777 /data && install -m 0755 tool /usr/local/bin/tool
        """,
        ["ML309"],
    )
    assert [(f.span.line, f.span.column) for f in findings] == [(5, 6), (7, 37), (9, 14)]
