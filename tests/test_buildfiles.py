"""Which build context and targets: Compose services and Bake targets naming the Dockerfile, explicit
--context/--target winning, malformed files ignored, and no YAML/HCL import without such a file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dockerlint_ml import buildfiles
from dockerlint_ml.buildfiles import choose_context, targets_for

from .conftest import ROOT

DOCKERFILE = """\
FROM python:3.11-slim AS base
COPY requirements.txt .
FROM base AS serve
CMD ["python", "app.py"]
FROM base AS dev
CMD ["bash"]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "Dockerfile").write_text(DOCKERFILE)
    buildfiles._CACHE.clear()
    return tmp_path


def write(path: Path, text: str) -> None:
    path.write_text(textwrap.dedent(text))


def choose(project: Path, context: str | None = None, cwd: Path | None = None):
    return choose_context(str(project / "docker" / "Dockerfile"), context, str(cwd or project))


def test_no_build_file_keeps_the_dockerfiles_directory(project):
    choice = choose(project)
    assert choice.directory == os.path.realpath(project / "docker")
    assert choice.origin == "the Dockerfile's directory" and choice.targets == ()


def test_compose_mapping_gives_context_and_target(project):
    write(
        project / "compose.yaml",
        """
        services:
          api:
            build:
              context: .
              dockerfile: docker/Dockerfile
              target: serve
          db:
            image: postgres:16
        """,
    )
    choice = choose(project)
    assert choice.directory == os.path.realpath(project)
    assert choice.origin == "compose.yaml service `api`"
    assert choice.targets == ("serve",)


def test_compose_string_build_is_the_context_with_its_dockerfile(project):
    write(project / "docker-compose.yml", "services:\n  api:\n    build: ./docker\n")
    choice = choose(project)
    assert choice.directory == os.path.realpath(project / "docker")
    assert choice.origin == "docker-compose.yml service `api`" and choice.targets == (None,)


def test_compose_dockerfile_is_relative_to_the_context_not_the_file(project):
    # context ./docker + dockerfile docker/Dockerfile would be docker/docker/Dockerfile: not this one
    write(
        project / "compose.yaml", "services:\n  api:\n    build: {context: ./docker, dockerfile: docker/Dockerfile}\n"
    )
    assert choose(project).origin == "the Dockerfile's directory"


def test_compose_in_the_dockerfiles_directory_is_found_from_elsewhere(project, tmp_path_factory):
    write(
        project / "docker" / "compose.yaml",
        "services:\n  api:\n    build: {context: .., dockerfile: docker/Dockerfile}\n",
    )
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    choice = choose(project, cwd=elsewhere)
    assert choice.directory == os.path.realpath(project) and choice.origin.startswith("compose.yaml")


def test_several_services_give_several_targets(project):
    write(
        project / "compose.yaml",
        """
        services:
          api: {build: {context: ., dockerfile: docker/Dockerfile, target: serve}}
          shell: {build: {context: ., dockerfile: docker/Dockerfile, target: dev}}
        """,
    )
    choice = choose(project)
    assert choice.targets == ("serve", "dev")
    assert choice.origin == "compose.yaml services `api`, `shell`"


def test_compose_variables_use_defaults_and_unset_ones_are_skipped(project, monkeypatch):
    monkeypatch.delenv("MLLINT_TEST_CTX", raising=False)
    write(
        project / "compose.yaml",
        """
        services:
          a: {build: {context: "${MLLINT_TEST_CTX}", dockerfile: docker/Dockerfile, target: dev}}
          b: {build: {context: "${MLLINT_TEST_CTX:-.}", dockerfile: docker/Dockerfile, target: serve}}
        """,
    )
    assert choose(project).targets == ("serve",)


def test_remote_and_inline_builds_are_ignored(project):
    write(
        project / "compose.yaml",
        """
        services:
          a: {build: {context: "https://github.com/o/r.git#main", dockerfile: docker/Dockerfile}}
          b: {build: {dockerfile_inline: "FROM scratch"}}
        """,
    )
    assert choose(project).origin == "the Dockerfile's directory"


def test_bake_hcl_target_with_inherits_and_variables(project):
    pytest.importorskip("hcl2")
    write(
        project / "docker-bake.hcl",
        """
        variable "CTX" { default = "." }
        group "default" { targets = ["gpu"] }
        target "common" { context = "${CTX}" }
        target "gpu" {
          inherits = ["common"]
          dockerfile = "docker/Dockerfile"
          target = "serve"
        }
        """,
    )
    choice = choose(project)
    assert choice.directory == os.path.realpath(project)
    assert choice.origin == "docker-bake.hcl target `gpu`" and choice.targets == ("serve",)


def test_bake_json(project):
    (project / "docker-bake.json").write_text(
        json.dumps({"target": {"api": {"context": ".", "dockerfile": "docker/Dockerfile", "target": "dev"}}})
    )
    assert choose(project).targets == ("dev",)


def test_explicit_context_wins_and_keeps_targets_only_of_that_context(project):
    write(
        project / "compose.yaml",
        "services:\n  api: {build: {context: ., dockerfile: docker/Dockerfile, target: dev}}\n",
    )
    other = choose(project, context=str(project / "docker"))
    assert other.origin == "--context" and other.directory == os.path.realpath(project / "docker")
    assert other.targets == ()
    same = choose(project, context=str(project))
    assert same.origin == "--context" and same.targets == ("dev",)


