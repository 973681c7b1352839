"""ML305 pipe-to-shell: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint, rule_lines


def test_ml305_pipes_and_substitutions():
    findings = lint(
        """
        FROM ubuntu:22.04 AS tools
        RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \\
            && curl -fsSL https://astral.sh/uv/install.sh | sh \\
            && rm -rf /var/lib/apt/lists/*
        RUN wget -qO- https://deb.nodesource.com/setup_20.x | sudo -E bash -
        RUN curl -sSL https://install.python-poetry.org | python3 - --version 1.8.3
        RUN sh -c "$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)"
        RUN <<EOF
        curl -LsSf https://example.com/setup.sh | tr -d '\\r' | bash -s -- --yes
        EOF
        RUN sudo curl -fsSL https://example.com/get.sh | sudo sh
        """,
        ["ML305"],
    )
    assert rule_lines(findings, "ML305") == [3, 5, 6, 7, 9, 11]


def test_ml305_near_misses():
    findings = lint(
        """
        FROM python:3.11-slim
        RUN curl -s https://api.github.com/repos/org/repo/releases/latest \\
            | python3 -c "import json,sys; print(json.load(sys.stdin)['tag_name'])"
        RUN curl -fsSL https://example.com/key.gpg | gpg --dearmor -o /usr/share/keyrings/example.gpg
        RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh && sh /tmp/install.sh
        RUN wget https://example.com/install.sh | sh
        RUN curl -fsSL https://example.com/data.json | python -m json.tool
        RUN curl -fsSL https://example.com/model.tar.gz | tar -xz -C /models
        RUN echo "print(1)" | python3
        RUN docker buildx build --secret id=npm,src=/run/npmrc .
        """,
        ["ML305"],
    )
    assert rule_lines(findings, "ML305") == []
