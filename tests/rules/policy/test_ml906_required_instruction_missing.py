"""ML906 required-instruction-missing."""

from __future__ import annotations

from .helpers import lines, policy_lint

POLICY = '[policy]\nrequire = { serving = ["HEALTHCHECK", "numeric-user"], all = ["USER"] }\n'
SERVING = 'EXPOSE 8000\nCMD ["uvicorn", "app:app"]\n'


def test_serving_image_without_healthcheck_and_with_a_named_user(tmp_path):
    findings = policy_lint(tmp_path, POLICY, "FROM python:3.11-slim\nUSER app\n" + SERVING)
    assert lines(findings, "ML906") == [1, 2]
    assert "HEALTHCHECK" in findings[0].message and "numeric" in findings[1].message


def test_compliant_serving_image(tmp_path):
    text = "FROM python:3.11-slim\nUSER 10001:10001\nHEALTHCHECK CMD curl -f http://localhost:8000/\n" + SERVING
    assert lines(policy_lint(tmp_path, POLICY, text), "ML906") == []


def test_healthcheck_none_root_user_and_no_user(tmp_path):
    text = "FROM python:3.11-slim\nUSER 0\nHEALTHCHECK NONE\n" + SERVING
    assert lines(policy_lint(tmp_path, POLICY, text), "ML906") == [2, 3]
    assert lines(policy_lint(tmp_path, POLICY, "FROM python:3.11-slim\nCMD python train.py\n"), "ML906") == [1]


def test_role_scoping_and_unknown_user_variable(tmp_path):
    dev = "# mllint: role=dev\nFROM python:3.11-slim\nUSER dev\nCMD bash\n"
    assert lines(policy_lint(tmp_path, POLICY, dev), "ML906") == []
    text = "FROM python:3.11-slim\nARG UID\nUSER ${UID}\nHEALTHCHECK CMD true\n" + SERVING
    assert lines(policy_lint(tmp_path, POLICY, text), "ML906") == []
