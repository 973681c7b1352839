"""ML401..ML405: runtime and serving."""

from __future__ import annotations

import pytest

from dockerlint_ml.rules.base import RuleContext
from dockerlint_ml.rules.serving import base_http_tools, find_server, is_serving_image

from .conftest import lint, parse, rule_lines

# ---------------------------------------------------------------------------------------------------------
# What starts a server


@pytest.mark.parametrize(
    ("argv", "server"),
    [
        ("uvicorn app:app --host 0.0.0.0", "uvicorn"),
        ("/opt/venv/bin/gunicorn -k uvicorn.workers.UvicornWorker app:app", "gunicorn"),
        ("hypercorn app:app", "hypercorn"),
        ("python -m uvicorn app:app", "python -m uvicorn"),
        ("python3.11 -u -m gunicorn app", "python -m gunicorn"),
        ("python -um hypercorn app:app", "python -m hypercorn"),
        ("flask --app app run --host 0.0.0.0", "flask"),
        ("python -m flask run", "python -m flask"),
        ("fastapi run app/main.py", "fastapi"),
        ("streamlit run app.py", "streamlit"),
        ("gradio app.py", "gradio"),
        ("vllm serve meta-llama/Llama-3.1-8B", "vllm"),
        ("python3 -m vllm.entrypoints.openai.api_server --model x", "python -m vllm.entrypoints.openai.api_server"),
        ("bentoml serve service:Svc", "bentoml"),
        ("mlflow models serve -m models:/m/1 -h 0.0.0.0", "mlflow"),
        ("serve run config.yaml", "serve"),
        ("torchserve --start --model-store /models", "torchserve"),
        ("tritonserver --model-repository=/models", "tritonserver"),
        ("text-generation-launcher --model-id x", "text-generation-launcher"),
        ("tensorflow_model_server --port=8500", "tensorflow_model_server"),
        ("python -m http.server 8000", "python -m http.server"),
        ("tini -- uvicorn app:app", "uvicorn"),
        ("/usr/bin/dumb-init -- gosu app gunicorn app", "gunicorn"),
        ("conda run -n serve --no-capture-output python -m uvicorn app:app", "python -m uvicorn"),
        ("opentelemetry-instrument --traces_exporter console uvicorn app:app", "uvicorn"),
        ("uv run --frozen fastapi run", "fastapi"),
    ],
)
def test_find_server(argv, server):
    found = find_server(argv.split())
    assert found is not None and found[0] == server


@pytest.mark.parametrize(
    "argv",
    [
        "python app.py",
        "python -c import_uvicorn",
        "python -m pip install x",
        "python train.py --epochs 3",
        "flask db upgrade",
        "streamlit hello",
        "gradio deploy",
        "gradio cc build",
        "mlflow run .",
        "vllm bench latency",
        "bentoml build",
        "serve deploy config.yaml",
        "torchserve --stop",
        "celery -A app worker",
        "/entrypoint.sh",
        "conda run -n vllm python train.py",
    ],
)
def test_not_a_server(argv):
    assert find_server(argv.split()) is None


def _serving(text: str, target: str | None = None) -> bool:
    return is_serving_image(RuleContext(parse(text), target))


def test_is_serving_image_by_expose_or_command_through_lineage():
    assert _serving("FROM python:3.11-slim\nEXPOSE 8000\n")
    assert _serving('FROM python:3.11-slim AS base\nCMD ["uvicorn", "app:app"]\nFROM base\nRUN true\n')
    assert not _serving('FROM python:3.11-slim\nCMD ["python", "train.py"]\n')
    # an EXPOSE in a discarded builder stage does not make the image serve
    assert not _serving('FROM python:3.11 AS build\nEXPOSE 8000\nFROM python:3.11-slim\nCMD ["python", "job.py"]\n')
    # an ENTRYPOINT in the final stage resets the CMD inherited from the parent stage
    assert not _serving('FROM python:3.11 AS base\nCMD ["uvicorn", "a:a"]\nFROM base\nENTRYPOINT ["python", "b.py"]\n')
    # ... but not a CMD set in the same stage
    assert _serving('FROM python:3.11\nCMD ["uvicorn", "a:a"]\nENTRYPOINT ["/entrypoint.sh"]\n')
    # exec ENTRYPOINT + exec CMD form one argv
    assert _serving('FROM python:3.11\nENTRYPOINT ["python", "-m"]\nCMD ["uvicorn", "a:a"]\n')
    # --target picks another final stage
    text = 'FROM python:3.11 AS train\nCMD ["python", "train.py"]\nFROM python:3.11 AS api\nCMD ["uvicorn", "a:a"]\n'
    assert _serving(text) and not _serving(text, target="train")


