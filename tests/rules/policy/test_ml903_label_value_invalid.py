"""ML903 label-value-invalid."""

from __future__ import annotations

import pytest

from dockerlint_ml.rules.policy.ml903_label_value_invalid import valid

from .helpers import lines, policy_lint

POLICY = """
[policy.label-schema]
version = "semver"
source = "url"
rev = "hash"
created = "rfc3339"
license = "spdx"
owner = "email"
team = "regex:[a-z-]+"
title = "text"
[policy]
"""


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        ("semver", "1.4.2-rc.1+b5", "v1.0"),
        ("url", "https://github.com/corp/app", "github.com/corp/app"),
        ("hash", "4f2c9a1e0b7d", "main"),
        ("rfc3339", "2024-05-01T12:00:00+02:00", "2024-13-01T12:00:00Z"),
        ("spdx", "MIT OR Apache-2.0", "Apache 2"),
        ("email", "ml@corp.example", "ml-team"),
        ("email", "ML Team <ml@corp.example>", "ML Team <ml-team>"),
        ("regex:[a-z-]+", "ml-platform", "ML Platform"),
        ("text", "A model server", " "),
    ],
)
def test_each_type(kind, good, bad):
    assert valid(kind, good) and not valid(kind, bad)


def test_fires_per_invalid_label_of_the_shipped_image(tmp_path):
    text = """
    FROM python:3.11-slim AS build
    LABEL version=not-checked-here-but-is
    FROM python:3.11-slim
    ARG V
    LABEL version=v1 source=https://github.com/corp/app team=ML owner=${V}
    """
    findings = policy_lint(tmp_path, POLICY, text)
    assert lines(findings, "ML903") == [5, 5]
    assert {f.message.split("=")[0] for f in findings} == {"label `version", "label `team"}


def test_strict_labels_reports_labels_outside_the_schema(tmp_path):
    text = "FROM python:3.11-slim\nLABEL version=1.0.0 maintainer=bob\n"
    assert lines(policy_lint(tmp_path, POLICY, text), "ML903") == []
    findings = policy_lint(tmp_path, POLICY + "strict-labels = true\n", text)
    assert lines(findings, "ML903") == [2] and "`maintainer`" in findings[0].message
    assert findings[0].policy[1] == "strict-labels"
