"""ML310 ssh-exposed: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint, rule_lines


def test_ml310_expose_and_install():
    findings = lint(
        """
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04 AS base
        EXPOSE 8000 22/tcp

        FROM base
        RUN apt-get update \\
            && apt-get install -y --no-install-recommends openssh-server=1:8.9p1-3ubuntu0.10 openssh-client \\
            && rm -rf /var/lib/apt/lists/*
        EXPOSE 20-30
        CMD ["python3", "-m", "app"]
        """,
        ["ML310"],
    )
    assert rule_lines(findings, "ML310") == [2]  # one finding per image: the EXPOSE, not the install too


def test_ml310_builder_stage_and_near_misses():
    findings = lint(
        """
        FROM alpine:3.20 AS keys
        RUN apk add --no-cache openssh && ssh-keygen -A
        EXPOSE 22

        FROM python:3.11-slim
        ARG PORT
        RUN apt-get update && apt-get install -y --no-install-recommends openssh-client git \\
            && rm -rf /var/lib/apt/lists/*
        EXPOSE 8000 22/udp $PORT 2222
        """,
        ["ML310"],
    )
    assert rule_lines(findings, "ML310") == []


def test_ml310_alpine_and_yum():
    findings = lint(
        """
        FROM alpine:3.20
        RUN apk add --no-cache dropbear
        CMD ["/app/server"]
        """,
        ["ML310"],
    )
    assert rule_lines(findings, "ML310") == [2]
    findings = lint(
        """
        FROM rockylinux:9
        RUN yum install -y openssh-server && yum clean all
        CMD ["/app/server"]
        """,
        ["ML310"],
    )
    assert rule_lines(findings, "ML310") == [2]
    dev_pod = """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        RUN apt-get update && apt-get install -y --no-install-recommends openssh-server \\
            && rm -rf /var/lib/apt/lists/*
        EXPOSE 22 8888
        CMD ["sleep", "infinity"]
        """
    assert rule_lines(lint(dev_pod, ["ML310"]), "ML310") == []
