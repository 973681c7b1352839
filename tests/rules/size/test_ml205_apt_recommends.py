"""ML205 apt-recommends: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from .helpers import lines


def test_ml205_fires_and_accepts_the_flag_forms():
    text = """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y python3-pip \\
            && rm -rf /var/lib/apt/lists/*
        RUN apt-get update && apt-get install -y --no-install-recommends git \\
            && apt-get install -y -o APT::Install-Recommends=false curl \\
            && apt-get install -y -o APT::Install-Recommends=0 wget \\
            && apt-get install -y --option=APT::Install-Recommends=false jq \\
            && apt-get install -y -o APT::Install-Recommends=true less \\
            && rm -rf /var/lib/apt/lists/*
        """
    assert lines(text, "ML205") == [2, 8]


def test_ml205_apt_conf_setting_is_respected():
    text = """
        FROM ubuntu:22.04 AS base
        RUN echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/99-no-recommends
        FROM base
        RUN apt-get update && apt-get install -y curl
        """
    assert lines(text, "ML205") == []
    copied = """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y git
        COPY 99norecommends /etc/apt/apt.conf.d/
        RUN apt-get update && apt-get install -y curl
        """
    assert lines(copied, "ML205") == [2]


def test_ml205_no_packages_and_builder_stage():
    text = """
        FROM ubuntu:22.04 AS build
        RUN apt-get install -y build-essential
        FROM ubuntu:22.04
        RUN apt-get install -f -y
        """
    assert lines(text, "ML205") == []
