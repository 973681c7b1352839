"""ML707 unpinned-package-other-installers: detection cases and near-misses."""

from __future__ import annotations

import pytest

from ...conftest import lint, rule_lines

CMD = 'CMD ["python", "app.py"]\n'


def _lines(text: str) -> list[int]:
    return rule_lines(lint(text.rstrip("\n") + "\n" + CMD, ["ML707"]), "ML707")


@pytest.mark.parametrize(
    "run",
    [
        "conda install -c conda-forge -y numpy && conda clean -afy",
        "mamba install -y -c conda-forge pytorch::pytorch",
        "micromamba install -y -n base -c conda-forge numpy",
        "/opt/conda/bin/conda create -n app -y python=3.11 scikit-learn",
        "npm install -g typescript",
        "npm i --global @anthropic-ai/claude-code",
        "npm install -g pnpm@latest",
        "go install golang.org/x/tools/gopls@latest",
        "cargo install ripgrep",
        "cargo install --git https://github.com/org/tool",
        "gem install jekyll",
    ],
)
def test_ml707_fires(run):
    assert _lines(f"FROM continuumio/miniconda3:24.1.2-0\nRUN {run}\n") == [2]


@pytest.mark.parametrize(
    "run",
    [
        "conda install -c conda-forge python=3.11 numpy=1.26",
        'conda install -y "numpy>=1.2" "scipy 1.11.*" pandas==2.2.1 "conda-forge::xgboost=2.0"',
        "conda install --file requirements.txt",
        "micromamba install -y -n base -f env.yaml",
        "conda env create -f environment.yml",
        "conda update -n base conda",
        "conda install -n base -c conda-forge conda-libmamba-solver mamba",
        "conda install $PACKAGES",
        "conda install numpy=$NUMPY_VERSION",
        "npm install",
        "npm install express",
        "npm ci && npm install -g ./tools/cli",
        "npm install -g typescript@5.4.5 @scope/cli@^2.1 npm@10",
        "go install ./cmd/...",
        "go install golang.org/x/tools/gopls@v0.15.0",
        "cargo install --locked --version 0.1.2 x",
        "cargo install ripgrep@14.1.0 && cargo install --path .",
        "gem install rails -v 7.1.3 && gem install rake:13.1.0 && gem install bundler",
    ],
)
def test_ml707_near_misses(run):
    assert _lines(f"FROM continuumio/miniconda3:24.1.2-0\nRUN {run}\n") == []


def test_ml707_one_finding_per_command_listing_every_package():
    findings = lint(
        "FROM node:20-slim\nRUN npm install -g typescript yarn@1.22.19 ts-node && gem install jekyll\n" + CMD,
        ["ML707"],
    )
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 20), (2, 67)]
    assert "`typescript`, `ts-node`" in findings[0].message and "yarn" not in findings[0].message
    assert "`typescript@X.Y.Z`" in findings[0].message


def test_ml707_option_values_are_not_packages():
    findings = lint(
        "FROM continuumio/miniconda3\nRUN conda install -n env -c conda-forge --solver libmamba -p /opt/env numpy\n"
        + CMD,
        ["ML707"],
    )
    assert len(findings) == 1 and "`numpy` is installed" in findings[0].message


def test_ml707_scope_is_ml703s():
    # a dev image, and a builder stage the shipped image neither builds from nor copies
    assert lint("# mllint: role=dev\nFROM node:20\nRUN npm install -g typescript\n", ["ML707"]) == []
    text = """
        FROM golang:1.22 AS unused
        RUN go install github.com/x/y@latest

        FROM python:3.12-slim
        """
    assert _lines(text) == []


def test_ml707_build_tools_are_exempt_like_ml703s_tooling():
    # real-world: TGI's `cargo install cargo-chef --locked`, kserve's `go install .../go-licenses@latest`
    text = """
        FROM rust:1.85 AS chef
        RUN cargo install cargo-chef --locked && go install github.com/google/go-licenses@latest
        RUN go install github.com/golangci/golangci-lint/cmd/golangci-lint@latest

        FROM chef
        """
    assert _lines(text) == []
    assert _lines("FROM golang:1.22\nRUN go install github.com/google/go-licenses/v2@main\n") == []


def test_ml707_advice_fits_dist_tags_and_cargo_git():
    findings = lint(
        "FROM rust:1.79-slim\nRUN npm install -g pm2@latest\n"
        "RUN cargo install --git https://github.com/org/tool tool\nRUN cargo install ripgrep\n"
        "RUN npm install -g pm2@5.4.0 && cargo install --git https://github.com/org/tool --rev 0a1b2c3 tool\n" + CMD,
        ["ML707"],
    )
    assert rule_lines(findings, "ML707") == [2, 3, 4]
    assert "`pm2@X.Y.Z`" in findings[0].message and "latest@" not in findings[0].message
    assert "`latest` dist-tag" in findings[0].message
    assert "--rev" in findings[1].message and "--version" not in findings[1].message
    assert "--version X.Y.Z" in findings[2].message
