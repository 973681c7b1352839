"""ML904 package-index-not-allowed."""

from __future__ import annotations

from .helpers import lines, policy_lint

POLICY = '[policy]\nallowed-indexes = ["https://pypi.corp/simple"]\nallowed-channels = ["conda-forge"]\n'


def test_pip_and_uv_options_env_arg_and_assignments(tmp_path):
    text = """
    FROM python:3.11-slim
    ENV PIP_EXTRA_INDEX_URL=https://evil.example/simple
    ARG UV_INDEX=torch=https://download.pytorch.org/whl/cu121
    RUN pip install --extra-index-url https://download.pytorch.org/whl/cu121 torch==2.3.1
    RUN PIP_INDEX_URL=https://mirror.example/simple pip install numpy
    RUN uv pip install --index torch=https://download.pytorch.org/whl/cu121 torch
    RUN pip install -f https://data.pyg.org/whl/torch-2.3.0.html torch-scatter
    RUN pip config set global.index-url https://mirror.example/simple
    """
    findings = policy_lint(tmp_path, POLICY, text)
    assert lines(findings, "ML904") == [2, 3, 4, 5, 6, 7, 8]
    assert "dependency confusion" in findings[0].message and "dependency confusion" not in findings[3].message


def test_allowed_index_with_slash_credentials_variables_and_local_links(tmp_path):
    text = """
    FROM python:3.11-slim
    ARG INDEX=https://pypi.corp/simple
    ARG TOKEN
    ENV PIP_INDEX_URL=${INDEX}
    RUN pip install -i https://ci:${TOKEN}@pypi.corp/simple/ numpy
    RUN pip install --index-url https://pypi.corp/simple/extra numpy
    RUN pip install --extra-index-url ${UNKNOWN} -f ./wheels numpy
    RUN pip install numpy
    """
    assert lines(policy_lint(tmp_path, POLICY, text), "ML904") == []


def test_requirements_file_options_in_the_build_context(tmp_path):
    (tmp_path / "requirements.txt").write_text("--extra-index-url https://evil.example/simple\nnumpy==1.26.4\n")
    text = "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    findings = policy_lint(tmp_path, POLICY, text)
    assert lines(findings, "ML904") == [3] and "requirements.txt" in findings[0].message


def test_conda_channels(tmp_path):
    text = """
    FROM mambaorg/micromamba:1.5.8
    RUN micromamba install -y -c nvidia cuda-toolkit
    RUN conda install -c conda-forge pytorch::torchvision numpy
    RUN conda config --add channels defaults
    RUN conda install -c https://conda.anaconda.org/conda-forge/ -c conda-forge numpy
    """
    assert lines(policy_lint(tmp_path, POLICY, text), "ML904") == [2, 3, 4]


def test_only_the_configured_key_is_checked(tmp_path):
    text = "FROM python:3.11-slim\nRUN pip install -i https://other/simple numpy && conda install -c nvidia x\n"
    findings = policy_lint(tmp_path, '[policy]\nallowed-channels = ["conda-forge"]\n', text)
    assert [f.policy[1] for f in findings if f.rule == "ML904"] == ["allowed-channels"]