@pytest.mark.parametrize(
    "name, text",
    [
        ("compose.yaml", "services: [\n"),
        ("compose.yaml", "- just\n- a list\n"),
        ("compose.yaml", "services:\n  api:\n    build: 42\n"),
        ("docker-bake.json", "{not json"),
        ("docker-bake.hcl", 'target "x" {\n'),
    ],
)
def test_malformed_build_files_are_ignored(project, name, text, capsys):
    if name.endswith(".hcl"):
        pytest.importorskip("hcl2")
    (project / name).write_text(text)
    assert choose(project).origin == "the Dockerfile's directory"


def test_targets_for_prefers_configured_targets_and_drops_unknown_stages():
    class Context:
        choice = buildfiles.ContextChoice("/x", "compose.yaml service `a`", ("serve", "missing"))

    assert targets_for(("dev",), Context(), {"serve", "dev"}) == ("dev",)
    assert targets_for((None,), Context(), {"serve", "dev"}) == ("serve",)
    assert targets_for((None,), Context(), {"dev"}) == (None,)
    assert targets_for((None,), None, {"dev"}) == (None,)


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dockerlint_ml", "--isolated", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_cli_lints_each_compose_target_and_facts_say_where_the_context_came_from(project):
    write(
        project / "compose.yaml",
        """
        services:
          api: {build: {context: ., dockerfile: docker/Dockerfile, target: serve}}
          shell: {build: {context: ., dockerfile: docker/Dockerfile, target: dev}}
        """,
    )
    done = run_cli(project, "--facts", "--format", "json", "docker/Dockerfile")
    documents = json.loads(done.stdout)
    assert [d["image"]["target"] for d in documents] == ["serve", "dev"]
    assert documents[0]["context"] == {
        "directory": os.path.realpath(project),
        "origin": "compose.yaml services `api`, `shell`",
    }
    explicit = run_cli(project, "--facts", "--target", "dev", "--context", "docker", "docker/Dockerfile")
    assert "context: " + os.path.realpath(project / "docker") + " (--context)" in explicit.stdout
    assert "target dev" in explicit.stdout and "target serve" not in explicit.stdout


def test_cli_malformed_compose_is_one_warning_line_not_an_error(project):
    (project / "compose.yaml").write_text("services: [\n")
    done = run_cli(project, "--select", "ML703", "docker/Dockerfile")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert [line for line in done.stderr.splitlines() if "compose.yaml" in line] == [
        f"mllint: warning: {os.path.realpath(project / 'compose.yaml')}: ignored (not valid YAML: while parsing a "
        "flow node)"
    ]


def test_no_build_file_imports_no_yaml_or_hcl(tmp_path):
    from .test_startup import modules_after

    modules = modules_after(tmp_path, "Dockerfile")
    assert "dockerlint_ml.buildfiles" in modules  # discovery really ran
    assert {m.split(".")[0] for m in modules} & {"yaml", "hcl2", "lark"} == set()


def test_a_compose_healthcheck_for_every_service_silences_ml401(project, monkeypatch):
    """pypiserver's compose file defines the healthcheck the image lacks; Compose's replaces the image's."""
    from dockerlint_ml.app import Options, execute

    (project / "docker" / "Dockerfile").write_text('FROM python:3.12-slim\nEXPOSE 8080\nCMD ["uvicorn", "app:app"]\n')
    compose = """
        services:
          api:
            build:
              context: .
              dockerfile: docker/Dockerfile
            healthcheck:
              test: ["CMD", "curl", "-f", "http://localhost:8080/health"]
        """
    write(project / "compose.yaml", compose)
    monkeypatch.chdir(project)
    assert choose(project).healthcheck is True
    assert execute(Options(("docker/Dockerfile",), select=("ML401",), isolated=True)) == 0
    buildfiles._CACHE.clear()
    worker = "          worker:\n            build: {context: ., dockerfile: docker/Dockerfile}\n"
    write(project / "compose.yaml", compose.rstrip(" ") + worker)
    choice = choose(project)
    assert "`worker`" in choice.origin and choice.healthcheck is False  # one service without its own check
    assert execute(Options(("docker/Dockerfile",), select=("ML401",), isolated=True)) == 1


@pytest.mark.parametrize(
    ("user", "non_root"),
    [('"6972:6972"', True), ('"${APP_RUNTIME_UID:-6972}:${APP_RUNTIME_GID:-6972}"', True), ("app", True),
     ("root", False), ('"0:0"', False), ('"${UID}"', False)],
)  # fmt: skip
def test_a_compose_user_for_every_service_silences_ml301(project, monkeypatch, user, non_root):
    """text-generation-webui's compose files run the image as `user: "${APP_RUNTIME_UID:-6972}:..."`."""
    from dockerlint_ml.app import Options, execute

    (project / "docker" / "Dockerfile").write_text('FROM python:3.12-slim\nEXPOSE 8080\nCMD ["uvicorn", "app:app"]\n')
    write(
        project / "compose.yaml",
        f"""
        services:
          api:
            build:
              context: .
              dockerfile: docker/Dockerfile
            user: {user}
        """,
    )
    monkeypatch.chdir(project)
    assert choose(project).user is non_root
    assert execute(Options(("docker/Dockerfile",), select=("ML301",), isolated=True)) == (0 if non_root else 1)
