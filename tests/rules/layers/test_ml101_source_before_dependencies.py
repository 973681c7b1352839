"""ML101 source-before-dependencies: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import dd, fixed, lint, rule_lines
from .helpers import lines


def test_ml101_pip_requirements_after_whole_context_copy():
    text = """
        FROM python:3.11-slim
        WORKDIR /app
        COPY . .
        RUN pip install --no-cache-dir -r requirements.txt
        CMD ["python", "serve.py"]
        """
    findings = lint(text, ["ML101"])
    assert [(f.span.line, f.span.column) for f in findings] == [(4, 5)]
    assert "`COPY . .` (line 3)" in findings[0].message
    assert "COPY requirements.txt ./" in findings[0].message


def test_ml101_good_pattern_is_silent():
    text = """
        FROM python:3.11-slim
        WORKDIR /app
        COPY requirements.txt .
        RUN pip install --no-cache-dir -r requirements.txt
        COPY . .
        RUN pip install --no-cache-dir --no-deps .
        RUN pip install -e .
        """
    assert lines(text, "ML101") == []


def test_ml101_manifest_copies_are_not_source():
    text = """
        FROM python:3.11-slim
        COPY requirements/ requirements/
        COPY requirements-gpu.txt constraints.txt pyproject.toml setup.py README.md ./
        COPY package*.json ./
        COPY environment.yml poetry.lock uv.lock Pipfile Pipfile.lock /tmp/
        ARG EXTRA
        COPY $EXTRA /extra/
        COPY --from=ghcr.io/astral-sh/uv:0.4.18 /uv /bin/uv
        ADD https://example.com/model.tar.gz /tmp/
        COPY <<EOF /etc/pip.conf
        [global]
        EOF
        RUN pip install -r requirements/base.txt -c constraints.txt
        """
    assert lines(text, "ML101") == []


def test_ml101_source_tree_and_chained_install_with_comments():
    text = """
        FROM python:3.11-slim AS builder
        WORKDIR /app
        COPY src/ ./src
        COPY requirements.txt .
        RUN apt-get update \\
            # build deps for wheels
            && apt-get install -y --no-install-recommends gcc \\
            && pip install --no-cache-dir -r requirements.txt \\
            && rm -rf /var/lib/apt/lists/*
        """
    findings = lint(text, ["ML101"])
    assert [f.span.line for f in findings] == [8]
    assert "`COPY src/ ./src` (line 3)" in findings[0].message


def test_ml101_project_install_in_same_run_still_flags_requirements_part():
    text = """
        FROM python:3.11-slim
        COPY . /app
        RUN pip install -r /app/requirements.txt && pip install /app
        RUN pip install -r requirements.txt ./libs/tokenizer
        RUN pip install -r requirements.txt -e .
        """
    assert lines(text, "ML101") == [3]


def test_ml101_heredoc_and_cache_mount():
    text = """
        # syntax=docker/dockerfile:1
        FROM python:3.11-slim
        COPY app/ /srv/app/
        RUN --mount=type=cache,target=/root/.cache/pip <<EOF
        set -e
        python -m pip install -r /srv/app/requirements.txt
        EOF
        """
    assert lines(text, "ML101") == [6]


def test_ml101_poetry_two_step_pattern_is_fine():
    text = """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir poetry==1.8.3
        COPY pyproject.toml poetry.lock ./
        RUN poetry install --no-root --no-interaction
        COPY . .
        RUN poetry install --no-interaction
        RUN poetry install --only-root
        """
    assert lines(text, "ML101") == []


def test_ml101_poetry_and_uv_single_step_after_source():
    text = """
        FROM python:3.11-slim AS poetry
        COPY . .
        RUN poetry install --no-interaction
        FROM python:3.11-slim AS uv
        COPY --from=ghcr.io/astral-sh/uv:0.4.18 /uv /bin/uv
        COPY . /app
        RUN uv sync --frozen
        RUN uv sync --frozen --no-install-project
        RUN uv pip install --system -r requirements.txt
        """
    findings = lint(text, ["ML101"])
    assert [f.span.line for f in findings] == [3, 7, 8, 9]
    assert "poetry install --no-root" in findings[0].message
    assert "uv sync --no-install-project" in findings[1].message


def test_ml101_project_installs_after_a_reported_install_are_not_repeated():
    # monorepo shape: a sibling package copied first, then manifest-first installs of each project;
    # the first dependency install is the finding, the later project installs are not new ones
    text = """
        FROM python:3.11-slim
        COPY common common
        COPY service/pyproject.toml service/uv.lock service/
        RUN cd service && uv sync --active --no-cache
        COPY service service
        RUN cd service && uv sync --active --no-cache
        RUN cd common && uv sync --active --no-cache
        """
    assert lines(text, "ML101") == [4]


def test_ml101_uv_two_step_pattern_is_fine():
    text = """
        FROM python:3.11-slim
        COPY pyproject.toml uv.lock ./
        RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen --no-install-project
        COPY . .
        RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen
        """
    assert lines(text, "ML101") == []


def test_ml101_conda_pipenv_npm():
    text = """
        FROM mambaorg/micromamba:1.5.8
        COPY --chown=$MAMBA_USER:$MAMBA_USER . /tmp/app
        RUN micromamba install -y -n base -f /tmp/app/env.yaml && micromamba clean -afy
        RUN conda env create -f environment.yml
        RUN micromamba install -y -n base python=3.11
        RUN pipenv install --system --deploy
        RUN npm ci --omit=dev
        """
    assert lines(text, "ML101") == [3, 4, 6, 7]


def test_ml101_other_stage_copy_does_not_count():
    text = """
        FROM python:3.11 AS src
        COPY . /src
        FROM python:3.11-slim
        COPY --from=src /src/requirements.txt .
        RUN pip install --no-cache-dir -r requirements.txt
        COPY --from=src /src /app
        """
    assert lines(text, "ML101") == []


def test_ml101_lowercase_and_arg_image():
    text = """
        ARG PY=3.11
        from python:${PY}-slim
        add ./service /service
        run pip install --requirement=/service/requirements.txt
        """
    assert lines(text, "ML101") == [4]


def test_ml101_json_form_copy():
    text = """
        FROM python:3.11-slim
        COPY ["requirements.txt", "/app/"]
        RUN pip install --no-cache-dir -r /app/requirements.txt
        COPY ["src", "/app/src"]
        RUN pip install --no-cache-dir -r /app/requirements-extra.txt
        """
    assert lines(text, "ML101") == [5]


def test_ml101_names_the_manifest_the_source_copy_brings():
    findings = lint(
        """
        FROM python:3.12-slim
        WORKDIR /app
        COPY server server
        RUN pip install --no-cache-dir -r server/requirements.txt
        """,
        ["ML101"],
    )
    assert "`COPY server/requirements.txt server/requirements.txt`" in findings[0].message


def test_ml101_silent_when_the_manifest_comes_from_a_clone():
    findings = lint(
        """
        FROM python:3.12-slim
        WORKDIR /src
        COPY kserve kserve
        RUN git clone --branch v0.8.0 https://github.com/vllm-project/vllm.git && cd vllm \\
            && pip install --no-cache-dir -r requirements/cpu.txt
        """,
        ["ML101"],
    )
    assert rule_lines(findings, "ML101") == []


def test_ml101_names_the_last_source_copy():
    findings = lint(
        """
        FROM python:3.12-slim
        WORKDIR /app
        COPY proto proto
        COPY server server
        RUN uv sync --no-install-project
        """,
        ["ML101"],
    )
    assert "`COPY server server` (line 4)" in findings[0].message
    assert "uv sync --no-install-project` before" not in findings[0].message


def test_ml101_fix_requirements_copied_and_install_moved_before_the_source():
    text = """
        FROM python:3.11-slim
        WORKDIR /app
        COPY --chown=app:app . /app
        RUN pip install --no-cache-dir -r requirements/prod.txt -c constraints.txt
        CMD ["python", "-m", "app"]
    """
    assert fixed(text, ["ML101"], unsafe=True) == dd(
        """
        FROM python:3.11-slim
        WORKDIR /app
        COPY --chown=app:app requirements/prod.txt /app/requirements/
        COPY --chown=app:app constraints.txt /app/
        RUN pip install --no-cache-dir -r requirements/prod.txt -c constraints.txt
        COPY --chown=app:app . /app
        CMD ["python", "-m", "app"]
        """
    )


def test_ml101_fix_source_before_dependencies_declines_when_unsure():
    text = """
        FROM python:3.11-slim
        COPY . .
        ENV PIP_INDEX_URL=https://mirror.example/simple
        RUN pip install --no-cache-dir -r requirements.txt
        RUN pip install --no-cache-dir -r "$REQS"
    """
    assert fixed(text, ["ML101"], unsafe=True) == dd(text)


def test_ml101_silent_when_a_clone_may_replace_the_copied_tree():
    """pytorch/serve: `COPY ./ serve`, then (when LOCAL_CHANGES=false) `rm -rf serve; git clone ... serve`: which
    tree the install reads is unknown, and copying its manifests first may copy files the build does not use."""
    text = (
        "FROM python:3.11-slim\nCOPY ./ serve\n"
        'RUN if [ "$LOCAL_CHANGES" = false ]; then rm -rf serve; git clone https://g/x -b main serve; fi\n'
        "WORKDIR serve\nRUN pip install --no-cache-dir -r requirements/developer.txt\n"
    )
    assert rule_lines(lint(text, ["ML101"], dedent=False), "ML101") == []
    other = text.replace("git clone https://g/x -b main serve", "git clone https://g/llama.cpp /opt/llama")
    assert rule_lines(lint(other, ["ML101"], dedent=False), "ML101") == [5]


def test_ml101_near_misses_from_unseen_repositories():
    """Three shapes two reviewers judged false on repositories mllint had never seen."""
    build_script = """
        FROM ubuntu:22.04
        WORKDIR /build
        COPY dockerfiles/build_scripts/compile.sh compile.sh
        RUN ./compile.sh
        COPY uv.lock pyproject.toml ./
        RUN uv sync --locked
        """
    generated = """
        FROM python:3.12-slim
        COPY . /app
        WORKDIR /app
        RUN grep -E '^torch' requirements/runtime.txt > /tmp/req_torch.txt && pip install -r /tmp/req_torch.txt
        """
    requirements_folder = """
        FROM python:3.12-slim
        COPY requirements_cpu/ /opt/requirements_cpu/
        RUN pip install --no-cache-dir -r /opt/requirements_cpu/base.txt
        COPY . .
        """
    for text in (build_script, generated, requirements_folder):
        assert lint(text, ["ML101"]) == [], text


def test_ml101_still_reports_a_script_copied_with_the_source():
    text = """
        FROM python:3.12-slim
        WORKDIR /app
        COPY src/ src/
        RUN bash src/setup.sh
        RUN pip install -r src/requirements.txt
        """
    assert [f.span.line for f in lint(text, ["ML101"])] == [5]
