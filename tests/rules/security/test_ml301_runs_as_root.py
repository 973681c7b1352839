"""ML301 runs-as-root: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import lint, rule_lines


def test_ml301_no_user_points_at_final_from():
    findings = lint(
        """
        FROM python:3.11-slim AS builder
        RUN pip wheel --no-cache-dir -w /wheels torch==2.3.1
        USER nobody

        FROM python:3.11-slim
        COPY --from=builder /wheels /wheels
        CMD ["python", "-m", "server"]
        """,
        ["ML301"],
    )
    # the builder's USER does not count: the final stage is not built FROM it
    assert rule_lines(findings, "ML301") == [5]


def test_ml301_last_user_root_forms():
    for user in ("root", "0", "0:0", "root:root", "ROOT"[:0] + "root:1000"):
        findings = lint(
            f"""
            FROM python:3.11-slim
            RUN useradd --create-home app
            USER app
            RUN pip install --no-cache-dir fastapi==0.111.0
            user {user}
            CMD ["python", "app.py"]
            """,
            ["ML301"],
        )
        assert rule_lines(findings, "ML301") == [5], user


def test_ml301_root_then_app_is_fine_and_group_root_is_fine():
    text = """
        FROM python:3.11-slim
        USER root
        RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \\
            # the runtime library for LightGBM
            && rm -rf /var/lib/apt/lists/*
        USER {user}
        CMD ["python", "app.py"]
        """
    for user in ("app", "1000", "1000:0", "app:root"):
        assert rule_lines(lint(text.format(user=user), ["ML301"]), "ML301") == [], user


def test_ml301_user_in_parent_stage_counts():
    findings = lint(
        """
        ARG PY=3.11
        FROM python:${PY}-slim AS base
        RUN useradd --create-home --uid 1000 app
        USER app

        FROM base AS runtime
        COPY --chown=app:app . /app
        CMD ["python", "/app/serve.py"]
        """,
        ["ML301"],
    )
    assert rule_lines(findings, "ML301") == []


def test_ml301_root_in_parent_and_nothing_in_final_points_at_parent_user():
    findings = lint(
        """
        FROM python:3.11-slim AS base
        USER app
        USER root

        FROM base
        CMD ["python", "serve.py"]
        """,
        ["ML301"],
    )
    assert rule_lines(findings, "ML301") == [3]


def test_ml301_user_from_variables():
    known = """
        FROM python:3.11-slim
        ARG APP_UID=0
        USER ${APP_UID}
        CMD ["python", "job.py"]
        """
    assert rule_lines(lint(known, ["ML301"]), "ML301") == [3]
    known_ok = """
        FROM python:3.11-slim
        ARG APP_UID=1000
        USER $APP_UID:$APP_UID
        """
    assert rule_lines(lint(known_ok, ["ML301"]), "ML301") == []
    unknown = """
        FROM python:3.11-slim
        ARG APP_USER
        USER ${APP_USER}
        """
    assert rule_lines(lint(unknown, ["ML301"]), "ML301") == []


def test_ml301_unknown_or_nonroot_bases_are_silent():
    for base in (
        "${BASE_IMAGE}",
        "gcr.io/distroless/python3-debian12:nonroot",
        "jupyter/scipy-notebook:2024-05-27",
        "quay.io/jupyter/base-notebook:2025-01-06",
        "pytorch/torchserve:0.12.0-cpu",
    ):
        text = f'ARG BASE_IMAGE\nFROM {base}\nCMD ["python"]\n'
        assert rule_lines(lint(text, ["ML301"], dedent=False), "ML301") == [], base


def test_ml301_scratch_export_stage_without_command_is_silent():
    # a last `FROM scratch` stage that only collects build outputs (`docker build --output`) runs nothing
    export = """
        FROM python:3.11-slim AS builder
        RUN pip wheel --no-cache-dir -w /wheels numpy==2.1.0

        FROM scratch AS wheel-export
        COPY --from=builder /wheels/ /wheels/
        """
    assert rule_lines(lint(export, ["ML301"]), "ML301") == []
    binary = """
        FROM golang:1.22 AS build
        RUN go build -o /server ./cmd/server

        FROM scratch
        COPY --from=build /server /server
        ENTRYPOINT ["/server"]
        """
    assert rule_lines(lint(binary, ["ML301"]), "ML301") == [4]


def test_ml301_respects_target():
    text = """
        FROM python:3.11-slim AS worker
        RUN pip install --no-cache-dir ipython==8.25.0
        CMD ["python", "-m", "worker"]

        FROM python:3.11-slim AS prod
        RUN useradd app
        USER app
        CMD ["python", "-m", "app"]
        """
    assert rule_lines(lint(text, ["ML301"]), "ML301") == []
    assert rule_lines(lint(text, ["ML301"], target="worker"), "ML301") == [1]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (".devcontainer/Dockerfile", 'FROM python:3.12-slim\nCMD ["python", "app.py"]\n'),
        ("docker/Dockerfile", 'FROM python:3.12-slim\nCMD ["sleep", "infinity"]\n'),
        ("ci/Dockerfile", 'FROM python:3.12-slim\nCMD ["python", "app.py"]\n'),
        ("Dockerfile", 'FROM python:3.12-slim AS dev\nCMD ["uvicorn", "app:app"]\n'),
        ("Dockerfile", 'FROM python:3.12-slim\nCMD ["torchrun", "train.py"]\n'),
        ("Dockerfile", "FROM python:3.12-slim\nRUN pip install --no-cache-dir numpy==2.1.0\n"),
        ("Dockerfile", '# mllint: role=dev\nFROM python:3.12-slim\nCMD ["uvicorn", "app:app"]\n'),
    ],
)
def test_ml301_silent_on_images_that_are_not_deployed_services(path, text):
    assert rule_lines(lint(text, ["ML301"], dedent=False, path=path), "ML301") == []


def test_ml301_advice_fits_the_base():
    scratch = lint('FROM scratch\nCOPY server /server\nENTRYPOINT ["/server"]\n', ["ML301"], dedent=False)
    assert "USER 65532:65532" in scratch[0].message and "RUN useradd" not in scratch[0].message
    noble = lint('FROM ubuntu:24.04\nCMD ["python3", "-m", "app"]\n', ["ML301"], dedent=False)
    assert "--uid 1001" in noble[0].message and "`ubuntu`" in noble[0].message
    cache = lint(
        'FROM python:3.12-slim\nENV HF_HOME=/models/hf\nCMD ["python", "-m", "app"]\n', ["ML301"], dedent=False
    )
    assert "/models/hf" in cache[0].message


def test_ml301_advice_on_alpine_and_workdir():
    findings = lint('FROM alpine:3.20\nWORKDIR /work\nCMD ["/work/run"]\n', ["ML301"], dedent=False)
    assert "adduser -D -u 1000 app" in findings[0].message and "useradd" not in findings[0].message
    assert "chown app /work" in findings[0].message


def test_ml301_advice_mentions_root_held_runtimes_and_relative_commands():
    text = """
        FROM ubuntu:22.04
        ENV PATH=/root/.local/bin:$PATH
        CMD ["server"]
        """
    assert "move `/root/.local/bin` out of /root" in lint(text, ["ML301"])[0].message
    relative = "FROM python:3.12-slim\nCMD python examples/app.py model/ workdir 8080\n"
    assert "WORKDIR` that user owns" in lint(relative, ["ML301"], dedent=False)[0].message


def test_ml301_a_squashed_scratch_image_gets_advice_for_the_stage_it_copies():
    """`FROM scratch` + `COPY --from=base / /` ships base's files (a shell, `useradd`) but not its USER: the
    finding is true, and the advice creates the user in `base` instead of a bare numeric USER without a home."""
    text = """
        FROM python:3.11-bookworm AS base
        RUN pip install --no-cache-dir uvicorn==0.30.0
        FROM scratch
        COPY --from=base / /
        ENTRYPOINT ["uvicorn", "app:app", "--host", "0.0.0.0"]
        """
    [finding] = lint(text, ["ML301"])
    assert "come from stage `base`" in finding.message and "useradd --create-home" in finding.message
    assert "65532" not in finding.message
    alpine = text.replace("python:3.11-bookworm", "python:3.11-alpine")
    assert "adduser -D" in lint(alpine, ["ML301"])[0].message
    partial = text.replace("COPY --from=base / /", "COPY --from=base /usr/local /usr/local")
    assert "USER 65532:65532" in lint(partial, ["ML301"])[0].message  # only a directory: no shell, no useradd


@pytest.mark.parametrize(
    "base", ["nvcr.io/nvidia/l4t-jetpack:r36.4.0", "nvcr.io/nvidia/l4t-ml:r35.2.1-py3", "dustynv/l4t-pytorch:r36.2.0"]
)
def test_ml301_is_silent_on_jetson_bases(base):
    """A plain `useradd` user cannot initialise CUDA on Jetson (it needs the host's GPU device groups)."""
    text = (
        f'FROM {base}\nCOPY app.py /app/app.py\nENTRYPOINT ["python3", "-m", "uvicorn", "app:app", "--port", "9001"]\n'
    )
    assert lint(text, ["ML301"], dedent=False) == []
    assert lint(text.replace(base, "nvcr.io/nvidia/cuda:12.4.1-runtime-ubuntu22.04"), ["ML301"], dedent=False)


def test_ml301_knows_a_jetson_image_by_what_it_copies_or_declares():
    copies = """
        FROM nvcr.io/nvidia/l4t-cuda:12.6.11-runtime AS cuda_rt
        FROM ubuntu:22.04
        COPY --from=cuda_rt /usr/local/cuda /usr/local/cuda
        CMD ["python3", "-m", "uvicorn", "app:app"]
        """
    declares = """
        FROM ubuntu:24.04
        ENV RUNNING_ON_JETSON=True L4T_VERSION=38.4.0
        CMD ["python3", "-m", "uvicorn", "app:app"]
        """
    assert lint(copies, ["ML301"]) == [] and lint(declares, ["ML301"]) == []
    assert lint(declares.replace("RUNNING_ON_JETSON=True L4T_VERSION=38.4.0", "APP=1"), ["ML301"])


def test_ml301_an_entrypoint_that_drops_privileges_with_gosu(tmp_path):
    """InvokeAI's entrypoint ends with `exec gosu ${USER} "$@"`: root only for set-up (usermod, chown); adding
    USER would break it."""
    from ..context.helpers import lint_context, make

    dockerfile = """\
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends gosu && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/app
COPY docker/docker-entrypoint.sh ./
ENTRYPOINT ["/opt/app/docker-entrypoint.sh"]
CMD ["python3", "-m", "http.server"]
"""
    make(tmp_path, {"docker/docker-entrypoint.sh": '#!/bin/sh\nchown -R app /data\n# drop root\nexec gosu app "$@"\n'})
    assert lint_context(tmp_path, dockerfile, "ML301") == []
    (tmp_path / "docker" / "docker-entrypoint.sh").write_text('#!/bin/sh\nexec "$@"\n')
    assert len(lint_context(tmp_path, dockerfile, "ML301")) == 1
