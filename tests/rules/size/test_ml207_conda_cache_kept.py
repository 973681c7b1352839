"""ML207 conda-cache-kept: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import dd, fixed
from .helpers import lines


@pytest.mark.parametrize(
    "clean",
    ["conda clean -a -y", "conda clean -afy", "conda clean --all --yes", "conda clean -tipsy",
     "rm -rf /opt/conda/pkgs/*", "conda clean -ya"],
)  # fmt: skip
def test_ml207_clean_forms(clean):
    text = f"FROM continuumio/miniconda3:24.4.0-0\nRUN conda install -y numpy=1.26 && {clean}\n"
    assert lines(text, "ML207") == []


def test_ml207_fires_for_each_tool_and_subcommand():
    text = """
        FROM mambaorg/micromamba:1.5.8
        RUN micromamba install -y -n base -f /tmp/env.yaml
        RUN micromamba install -y -n base python=3.11 && micromamba clean -a -y
        RUN mamba env create -f environment.yml
        RUN mamba create -n app python=3.11 && mamba clean -a -y
        RUN conda update -n base -y conda \\
            # not a cleanup of the pkgs cache
            && conda clean --index-cache
        """
    assert lines(text, "ML207") == [2, 4, 6]


def test_ml207_clean_must_come_after_the_install():
    text = "FROM continuumio/miniconda3:24.4.0-0\nRUN conda clean -afy && conda install -y numpy=1.26\n"
    assert lines(text, "ML207") == [2]


@pytest.mark.parametrize("target", ["/opt/conda/pkgs", "/root/.cache/mamba", "/home/mambauser/.cache/mamba"])
def test_ml207_cache_mount_counts_as_clean(target):
    text = f"FROM mambaorg/micromamba:1.5.8\nRUN --mount=type=cache,target={target} micromamba install -y numpy\n"
    assert lines(text, "ML207") == []


def test_ml207_builder_stage_and_heredoc():
    text = """
        FROM continuumio/miniconda3:24.4.0-0 AS build
        RUN conda create -p /env -y python=3.11
        FROM debian:bookworm-slim
        COPY --from=build /env /env
        """
    assert lines(text, "ML207") == []
    heredoc = """
        FROM continuumio/miniconda3:24.4.0-0
        RUN <<EOF
        conda install -y numpy=1.26
        conda clean -afy
        EOF
        """
    assert lines(heredoc, "ML207") == []


def test_ml207_fix_conda_clean_uses_the_tool_as_written():
    text = """
        FROM continuumio/miniconda3:24.1.2-0
        RUN /opt/conda/bin/conda install -y numpy=1.26 \\
            && /opt/conda/bin/conda env update -f env.yml
        RUN micromamba install -y -n base pandas=2.2
        RUN mamba create -y -n ml python=3.11
    """
    assert fixed(text, ["ML207"]) == dd(
        """
        FROM continuumio/miniconda3:24.1.2-0
        RUN /opt/conda/bin/conda install -y numpy=1.26 \\
            && /opt/conda/bin/conda env update -f env.yml && /opt/conda/bin/conda clean -afy
        RUN micromamba install -y -n base pandas=2.2 && micromamba clean --all --yes
        RUN mamba create -y -n ml python=3.11 && mamba clean -afy
        """
    )
