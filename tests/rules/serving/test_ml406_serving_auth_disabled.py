"""ML406 serving-auth-disabled: detection cases and near-misses."""

from __future__ import annotations

import pytest

from ...conftest import lint, rule_lines


def _lines(text: str, path: str = "Dockerfile") -> list[int]:
    return rule_lines(lint(text, ["ML406"], path=path), "ML406")


def test_ml406_torchserve_env():
    # the real-world case: pytorch/serve examples/usecases/llm_diffusion_serving_app/docker/Dockerfile
    text = (
        "ARG BASE_IMAGE=pytorch/torchserve:latest-cpu\n"
        "FROM $BASE_IMAGE AS server\n"
        "ENV TS_DISABLE_TOKEN_AUTHORIZATION=true\n"
    )
    findings = lint(text, ["ML406"])
    assert [(f.span.line, f.span.column) for f in findings] == [(3, 5)]
    assert "management API" in findings[0].message and "key_file.json" in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        'FROM pytorch/torchserve:0.11.0-cpu\nCMD ["torchserve", "--start", "--ts-config", "config.properties", '
        '"--disable-token-auth"]\n',
        "FROM pytorch/torchserve:0.11.0-cpu\nCMD torchserve --start --model-store /models --disable-token-auth\n",
        "FROM pytorch/torchserve:0.11.0-cpu\n"
        "RUN printf 'address=http://0.0.0.0:8080\\ndisable_token_authorization=true\\n' > config.properties\n",
        'FROM quay.io/jupyter/minimal-notebook\nCMD ["start-notebook.py", "--IdentityProvider.token=\'\'"]\n',
        "FROM python:3.11\nCMD jupyter lab --ip=0.0.0.0 --allow-root --ServerApp.token='' --ServerApp.password=''\n",
        'FROM python:3.11-slim\nENTRYPOINT ["jupyter", "notebook", "--NotebookApp.token=", "--ip=0.0.0.0"]\n',
        "FROM python:3.11-slim\nCMD jupyter notebook --NotebookApp.token '' --ip 0.0.0.0\n",
        "FROM python:3.11-slim\nRUN mkdir -p /root/.jupyter && "
        "echo \"c.NotebookApp.token = ''\" >> /root/.jupyter/jupyter_notebook_config.py\n"
        'CMD ["jupyter", "notebook"]\n',
    ],
)
def test_ml406_fires_once(text):
    assert len(_lines(text)) == 1


def test_ml406_allow_root_is_named():
    text = "FROM python:3.11-slim\nCMD jupyter lab --ip=0.0.0.0 --allow-root --ServerApp.token=''\n"
    (finding,) = lint(text, ["ML406"])
    assert "as root (`--allow-root`)" in finding.message and "JUPYTER_TOKEN" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "FROM pytorch/torchserve:0.11.0-cpu\nENV TS_DISABLE_TOKEN_AUTHORIZATION=false\n",
        'FROM pytorch/torchserve:0.11.0-cpu\nCMD ["torchserve", "--start", "--ts-config", "config.properties"]\n',
        "FROM pytorch/torchserve:0.11.0-cpu\nRUN echo 'enable_token_authorization=true' > config.properties\n",
        # a token given at run time, or a hashed password that still guards the server
        'FROM python:3.11-slim\nCMD ["jupyter", "lab", "--ServerApp.token=${JUPYTER_TOKEN}"]\n',
        "FROM python:3.11-slim\nCMD jupyter lab --ServerApp.token='' --ServerApp.password='argon2:$argon2id$v=19$x'\n",
        # an empty password alone changes nothing: the token still guards the server
        "FROM python:3.11-slim\nCMD jupyter lab --ip=0.0.0.0 --allow-root --ServerApp.password=''\n",
        # a token switched off in a RUN that starts nothing, in a stage that does not ship
        "FROM python:3.11-slim AS build\nRUN jupyter nbconvert --execute nb.ipynb\nFROM python:3.11-slim\n",
    ],
)
def test_ml406_near_misses(text):
    assert _lines(text) == []


def test_ml406_dev_container_is_silent():
    text = "FROM python:3.11-slim\nCMD jupyter lab --ip=0.0.0.0 --allow-root --ServerApp.token=''\n"
    assert _lines(text, ".devcontainer/Dockerfile") == []
    assert _lines("# mllint: role=dev\n" + text) == []
