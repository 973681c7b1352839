"""ML315 unsigned-packages-allowed: detection and near-misses."""

from __future__ import annotations

from ...conftest import lint, rule_lines


def test_ml315_fires():
    findings = lint(
        """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y --allow-unauthenticated foo
        RUN apt-get install -y --force-yes foo
        RUN echo "deb [trusted=yes] http://repo.x/ubuntu jammy main" > /etc/apt/sources.list.d/x.list
        RUN apk add --allow-untrusted /tmp/x.apk
        RUN yum install -y --nogpgcheck foo
        RUN dnf install -y --setopt=gpgcheck=0 foo
        RUN printf '[x]\\nbaseurl=https://x\\ngpgcheck=0\\n' > /etc/yum.repos.d/x.repo
        RUN rpm -ivh --nosignature x.rpm
        RUN dnf config-manager --setopt=sslverify=false --save
        RUN apt-get -o APT::Get::AllowUnauthenticated=true install foo
        RUN sudo apt-get install -y --allow-unauthenticated foo
        """,
        ["ML315"],
    )
    assert rule_lines(findings, "ML315") == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert "TLS" in findings[8].message and "signature is not checked" in findings[0].message


def test_ml315_near_misses():
    findings = lint(
        """
        FROM ubuntu:22.04
        RUN echo "deb [signed-by=/usr/share/keyrings/x.gpg] https://repo.x/ubuntu jammy main" > /etc/apt/x.list
        RUN printf '[x]\\nbaseurl=https://x\\ngpgcheck=1\\n' > /etc/yum.repos.d/x.repo
        RUN apt-get install -y --no-install-recommends foo
        RUN rpm -K x.rpm && rpm -ivh x.rpm
        RUN echo "trusted=yes is bad" > /tmp/notes
        """,
        ["ML315"],
    )
    assert rule_lines(findings, "ML315") == []


def test_ml315_sed_and_apt_conf():
    findings = lint(
        """
        FROM centos:7
        RUN sed -i 's/gpgcheck=1/gpgcheck=0/' /etc/yum.conf && yum install -y cuda && yum clean all
        RUN sed -i -e 's|^gpgcheck=1|gpgcheck=0|' /etc/dnf/dnf.conf /etc/yum.repos.d/cuda.repo
        RUN echo 'APT::Get::AllowUnauthenticated "true";' > /etc/apt/apt.conf.d/99unauth
        """,
        ["ML315"],
    )
    assert rule_lines(findings, "ML315") == [2, 3, 4]
    assert "gpgcheck=0" in findings[0].message and "AllowUnauthenticated" in findings[2].message


def test_ml315_sed_apt_conf_near_misses():
    findings = lint(
        """
        FROM ubuntu:22.04
        RUN sed -i 's/gpgcheck=0/gpgcheck=1/' /etc/yum.conf
        RUN echo 'APT::Get::AllowUnauthenticated "false";' > /etc/apt/apt.conf.d/99auth
        RUN apt-get update && apt-get install -y --allow-unauthenticated=false --no-install-recommends curl \\
            && rm -rf /var/lib/apt/lists/*
        """,
        ["ML315"],
    )
    assert rule_lines(findings, "ML315") == []