@pytest.mark.parametrize(
    ("image", "tools"),
    [
        ("python:3.11-slim", set()),
        ("python:3.11-slim-bookworm", set()),
        ("python:3.12-alpine3.19", {"wget"}),
        ("python:3.11", {"curl", "wget"}),
        ("python:3.11-bookworm", {"curl", "wget"}),
        ("python", {"curl", "wget"}),
        ("docker.io/library/python:3.11-slim", set()),
        ("alpine:3.19", {"wget"}),
        ("debian:bookworm-slim", set()),
        ("ubuntu:22.04", set()),
        ("buildpack-deps:bookworm", {"curl", "wget"}),
        ("nvidia/cuda:12.1.0-runtime-ubuntu22.04", set()),
        ("gcr.io/distroless/python3-debian12", set()),
        ("gcr.io/distroless/python3-debian12:debug", {"wget"}),
        ("nvidia/cuda:12.1.0-runtime-ubi8", None),
        ("pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime", set()),  # curl is in its dev-base stage only
        ("busybox:1.36", {"wget"}),
        ("scratch", set()),
        ("registry.example.com/ml/base:1", None),
        ("python:3.11-windowsservercore-ltsc2022", None),
    ],
)
def test_base_http_tools(image, tools):
    from dockerlint_ml.images import parse_image_ref

    found = base_http_tools(parse_image_ref(image))
    assert (set(found) if found is not None else None) == tools


# ---------------------------------------------------------------------------------------------------------
# ML401 missing-healthcheck


def _lines(text: str, rule: str, **settings: object) -> list[int]:
    return rule_lines(lint(text, [rule], **settings), rule)


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


# ---------------------------------------------------------------------------------------------------------
# ML402 healthcheck-tool-missing


def test_ml402_curl_on_slim_points_at_curl():
    text = """
        FROM python:3.11-slim
        HEALTHCHECK --interval=30s CMD curl -fsS http://localhost:8000/health || exit 1
        CMD ["uvicorn", "app:app"]
    """
    findings = [f for f in lint(text, ["ML402"]) if f.rule == "ML402"]
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 32)]
    assert "curl" in findings[0].message


def test_ml402_exec_form_wget_on_cuda():
    text = """
        FROM nvidia/cuda:12.1.0-runtime-ubuntu22.04
        HEALTHCHECK CMD ["wget", "-q", "-O-", "http://localhost:8080/"]
        CMD ["python3", "-m", "http.server", "8080"]
    """
    findings = [f for f in lint(text, ["ML402"]) if f.rule == "ML402"]
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 18)]


def test_ml402_silent_when_the_base_has_the_tool():
    assert _lines("FROM python:3.11\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n", "ML402") == []
    assert _lines("FROM python:3.12-alpine\nHEALTHCHECK CMD wget -qO- http://localhost/ || exit 1\n", "ML402") == []
    assert _lines("FROM python:3.12-alpine\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n", "ML402") == [2]


def test_ml402_silent_when_installed_in_the_final_stage():
    text = """
        FROM python:3.11-slim
        RUN apt-get update \\
            # curl for the healthcheck
            && apt-get install -y --no-install-recommends \\
                ca-certificates \\
                curl=7.88.1-10+deb12u5 \\
            && rm -rf /var/lib/apt/lists/*
        HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1
        CMD ["uvicorn", "app:app"]
    """
    assert _lines(text, "ML402") == []


