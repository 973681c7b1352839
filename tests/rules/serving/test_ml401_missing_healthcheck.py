"""ML401 missing-healthcheck: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import lint
from .helpers import _lines


def test_ml401_fires_at_the_final_from_and_names_the_server():
    text = """
        FROM python:3.11-slim
        WORKDIR /app
        COPY . .
        CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
    """
    findings = [f for f in lint(text, ["ML401"]) if f.rule == "ML401"]
    assert [f.span.line for f in findings] == [1]
    assert "`uvicorn` on line 4 starts a server" in findings[0].message


def test_ml401_expose_makes_a_serving_image_when_the_command_is_unknown():
    text = """
        FROM python:3.11-slim
        EXPOSE 8080
        CMD ["./start.sh"]
    """
    findings = [f for f in lint(text, ["ML401"]) if f.rule == "ML401"]
    assert [f.span.line for f in findings] == [1]
    assert "`EXPOSE 8080` on line 2" in findings[0].message


@pytest.mark.parametrize(
    "healthcheck",
    [
        "HEALTHCHECK --interval=30s --timeout=3s CMD python -c \"import urllib.request as u; u.urlopen('http://localhost:8000/')\"",
        "HEALTHCHECK NONE",
        'healthcheck CMD ["/bin/grpc_health_probe", "-addr=:50051"]',
    ],
)
def test_ml401_silent_with_a_healthcheck_or_explicit_opt_out(healthcheck):
    text = f'FROM python:3.11-slim\nEXPOSE 8000\n{healthcheck}\nCMD ["uvicorn", "app:app"]\n'
    assert _lines(text, "ML401") == []


def test_ml401_silent_for_a_batch_image():
    text = """
        FROM pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime
        COPY train.py .
        CMD ["python", "train.py", "--epochs", "10"]
    """
    assert _lines(text, "ML401") == []


def test_ml401_lineage_cmd_and_healthcheck_of_the_parent_stage():
    inherited_cmd = """
        FROM python:3.11-slim AS runtime
        cmd gunicorn -w 4 app:app
        FROM runtime AS prod
        COPY . /app
    """
    assert _lines(inherited_cmd, "ML401") == [3]
    inherited_healthcheck = """
        FROM python:3.11-slim AS runtime
        HEALTHCHECK CMD python /app/probe.py
        FROM runtime AS prod
        CMD ["gunicorn", "app:app"]
    """
    assert _lines(inherited_healthcheck, "ML401") == []


def test_ml401_healthcheck_in_a_discarded_stage_does_not_count():
    text = """
        FROM python:3.11 AS build
        HEALTHCHECK CMD python probe.py
        RUN pip wheel --no-cache-dir -w /wheels -r requirements.txt
        FROM python:3.11-slim
        COPY --from=build /wheels /wheels
        CMD ["sh", "-c", "alembic upgrade head && exec gunicorn app:app"]
    """
    assert _lines(text, "ML401") == [4]


def test_ml401_target_stage_and_arg_image():
    text = """
        ARG PY=3.11
        FROM python:${PY}-slim AS api
        CMD ["streamlit", "run", "app.py"]
        FROM python:${PY}-slim AS job
        CMD ["python", "job.py"]
    """
    assert _lines(text, "ML401") == []
    assert _lines(text, "ML401", target="api") == [2]


def test_ml401_example_uses_the_installed_servers_endpoint_and_the_images_tools():
    text = """
        FROM python:3.12-slim AS build
        RUN python -m venv /venv && /venv/bin/pip install --no-cache-dir torchserve==0.12.0
        FROM python:3.12-slim
        COPY --from=build /venv /venv
        EXPOSE 8080 8081
        CMD ["/usr/local/bin/start.sh"]
        """
    message = lint(text, ["ML401"])[0].message
    assert "http://localhost:8080/ping" in message and "python -c" in message  # slim: python, no curl
    tei = 'FROM ghcr.io/huggingface/text-embeddings-inference:1.5\nENTRYPOINT ["text-embeddings-router"]\n'
    found = lint(tei, ["ML401"], dedent=False)
    assert not found or "localhost:80/health" in found[0].message


def test_ml401_inherited_healthcheck_and_side_ui_ports():
    jupyter = "FROM quay.io/jupyter/base-notebook:2025-01-06\nEXPOSE 8787\n"
    assert lint(jupyter, ["ML401"], dedent=False) == []
    dask = 'FROM python:3.12-slim\nEXPOSE 8787\nCMD ["jupyter", "lab"]\n'
    assert lint(dask, ["ML401"], dedent=False) == []


def test_ml401_probes_the_http_port_of_a_server_that_also_speaks_grpc():
    """TF Serving listens on 8500 (gRPC) and 8501 (REST): the example must probe REST, with the model's name."""
    text = """
        FROM ubuntu:22.04
        COPY --from=tensorflow/serving:2.17.0 /usr/bin/tensorflow_model_server /usr/bin/
        EXPOSE 8500
        EXPOSE 8501
        ENTRYPOINT ["tensorflow_model_server", "--port=8500", "--rest_api_port=8501", "--model_name=m"]
        """
    [finding] = lint(text, ["ML401"])
    assert "http://localhost:8501/v1/models/m" in finding.message
    script = text.replace(
        'ENTRYPOINT ["tensorflow_model_server", "--port=8500", "--rest_api_port=8501", "--model_name=m"]',
        'ENTRYPOINT ["/usr/bin/tf_serving_entrypoint.sh"]',
    )
    [finding] = lint(script, ["ML401"])  # the binary copied in says which server the script starts
    assert "http://localhost:8501/v1/models/<model>" in finding.message


def test_ml401_says_when_the_health_route_is_a_guess():
    text = """
        FROM python:3.11-slim
        EXPOSE 10101
        ENTRYPOINT ["wave", "run", "--no-reload", "app"]
        """
    [finding] = lint(text, ["ML401"])
    assert "point it at the server's health route" in finding.message
    app_defined = 'FROM python:3.11-slim\nCMD ["uvicorn", "app:app", "--port", "8080"]\n'
    assert "health route" in lint(app_defined, ["ML401"], dedent=False)[0].message  # the app defines /health
    known = 'FROM python:3.11-slim\nRUN pip install --no-cache-dir vllm==0.6.0\nCMD ["vllm", "serve", "m"]\n'
    assert "health route" not in lint(known, ["ML401"], dedent=False)[0].message


def test_ml401_tf_serving_model_name_from_the_image_env():
    text = """
        FROM ubuntu:22.04
        COPY --from=tensorflow/serving:2.17.0 /usr/bin/tensorflow_model_server /usr/bin/tensorflow_model_server
        EXPOSE 8500
        EXPOSE 8501
        ENV MODEL_NAME=model
        ENTRYPOINT ["/usr/bin/tf_serving_entrypoint.sh"]
        """
    [finding] = lint(text, ["ML401"])
    assert "http://localhost:8501/v1/models/${MODEL_NAME}" in finding.message
