"""Tests of several layers rules, or of the helpers they share."""

from __future__ import annotations

import pytest

from dockerlint_ml.rules.layers import is_manifest


@pytest.mark.parametrize(
    ("path", "manifest"),
    [
        ("requirements.txt", True),
        ("requirements-dev.txt", True),
        ("./requirements/prod.txt", True),
        ("requirements*.txt", True),
        ("package*.json", True),
        ("*.lock", True),
        ("environment-gpu.yml", True),
        (".", False),
        ("./", False),
        ("src/", False),
        ("app.py", False),
        ("*.py", False),
        ("models/", False),
    ],
)
def test_is_manifest(path, manifest):
    assert is_manifest(path) is manifest
