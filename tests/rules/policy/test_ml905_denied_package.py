"""ML905 denied-package."""

from __future__ import annotations

import pytest

from dockerlint_ml.config import ConfigError

from .helpers import lines, policy_lint, settings_for

POLICY = '[policy]\ndenied-packages = ["tensorflow-gpu", "torch<2.2", "opencv-python", "numpy>=1,<1.22"]\n'


def test_fires_on_denied_names_and_pinned_versions_in_range(tmp_path):
    text = """
    FROM python:3.11-slim AS build
    RUN pip install Tensorflow_GPU
    FROM python:3.11-slim
    RUN pip install torch==2.1.0 "opencv-python>=4" numpy==1.21.6
    RUN conda install -y tensorflow-gpu=2.4
    """
    assert lines(policy_lint(tmp_path, POLICY, text), "ML905") == [2, 4, 4, 4, 5]


def test_silent_outside_the_range_for_unpinned_versioned_entries_and_alternatives(tmp_path):
    text = """
    FROM python:3.11-slim
    RUN pip install torch==2.3.1 numpy==1.26.4 opencv-python-headless tensorflow
    RUN pip install torch "numpy>=1.20"
    """
    assert lines(policy_lint(tmp_path, POLICY, text), "ML905") == []


def test_requirements_file_in_the_build_context(tmp_path):
    (tmp_path / "requirements.txt").write_text("opencv-python==4.9.0.80\nfastapi\n")
    text = "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    findings = policy_lint(tmp_path, POLICY, text)
    assert lines(findings, "ML905") == [3] and "requirements.txt" in findings[0].message


@pytest.mark.parametrize("entry", ["torch<<2", "torch[cuda]", "./pkg", 'torch; python_version<"3"'])
def test_invalid_entries_are_config_errors(tmp_path, entry):
    with pytest.raises(ConfigError, match=r"policy\.denied-packages"):
        settings_for(tmp_path, f"[policy]\ndenied-packages = ['{entry}']\n")
