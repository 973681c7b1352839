"""ML902 required-label-missing."""

from __future__ import annotations

from .helpers import lines, policy_lint

POLICY = '[policy]\nrequired-labels = ["org.opencontainers.image.source", "team"]\n'


def test_fires_on_the_final_from_naming_the_missing_labels(tmp_path):
    findings = policy_lint(tmp_path, POLICY, "FROM python:3.11-slim\nLABEL team=ml\nCMD python app.py\n")
    assert lines(findings, "ML902") == [1]
    assert "`org.opencontainers.image.source`" in findings[0].message and "`team`" not in findings[0].message


def test_labels_inherited_from_the_lineage_count_not_other_stages(tmp_path):
    inherited = """
    FROM python:3.11-slim AS base
    LABEL team=ml org.opencontainers.image.source=https://github.com/corp/app
    FROM base
    CMD python app.py
    """
    assert lines(policy_lint(tmp_path, POLICY, inherited), "ML902") == []
    side_stage = """
    FROM python:3.11-slim AS build
    LABEL team=ml org.opencontainers.image.source=https://github.com/corp/app
    FROM python:3.11-slim
    COPY --from=build /app /app
    """
    assert lines(policy_lint(tmp_path, POLICY, side_stage), "ML902") == [3]


def test_silent_when_a_label_key_is_an_unknown_variable(tmp_path):
    text = "FROM python:3.11-slim\nARG KEY\nLABEL ${KEY}=x team=ml\n"
    assert lines(policy_lint(tmp_path, POLICY, text), "ML902") == []
