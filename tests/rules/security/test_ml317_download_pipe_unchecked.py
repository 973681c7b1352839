"""ML317 download-pipe-unchecked: detection and near-misses."""

from __future__ import annotations

from ...conftest import lint, rule_lines


def test_ml317_fires():
    findings = lint(
        """
        FROM ubuntu:22.04
        RUN curl -fsSL https://x.org/key.asc | gpg --dearmor | tee /usr/share/keyrings/x.gpg > /dev/null
        RUN curl -fsSL https://x.org/config.yaml | sed 's/a/b/' > /etc/app.yaml
        RUN set -e; wget -qO- https://x.org/versions.json | jq -r .latest > /opt/version
        FROM alpine:3.19
        RUN wget -qO- https://x.org/labels.txt | tee /opt/labels.txt
        """,
        ["ML317"],
    )
    assert rule_lines(findings, "ML317") == [2, 3, 4, 6]
    assert 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]' in findings[0].message
    assert "`tee` succeeds on empty input" in findings[0].message
    assert "set -o pipefail &&" in findings[-1].message  # alpine: busybox ash


def test_ml317_is_silent_when_the_last_command_fails_on_a_failed_download():
    """`tar -x`, `gunzip`, `gpg --dearmor` and `apt-key add -` exit non-zero on empty or truncated input."""
    findings = lint(
        """
        FROM ubuntu:22.04
        RUN wget -qO- https://x.org/a.tar | tar -x -C /models
        RUN curl -fsSL https://x.org/a.gz | gunzip > /opt/a
        RUN curl -fsSL https://x.org/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg
        RUN wget -qO- https://x.org/key.asc | apt-key add -
        """,
        ["ML317"],
    )
    assert rule_lines(findings, "ML317") == []


def test_ml317_near_misses():
    findings = lint(
        """
        FROM ubuntu:22.04 AS a
        RUN set -euxo pipefail; wget -qO- https://x.org/a.tgz | tar -xz -C /opt
        RUN set -o pipefail && curl -fsSL https://x.org/a.gz | gunzip > /opt/a
        RUN curl -fsSL https://x.org/i.sh | bash
        RUN bash -o pipefail -c "curl -fsSL https://x.org/a.tgz | tar -xz"
        RUN curl -fsSL -o /tmp/a.tgz https://x.org/a.tgz && tar -xzf /tmp/a.tgz | cat
        RUN wget -q https://x.org/a.tgz | cat
        SHELL ["/bin/bash", "-o", "pipefail", "-c"]
        RUN wget -qO- https://x.org/a.tgz | tar -xz -C /opt
        FROM a
        RUN curl -fsSL https://x.org/a.gz | gunzip > /opt/b
        """,
        ["ML317"],
    )
    assert rule_lines(findings, "ML317") == []


def test_ml317_is_silent_when_apt_update_checks_the_keyring_later():
    """An empty keyring written by `tee` makes the next `apt-get update` refuse the repository: the build stops."""
    findings = lint(
        """
        FROM ubuntu:22.04
        RUN wget -qO- https://x.org/key.asc | gpg --dearmor | tee /usr/share/keyrings/x.gpg > /dev/null
        RUN echo "deb [signed-by=/usr/share/keyrings/x.gpg] https://x.org/apt stable main" > /etc/apt/sources.list.d/x
        RUN apt-get update && apt-get install -y --no-install-recommends x-runtime
        """,
        ["ML317"],
    )
    assert rule_lines(findings, "ML317") == []


def test_ml317_fires_when_nothing_uses_the_key_it_writes():
    findings = lint(
        """
        FROM ubuntu:22.04
        RUN wget -qO- https://x.org/key.asc | gpg --dearmor | tee /usr/share/keyrings/unused.gpg > /dev/null
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        """,
        ["ML317"],
    )
    assert rule_lines(findings, "ML317") == [2]
