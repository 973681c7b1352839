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


def test_ml316_heredoc_and_hashed_literals():
    findings = lint(
        """
        # syntax=docker/dockerfile:1.7
        FROM ubuntu:22.04
        RUN useradd -m jovyan && chpasswd <<EOF
        jovyan:jupyter
        root:root
        EOF
        RUN useradd -m -p "$(openssl passwd -1 trainme)" trainer
        RUN usermod -p "$(openssl passwd -6 -salt ab x)" u
        """,
        ["ML316"],
    )
    assert rule_lines(findings, "ML316") == [3, 7, 8]
    assert "`jovyan`, `root`" in findings[0].message


def test_ml316_heredoc_and_hash_near_misses():
    findings = lint(
        """
        # syntax=docker/dockerfile:1.7
        FROM ubuntu:22.04
        ARG PW
        RUN --mount=type=secret,id=pw chpasswd <<EOF
        app:$(cat /run/secrets/pw)
        EOF
        RUN chpasswd <<EOF
        app:${PW}
        EOF
        RUN --mount=type=secret,id=pw useradd -m -p "$(openssl passwd -6 -in /run/secrets/pw)" app2
        RUN --mount=type=secret,id=pw usermod -p "$(cat /run/secrets/pw)" app3
        RUN cat <<EOF > /etc/motd
        root:root
        EOF
        """,
        ["ML316"],
    )
    assert rule_lines(findings, "ML316") == []