def test_ml402_installed_only_in_a_builder_stage_fires():
    text = """
        FROM python:3.11-slim AS build
        RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
        RUN curl -fsSL https://example.com/model.tar.gz -o /model.tar.gz
        FROM python:3.11-slim
        COPY --from=build /model.tar.gz /model.tar.gz
        HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1
    """
    assert _lines(text, "ML402") == [6]


def test_ml402_installed_in_the_parent_stage_or_by_heredoc_or_copy():
    parent = """
        FROM python:3.11-slim AS base
        RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl
        FROM base
        HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1
    """
    assert _lines(parent, "ML402") == []
    heredoc = """
        # syntax=docker/dockerfile:1
        FROM debian:bookworm-slim
        RUN <<EOF
        set -e
        apt-get update
        apt-get install -y --no-install-recommends wget
        rm -rf /var/lib/apt/lists/*
        EOF
        HEALTHCHECK CMD wget -qO- http://localhost:8000/ || exit 1
    """
    assert _lines(heredoc, "ML402") == []
    copied = """
        FROM gcr.io/distroless/python3-debian12
        COPY --from=curlimages/curl:8.7.1 /usr/bin/curl /usr/bin/curl
        HEALTHCHECK CMD ["/usr/bin/curl", "-f", "http://localhost:8000/"]
    """
    assert _lines(copied, "ML402") == []
    apk = "FROM alpine:3.19\nRUN apk add --no-cache curl\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n"
    assert _lines(apk, "ML402") == []


def test_ml402_tool_used_by_a_shipped_run_is_present():
    text = """
        FROM ubuntu:22.04
        RUN /opt/bootstrap/install-tools.sh \\
            && curl -fsSL https://example.com/app.tar.gz | tar -xz -C /opt
        HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1
    """
    assert _lines(text, "ML402") == []


def test_ml402_unknown_is_silent():
    for base in ("registry.example.com/ml/base:1", "${BASE}"):
        text = f"ARG BASE\nFROM {base}\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n"
        assert _lines(text, "ML402") == [], base
    packages_from_arg = """
        FROM ubuntu:22.04
        ARG PKGS
        RUN apt-get update && apt-get install -y $PKGS
        HEALTHCHECK CMD curl -f http://localhost/ || exit 1
    """
    assert _lines(packages_from_arg, "ML402") == []


def test_ml402_arg_image_and_only_the_effective_healthcheck():
    text = """
        ARG PY=3.12
        FROM python:${PY}-slim
        HEALTHCHECK CMD curl -f http://localhost/ || exit 1
        HEALTHCHECK CMD timeout 3 wget -qO- http://localhost/
    """
    assert _lines(text, "ML402") == [4]
    python_probe = """
        FROM python:3.12-slim
        HEALTHCHECK CMD curl -f http://localhost/ || exit 1
        HEALTHCHECK CMD python -c "import urllib.request as u; u.urlopen('http://localhost:8000/')"
    """
    assert _lines(python_probe, "ML402") == []


# ---------------------------------------------------------------------------------------------------------
# ML403 shell-form-entrypoint


def test_ml403_shell_form_cmd_across_continuation():
    text = """
        FROM python:3.11-slim
        CMD uvicorn app:app \\
            --host 0.0.0.0 \\
            --port 8000
    """
    assert _lines(text, "ML403") == [2]


@pytest.mark.parametrize(
    "cmd",
    [
        'CMD ["uvicorn", "app:app"]',
        "CMD exec uvicorn app:app --host 0.0.0.0",
        "CMD cd /app && exec gunicorn app:app",
        'CMD ["sh", "-c", "exec gunicorn app:app --workers ${WORKERS:-2}"]',
    ],
)
def test_ml403_silent_for_exec_form_and_exec_prefix(cmd):
    assert _lines(f"FROM python:3.11-slim\n{cmd}\n", "ML403") == []


