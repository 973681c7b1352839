"""ML210 build-tools-in-final-stage: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import textwrap

import pytest

from ...conftest import lint
from .helpers import SERVICE_CMD, lines


def test_ml210_single_stage_toolchain():
    text = """
        FROM python:3.11-slim
        RUN apt-get update \\
            && apt-get install -y --no-install-recommends \\
                # to build psycopg2
                build-essential=12.9 libpq-dev \\
                libgomp1 \\
            && rm -rf /var/lib/apt/lists/*
        """
    assert lines(text, "ML210", service=True) == [3]  # the install command, not the RUN
    message = lint(textwrap.dedent(text) + SERVICE_CMD, ["ML210"])[0].message
    assert "`build-essential=12.9`, `libpq-dev`" in message and "libgomp1" not in message


@pytest.mark.parametrize(
    "install",
    ["apt-get install -y g++-12", "apt-get install -y cmake", "apt-get install -y cuda-toolkit-12-1",
     "apt-get install -y cuda-nvcc-12-1", "apk add --no-cache gcc musl-dev", "dnf install -y gcc-c++",
     "yum install -y python3-devel", "zypper install -y clang", "conda install -y compilers",
     "yum groupinstall -y 'Development Tools'", "apk add --no-cache --virtual .build-deps build-base"],
)  # fmt: skip
def test_ml210_toolchain_forms(install):
    assert lines(f"FROM ubuntu:22.04\nRUN {install}\n", "ML210", service=True) == [2]


@pytest.mark.parametrize(
    "install",
    ["apt-get install -y libpq5 libgomp1", "apt-get install -y devscripts", "apk add --no-cache git make",
     "apt-get install -y $BUILD_DEPS",
     "apk add --no-cache --virtual .build-deps gcc musl-dev && pip install psutil && apk del .build-deps",
     "apt-get install -y gcc && pip install x && apt-get purge -y --auto-remove gcc"],
)  # fmt: skip
def test_ml210_silent_installs(install):
    assert lines(f"FROM ubuntu:22.04\nRUN {install}\n", "ML210", service=True) == []


def test_ml210_an_earlier_stage_does_not_excuse_the_final_one():
    text = """
        FROM python:3.11-slim AS builder
        RUN apt-get update && apt-get install -y build-essential
        RUN pip wheel -w /wheels psycopg2==2.9.9

        FROM python:3.11-slim
        RUN apt-get update && apt-get install -y gcc
        COPY --from=builder /wheels /wheels
        """
    assert lines(text, "ML210", service=True) == [6]  # the builder's toolchain is discarded; the final stage's ships
    throwaway = "FROM ubuntu:22.04 AS b\nRUN echo hi\nFROM ubuntu:22.04\nRUN apt-get install -y build-essential\n"
    assert lines(throwaway, "ML210", service=True) == [4]


def test_ml210_dev_package_for_its_so_symlink_is_needed():
    text = """
        FROM python:3.11-slim
        RUN apt-get update && apt-get install -y libjemalloc-dev \\
            && ln -s /usr/lib/x86_64-linux-gnu/libjemalloc.so /usr/lib/libjemalloc.so
        RUN apt-get install -y libssl-dev && ln -s /usr/lib/libssl.so.3 /opt/libssl.so.3
        """
    assert lines(text, "ML210", service=True) == [4]  # a versioned .so comes from the runtime package, not the -dev one


def test_ml210_compiling_at_run_time_is_needed():
    text = """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y build-essential
        COPY . /src
        CMD ["make", "-C", "/src", "run"]
        """
    assert lines(text, "ML210", service=True) == []


def test_ml210_message_headers_only_and_same_run_build():
    headers = lint("FROM ubuntu:22.04\nRUN apt-get install -y unixodbc-dev\n" + SERVICE_CMD, ["ML210"])[0].message
    assert "development headers" in headers and "compilers" not in headers
    assert "purge them" not in headers
    compilers = lint(
        "FROM python:3.11-slim\nRUN apt-get install -y gcc libpq-dev && pip install --no-cache-dir psycopg2==2.9.9\n"
        + SERVICE_CMD,
        ["ML210"],
    )[0].message
    assert "ships compilers" in compilers and "purge them at the end of this RUN" in compilers


def test_ml210_shipped_base_stage_is_still_single_stage():
    text = """
        FROM python:3.11-slim AS base
        RUN apt-get update && apt-get install -y build-essential
        CMD ["python3", "-m", "app.server"]
        FROM base AS app
        COPY . /app
        """
    assert lines(text, "ML210") == [2]
    # with --target the earlier stages are not a build stage of the target either
    assert lines(text, "ML210", target="base") == [2]
