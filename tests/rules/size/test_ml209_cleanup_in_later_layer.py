"""ML209 cleanup-in-later-layer: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import textwrap

import pytest

from ...conftest import lint, linter, rule_lines
from .helpers import lines


def test_ml209_cleanup_only_runs():
    text = """
        FROM python:3.11-slim
        RUN apt-get update && apt-get install -y --no-install-recommends libgomp1
        RUN rm -rf /var/lib/apt/lists/*
        RUN pip install torch==2.3.1
        RUN pip cache purge
        RUN apt-get clean \\
            # and the lists
            && rm -rf /var/lib/apt/lists/* /tmp/* ~/.cache
        RUN <<EOF
        set -e
        rm -rf /root/.cache/pip
        EOF
        """
    assert lines(text, "ML209") == [3, 5, 6, 11]
    messages = [f.message for f in lint(text, ["ML209"])]
    assert "`/var/lib/apt/lists`, which line 2 created (apt-get update)" in messages[0]
    assert "line 4 created (pip install)" in messages[1]


@pytest.mark.parametrize(
    ("create", "run"),
    [("conda install -y numpy=1.26", "conda clean -afy"),
     ("micromamba install -y -n base numpy=1.26", "micromamba clean -a -y"),
     ("yum install -y git", "yum clean all"), ("dnf install -y git", "dnf clean all"),
     ("zypper install -y git", "zypper clean -a"), ("conda install -y numpy=1.26", "rm -rf /opt/conda/pkgs"),
     ("apk add git", "apk cache clean"), ("npm install -g yarn@1.22.22", "npm cache clean --force"),
     ("apt-get install -y curl", "rm -rf /var/cache/apt/archives/*.deb"),
     ("mkdir -p /tmp/build && curl -fsSL -o /tmp/build/src.tgz https://example.com/src.tgz", "sudo rm -rf /tmp/build"),
     ("wget -O /opt/x.jar https://example.com/x.jar", "rm /opt/x.jar"),
     ("cd /opt && curl -LO https://example.com/tool-1.2.tgz", "rm -f /opt/*.tgz"),
     ("wget -q -P /opt https://example.com/tool.jar", "rm /opt/tool.jar")],
)  # fmt: skip
def test_ml209_cleanup_of_what_an_earlier_run_created(create, run):
    assert lines(f"FROM python:3.11-slim\nRUN {create}\nRUN {run}\n", "ML209") == [3]


@pytest.mark.parametrize(
    "run",
    ["conda clean -afy", "yum clean all", "apk cache clean", "npm cache clean --force", "rm -rf /opt/conda/pkgs",
     "rm -rf /var/cache/apt/archives/*.deb", "sudo rm -rf /tmp/build", "rm -rf /var/lib/apt/lists/*",
     "pip cache purge", "rm -rf /root/.cache"],
)  # fmt: skip
def test_ml209_no_evidence_no_finding(run):
    # nothing in the file created what is deleted (the base image may have, or nothing at all)
    assert lines(f"FROM python:3.11-slim\nRUN {run}\n", "ML209") == []


def test_ml209_rosetta_workaround_is_silent():
    # docker-stacks deletes a root-owned dir only Rosetta builds create: nothing in the file creates it
    text = """
        FROM quay.io/jupyter/base-notebook:2024-05-27
        ARG NB_USER=jovyan
        USER root
        RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
        RUN rm -rf "/home/${NB_USER}/.cache/rosetta"
        USER ${NB_USER}
        RUN pip install --no-cache-dir jupyterlab-git==0.50.1
        RUN rm -rf "/home/${NB_USER}/.cache/rosetta"
        """
    assert lines(text, "ML209") == []


def test_ml209_variables_are_expanded_and_the_message_names_the_line():
    text = """
        FROM python:3.11-slim
        ENV STAGE_DIR=/tmp
        RUN git clone https://github.com/deepspeedai/DeepSpeed.git ${STAGE_DIR}/DeepSpeed
        RUN cd ${STAGE_DIR}/DeepSpeed && ./install.sh
        RUN rm -rf ${STAGE_DIR}/DeepSpeed
        """
    findings = lint(text, ["ML209"])
    assert rule_lines(findings, "ML209") == [5]
    assert "`/tmp/DeepSpeed`, which line 3 created (git clone)" in findings[0].message
    assert "delete it at the end of the RUN on line 3" in findings[0].message


def test_ml209_what_the_creating_run_already_removed_is_no_evidence():
    text = """
        FROM python:3.11-slim
        RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
        RUN pip install --no-cache-dir numpy==2.1.0
        RUN wget -O /tmp/x.tgz https://example.com/x.tgz && tar -xzf /tmp/x.tgz -C /opt && rm /tmp/x.tgz
        RUN rm -rf /var/lib/apt/lists/* /root/.cache/pip
        RUN rm -rf /tmp/x.tgz
        RUN rm -rf /tmp/DeepSpeed
        """
    assert lines(text, "ML209") == []


def test_ml209_copy_and_inherited_stage():
    text = """
        FROM python:3.11-slim AS base
        WORKDIR /app
        COPY model.tar.gz ./
        COPY data/ /data/
        FROM base
        RUN rm model.tar.gz
        RUN rm -rf /data/raw
        """
    findings = lint(text, ["ML209"])
    assert rule_lines(findings, "ML209") == [6]
    assert "`/app/model.tar.gz`, which line 3 created (COPY)" in findings[0].message


@pytest.mark.parametrize(
    "run",
    ["apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",  # cleanup in the same RUN
     "rm -rf /app/tests",  # not a cache: may be intentional
     "rm /etc/nginx/conf.d/default.conf",
     "rm -rf $BUILD_DIR",  # unknown
     "bash cleanup.sh && rm -rf /tmp/*",
     "pip install --no-cache-dir numpy==1.26.4 && pip cache purge",
     "--mount=type=cache,target=/root/.cache/pip pip cache purge",
     "echo done"],
)  # fmt: skip
def test_ml209_silent(run):
    assert lines(f"FROM python:3.11-slim\nRUN {run}\n", "ML209") == []


def test_ml209_builder_stage_is_not_shipped():
    text = """
        FROM python:3.11-slim AS build
        RUN pip wheel -w /wheels numpy==1.26.4
        RUN rm -rf /root/.cache
        FROM python:3.11-slim
        COPY --from=build /wheels /wheels
        """
    assert lines(text, "ML209") == []


def _lint_in(directory, text: str) -> list:
    from dockerlint_ml.context import BuildContext

    source = textwrap.dedent(text).lstrip("\n").encode()
    result = linter(["ML209"]).lint_bytes(source, str(directory / "Dockerfile"), BuildContext(directory))
    assert result.error is None
    return result.findings


def test_ml209_a_small_copy_is_not_worth_a_warning(tmp_path):
    """Deleting a few KB of copied sources in a later layer costs those KB: not worth a warning (a reviewer
    judged six such findings noise in multi-GB CUDA images). Large, or of unknown size, it still is."""
    text = """
        FROM python:3.12
        WORKDIR /build
        COPY pkg pkg
        RUN pip install --no-cache-dir ./pkg
        WORKDIR /
        RUN rm -r /build/pkg
        """
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "setup.py").write_text("from setuptools import setup\nsetup()\n")
    assert _lint_in(tmp_path, text) == []
    with open(tmp_path / "pkg" / "weights.bin", "wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: 64 MiB apparent size
    assert [f.span.line for f in _lint_in(tmp_path, text)] == [6]
    assert [f.span.line for f in lint(text, ["ML209"])] == [6]  # no readable context: the size is unknown
