"""ML314 passwordless-sudo: detection and near-misses."""

from __future__ import annotations

from ...conftest import lint, rule_lines

SETUP = """
FROM ubuntu:22.04
RUN useradd --create-home --uid 1000 deepspeed
RUN usermod -aG sudo deepspeed
"""


def test_ml314_fires_for_the_runtime_user_all_and_its_group():
    findings = lint(
        SETUP
        + """
RUN echo "deepspeed ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers
RUN echo "%sudo ALL=(ALL:ALL) NOPASSWD: ALL" > /etc/sudoers.d/nopw
RUN echo "ALL ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers
RUN sed -i 's/^%sudo.*/%sudo ALL=(ALL:ALL) NOPASSWD:ALL/' /etc/sudoers
USER deepspeed
""",
        ["ML314"],
    )
    assert rule_lines(findings, "ML314") == [5, 6, 7, 8]
    assert "`deepspeed`" in findings[0].message


def test_ml314_near_misses():
    root = lint(SETUP + 'RUN echo "deepspeed ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers\n', ["ML314"])
    other = lint(
        SETUP
        + """
RUN echo "builder ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers
RUN echo "%wheel ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers
RUN echo "deepspeed ALL=(ALL) ALL" >> /etc/sudoers
USER deepspeed
""",
        ["ML314"],
    )
    earlier_stage = lint(
        """
        FROM ubuntu:22.04 AS build
        RUN echo "app ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers
        FROM ubuntu:22.04
        RUN useradd app
        USER app
        """,
        ["ML314"],
    )
    assert root == [] and other == [] and earlier_stage == []


def test_ml314_silent_in_dev_images():
    """A dev container or workstation image gives its user sudo on purpose (as ML301, deployed roles only)."""
    text = SETUP + 'RUN echo "deepspeed ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers\nUSER deepspeed\n'
    assert rule_lines(lint(text, ["ML314"], path=".devcontainer/Dockerfile"), "ML314") == []
    assert rule_lines(lint(text + 'CMD ["sleep", "infinity"]\n', ["ML314"]), "ML314") == []
    assert rule_lines(lint(text, ["ML314"]), "ML314") == [4]