def test_ml403_shell_entrypoint_fires_once_and_ignored_cmd_is_not_reported():
    text = """
        FROM python:3.11-slim
        ENTRYPOINT python serve.py
        CMD --port 8000
    """
    assert _lines(text, "ML403") == [2]


def test_ml403_shell_cmd_behind_exec_entrypoint_has_its_own_message():
    text = """
        FROM python:3.11-slim
        ENTRYPOINT ["/usr/bin/tini", "--"]
        CMD gunicorn app:app
    """
    findings = [f for f in lint(text, ["ML403"]) if f.rule == "ML403"]
    assert [f.span.line for f in findings] == [3]
    assert "passed to the exec-form ENTRYPOINT" in findings[0].message


def test_ml403_only_the_effective_instructions_of_the_shipped_lineage():
    overridden = """
        FROM python:3.11-slim
        CMD python app.py
        CMD ["python", "app.py"]
    """
    assert _lines(overridden, "ML403") == []
    builder = """
        FROM python:3.11 AS test
        CMD pytest -q
        FROM python:3.11-slim AS base
        cmd python app.py
        FROM base
        RUN pip install --no-cache-dir gunicorn==22.0.0
    """
    assert _lines(builder, "ML403") == [4]
    reset_by_entrypoint = """
        FROM python:3.11-slim AS base
        CMD python app.py
        FROM base
        ENTRYPOINT ["python", "job.py"]
    """
    assert _lines(reset_by_entrypoint, "ML403") == []


# ---------------------------------------------------------------------------------------------------------
# ML404 root-local-packages-unreadable


ROOT_LOCAL = """
    FROM python:3.11-slim AS builder
    COPY requirements.txt .
    RUN pip install --user --no-cache-dir -r requirements.txt
    FROM python:3.11-slim
    RUN useradd --create-home app
    COPY --from=builder /root/.local /root/.local
    ENV PATH=/root/.local/bin:$PATH
    USER app
    CMD ["uvicorn", "app:app"]
"""


def test_ml404_copy_and_path_under_root_then_non_root_user():
    findings = [f for f in lint(ROOT_LOCAL, ["ML404"]) if f.rule == "ML404"]
    assert [(f.span.line, f.span.column) for f in findings] == [(6, 34), (7, 5)]
    assert "--chown=app /root/.local /home/app/.local" in findings[0].message


def test_ml404_fix_with_chown_to_home_is_silent():
    text = """
        FROM python:3.11-slim AS builder
        RUN pip install --user --no-cache-dir fastapi==0.110.0
        FROM python:3.11-slim
        RUN useradd --create-home app
        COPY --from=builder --chown=app:app /root/.local /home/app/.local
        ENV PATH=/home/app/.local/bin:$PATH
        USER app
    """
    assert _lines(text, "ML404") == []


@pytest.mark.parametrize("user", ["", "USER root", "USER app\nUSER 0:0", "USER $RUNTIME_USER"])
def test_ml404_silent_when_running_as_root_or_unknown(user):
    text = ROOT_LOCAL.replace("    USER app\n", f"    {user}\n") if user else ROOT_LOCAL.replace("    USER app\n", "")
    assert _lines(text, "ML404") == []


def test_ml404_numeric_and_arg_users_and_pythonpath():
    text = """
        FROM python:3.11-slim
        ARG APP_USER=svc
        ENV PYTHONPATH=/root/app/src
        USER ${APP_USER}
    """
    assert _lines(text, "ML404") == [3]
    numeric = """
        FROM python:3.11-slim
        COPY --from=ghcr.io/acme/wheels:1 /wheels/site-packages /root/.local/lib/python3.11/site-packages
        USER 1000:1000
    """
    assert _lines(numeric, "ML404") == [2]


