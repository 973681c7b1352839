"""ML316 known-password-set: detection and near-misses."""

from __future__ import annotations

from ...conftest import lint, rule_lines


def test_ml316_fires():
    findings = lint(
        """
        FROM ubuntu:22.04
        RUN echo 'root:root' | chpasswd
        RUN echo 'app:$6$abc$def' | chpasswd -e
        RUN echo secret | passwd --stdin app
        RUN usermod -p '$6$xyz' app
        ARG PW=hunter2
        RUN echo "app:${PW}" | chpasswd
        """,
        ["ML316"],
    )
    assert rule_lines(findings, "ML316") == [2, 3, 4, 5, 7]
    assert "`root`" in findings[0].message and "passwd -l" in findings[0].message


def test_ml316_near_misses():
    findings = lint(
        """
        FROM ubuntu:22.04
        RUN --mount=type=secret,id=pw echo "app:$(cat /run/secrets/pw)" | chpasswd
        RUN passwd -d app
        ARG PW2
        RUN echo "app:${PW2}" | chpasswd
        RUN useradd -m -p '!' app2
        RUN usermod -aG sudo app
        """,
        ["ML316"],
    )
    assert rule_lines(findings, "ML316") == []
