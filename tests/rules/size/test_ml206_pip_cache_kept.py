"""ML206 pip-cache-kept: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import dd, fixed, lint
from .helpers import lines


def test_ml206_basic_forms():
    text = """
        FROM python:3.11-slim
        RUN pip install torch==2.3.1
        RUN pip3 install numpy==1.26.4
        RUN python -m pip install pandas==2.2.2
        RUN python3.11 -m pip install pandas==2.2.2
        RUN pip install --no-cache-dir scipy==1.13.1
        RUN pip3 --no-cache-dir install polars==1.0.0
        """
    assert lines(text, "ML206") == [2, 3, 4, 5]


@pytest.mark.parametrize(
    "run",
    ["pip install --upgrade pip", "python3 -m pip install -U pip setuptools wheel", "pip3 install 'pip>=24' packaging",
     "pip install --upgrade pip && pip install --no-cache-dir torch==2.3.1"],
)  # fmt: skip
def test_ml206_build_tooling_upgrade_is_not_a_cache_worth_a_warning(run):
    assert lines(f"FROM python:3.11-slim\nRUN {run}\n", "ML206") == []


def test_ml206_once_per_run_at_the_first_real_install():
    text = """
        FROM python:3.11-slim
        RUN pip install --upgrade pip && pip install feast==0.40.1 && pip install boto3==1.35.0
        RUN pip install -U pip -r requirements.txt
        """
    findings = lint(text, ["ML206"])
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 34), (3, 5)]


def test_ml206_chain_with_comments_and_continuations():
    text = """
        FROM python:3.11-slim
        RUN apt-get update \\
            # build deps
            && pip install --no-cache-dir -r requirements.txt \\
            && pip install \\
                # the model server
                vllm==0.5.0
        """
    assert lines(text, "ML206") == [5]


def test_ml206_heredoc():
    text = """
        FROM python:3.11-slim
        RUN <<EOF
        set -e
        pip install --no-cache-dir numpy==1.26.4
        pip install transformers==4.41.2
        EOF
        """
    assert lines(text, "ML206") == [5]


@pytest.mark.parametrize("value", ["1", "true", "on", "yes"])
def test_ml206_env_pip_no_cache_dir(value):
    text = f"""
        FROM python:3.11-slim
        ENV PIP_NO_CACHE_DIR={value}
        RUN pip install torch==2.3.1
        """
    assert lines(text, "ML206") == []


def test_ml206_env_set_after_the_install_or_off_does_not_count():
    text = """
        FROM python:3.11-slim
        RUN pip install torch==2.3.1
        ENV PIP_NO_CACHE_DIR=1
        """
    assert lines(text, "ML206") == [2]
    assert lines("FROM python:3.11-slim\nENV PIP_NO_CACHE_DIR=0\nRUN pip install x==1\n", "ML206") == [3]


def test_ml206_env_inherited_from_base_stage():
    text = """
        FROM python:3.11-slim AS base
        ENV PIP_NO_CACHE_DIR=1
        FROM base
        RUN pip install torch==2.3.1
        """
    assert lines(text, "ML206") == []


def test_ml206_cache_mount():
    text = """
        # syntax=docker/dockerfile:1
        FROM python:3.11-slim
        RUN --mount=type=cache,target=/root/.cache/pip pip install torch==2.3.1
        RUN --mount=type=cache,target=/var/cache/apt pip install numpy==1.26.4
        """
    assert lines(text, "ML206") == [4]


def test_ml206_no_cache_abbreviation_counts():
    # pip's option parser accepts the unambiguous prefix `--no-cache` for `--no-cache-dir`
    text = """
        FROM python:3.11-slim
        RUN pip install --no-cache --no-deps /tmp/app-1.0-py3-none-any.whl && rm /tmp/app-1.0-py3-none-any.whl
        RUN python3 -m pip install --no-cache -I numpy==2.1.0
        """
    assert lines(text, "ML206") == []


def test_ml206_cache_removed_later_in_the_same_run():
    text = """
        FROM python:3.11-slim
        RUN pip install --upgrade pip==24.0 && \\
            for wheel in ./dist/*.whl; do pip install "$wheel" --constraint ./dist/constraints.txt; done && \\
            rm -rf /root/.cache/pip
        RUN pip install numpy==2.1.0 && pip cache purge
        RUN pip install pandas==2.2.3 && rm -rf ~/.cache
        RUN pip install scipy==1.14.1 && rm -rf /tmp/build
        RUN rm -rf /root/.cache/pip && pip install click==8.1.7
        """
    assert lines(text, "ML206") == [7, 8]


def test_ml206_builder_stage_not_shipped_and_target():
    text = """
        ARG PY=3.11
        FROM python:${PY}-slim AS builder
        RUN pip install --prefix=/install torch==2.3.1

        FROM python:${PY}-slim AS runtime
        COPY --from=builder /install /usr/local
        RUN pip install --no-cache-dir gunicorn==22.0.0
        """
    assert lines(text, "ML206") == []
    assert lines(text, "ML206", target="builder") == [3]


def test_ml206_fix_pip_no_cache_dir_after_install_word():
    assert fixed("FROM python:3.11-slim\nRUN python3 -m pip -q install torch==2.3.1\n", ["ML206"]) == (
        "FROM python:3.11-slim\nRUN python3 -m pip -q install --no-cache-dir torch==2.3.1\n"
    )


def test_ml206_fix_pip_no_cache_dir_on_every_install_of_the_run():
    # ML206 reports a RUN once; its fix covers each pip install of that RUN
    text = "FROM python:3.11-slim\nRUN pip install -U pip && pip install feast==0.40.1 && pip3 install boto3==1.35.0\n"
    assert fixed(text, ["ML206"]) == (
        "FROM python:3.11-slim\nRUN pip install -U pip && pip install --no-cache-dir feast==0.40.1 "
        "&& pip3 install --no-cache-dir boto3==1.35.0\n"
    )


def test_ml206_fix_heredoc_fix_inside_the_heredoc_only():
    text = """
        FROM python:3.11-slim
        RUN <<EOF
        set -e
        pip install torch==2.3.1
        EOF
        CMD ["python", "app.py"]
    """
    assert fixed(text, ["ML206"]) == dd(text).replace("pip install", "pip install --no-cache-dir")