def test_ml404_silent_when_root_is_opened_or_only_in_builder():
    opened = ROOT_LOCAL.replace("USER app", "RUN chmod 755 /root\nUSER app")
    assert _lines(opened, "ML404") == []
    builder_only = """
        FROM python:3.11-slim AS builder
        ENV PATH=/root/.local/bin:$PATH
        RUN pip install --user --no-cache-dir fastapi==0.110.0
        FROM python:3.11-slim
        COPY --from=builder /root/.local /usr/local
        USER nobody
    """
    assert _lines(builder_only, "ML404") == []


# ---------------------------------------------------------------------------------------------------------
# ML405 python-unbuffered-missing


def test_ml405_fires_for_python_server_without_the_env():
    text = """
        FROM python:3.11-slim
        ENV PYTHONDONTWRITEBYTECODE=1
        ARG PYTHONUNBUFFERED=1
        CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    """
    assert _lines(text, "ML405") == [1]


@pytest.mark.parametrize(
    "env",
    [
        "ENV PYTHONUNBUFFERED=1",
        "ENV PYTHONUNBUFFERED 1",
        'env PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED="true"',
        "ENV PYTHONUNBUFFERED=${UNBUFFERED}",  # unknown value: silent
    ],
)
def test_ml405_silent_when_set(env):
    text = f'FROM python:3.11-slim\nARG UNBUFFERED\n{env}\nCMD ["uvicorn", "app:app"]\n'
    assert _lines(text, "ML405") == []


@pytest.mark.parametrize(
    "env", ["ENV PYTHONUNBUFFERED=0", "ENV PYTHONUNBUFFERED=", "ENV PYTHONUNBUFFERED=1\nENV PYTHONUNBUFFERED=0"]
)
def test_ml405_zero_or_empty_does_not_count(env):
    text = f'FROM python:3.11-slim\n{env}\nCMD ["uvicorn", "app:app"]\n'
    assert _lines(text, "ML405") == [1]


def test_ml405_python_u_or_inline_assignment_counts():
    assert _lines('FROM python:3.11-slim\nEXPOSE 80\nCMD ["python", "-u", "serve.py"]\n', "ML405") == []
    assert _lines("FROM python:3.11-slim\nEXPOSE 80\nCMD PYTHONUNBUFFERED=1 exec python serve.py\n", "ML405") == []
    assert _lines('FROM python:3.11-slim\nEXPOSE 80\nCMD ["python", "serve.py"]\n', "ML405") == [1]


def test_ml405_lineage_env():
    inherited = """
        FROM python:3.11-slim AS base
        ENV PYTHONUNBUFFERED=1
        FROM base
        CMD ["uvicorn", "app:app"]
    """
    assert _lines(inherited, "ML405") == []
    builder_only = """
        FROM python:3.11 AS build
        ENV PYTHONUNBUFFERED=1
        FROM python:3.11-slim
        CMD ["uvicorn", "app:app"]
    """
    assert _lines(builder_only, "ML405") == [3]


def test_ml405_python_decided_by_command_or_base():
    vllm_on_cuda = """
        FROM nvidia/cuda:12.1.0-runtime-ubuntu22.04
        ENTRYPOINT ["python3", "-m", "vllm.entrypoints.openai.api_server"]
    """
    assert _lines(vllm_on_cuda, "ML405") == [1]
    expose_on_python = 'FROM python:3.11-slim\nEXPOSE 8000\nCMD ["./start.sh"]\n'
    assert _lines(expose_on_python, "ML405") == [1]
    triton = """
        FROM nvcr.io/nvidia/tritonserver:24.05-py3
        CMD ["tritonserver", "--model-repository=/models"]
    """
    assert _lines(triton, "ML405") == []
    nginx = 'FROM nginx:1.27\nEXPOSE 80\nCMD ["nginx", "-g", "daemon off;"]\n'
    assert _lines(nginx, "ML405") == []
    batch = 'FROM python:3.11-slim\nCMD ["python", "train.py"]\n'
    assert _lines(batch, "ML405") == []


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
