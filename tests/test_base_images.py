"""Base-image knowledge (knowledge/base_images.toml) and the NGC release table."""

from __future__ import annotations

import re

import pytest

from dockerlint_ml import knowledge as kb
from dockerlint_ml.images import full_name, parse_image_ref


def base(reference: str) -> kb.BaseImage | None:
    image = parse_image_ref(reference)
    return kb.base_image(full_name(image), image.tag)


# ---------------------------------------------------------------------------------------------------------
# the file itself


def test_every_row_loads_with_valid_keys():
    data = kb.load("base_images")
    assert isinstance(data["schema_version"], int)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["as_of"])
    rows = kb.base_images()
    assert len(rows) == len(data["image"]) > 20
    for row in rows:
        assert row.source.strip(), row.key
        assert isinstance(row.verified, bool)
        assert row.tools is None or row.tools <= kb.BASE_IMAGE_TOOLS
        assert row.role in (None, *kb.BASE_IMAGE_ROLES)
        assert all(isinstance(uid, int) and uid >= 1000 for uid in row.uids)
        assert row.healthcheck in (None, True, False)
        assert row.workdir is None or row.workdir.startswith("/")
        assert row.port is None or 0 < row.port < 65536
        assert row.health_path is None or row.health_path.startswith("/")
        assert (row.port is None) or row.role == "serving" or row.role == "notebook"


def test_unknown_key_is_rejected():
    with pytest.raises(ValueError, match="unknown keys"):
        kb._base_image_row({"repository": "x", "source": "s", "verified": True, "usr": "typo"})
    with pytest.raises(ValueError, match="tools"):
        kb._base_image_row({"repository": "x", "source": "s", "verified": True, "tools": ["bash"]})


def test_rows_are_reachable():
    """No row is shadowed by an earlier, more general one for its own first repository/tag."""
    rows = kb._base_image_patterns()
    for repositories, tags, index in rows:
        image = kb.base_images()[index]
        repository = repositories[0].replace("*", "x")
        tag = tags[0] if tags else "probe"  # a catch-all row: any tag the rows above do not claim
        for glob, text in (("*", "x"), ("[4-9]", "4"), ("[5-9]", "5"), ("[0-9]", "0")):
            tag = tag.replace(glob, text)
        assert kb.base_image(repository, tag) is image, image.key


# ---------------------------------------------------------------------------------------------------------
# lookups


@pytest.mark.parametrize(
    ("reference", "user", "uids", "healthcheck", "role"),
    [
        ("quay.io/jupyter/base-notebook", "jovyan", {1000: "jovyan"}, True, "notebook"),
        ("quay.io/jupyter/scipy-notebook:2024-10-07", "jovyan", {1000: "jovyan"}, True, "notebook"),
        ("jupyter/datascience-notebook:latest", "jovyan", {1000: "jovyan"}, True, "notebook"),
        ("quay.io/jupyter/docker-stacks-foundation", "jovyan", {1000: "jovyan"}, False, None),
        ("pytorch/torchserve:0.12.0-gpu", "model-server", {1000: "model-server"}, False, "serving"),
        ("mambaorg/micromamba:2.0.5", "mambauser", {57439: "mambauser"}, False, None),
        ("gcr.io/distroless/python3-debian12:nonroot", "nonroot", {65532: "nonroot"}, None, None),
        ("gcr.io/distroless/static-debian12:nonroot", "nonroot", {65532: "nonroot"}, None, None),
        ("gcr.io/distroless/static-debian12", None, {65532: "nonroot"}, None, None),
        ("cgr.dev/chainguard/python:latest", "nonroot", {65532: "nonroot"}, None, None),
        ("ubuntu:24.04", None, {1000: "ubuntu"}, False, None),
        ("ubuntu:noble", None, {1000: "ubuntu"}, False, None),
        ("ubuntu", None, {1000: "ubuntu"}, False, None),
        ("ubuntu:22.04", None, {}, False, None),
        ("ubuntu:jammy", None, {}, False, None),
        ("nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04", None, {1000: "ubuntu"}, None, None),
        ("nvidia/cuda:12.1.0-runtime-ubuntu22.04", None, {}, None, None),
        ("vllm/vllm-openai:v0.8.5", None, {}, False, "serving"),
        ("tensorflow/serving:2.17.0-gpu", None, {}, False, "serving"),
        ("ghcr.io/huggingface/text-generation-inference:3.0", None, {}, False, "serving"),
        ("ghcr.io/huggingface/text-embeddings-inference:1.6", None, {}, False, "serving"),
        ("nvcr.io/nvidia/tritonserver:24.05-py3", None, {}, None, "serving"),
    ],
)
def test_user_uids_healthcheck_role(reference, user, uids, healthcheck, role):
    row = base(reference)
    assert row is not None
    assert (row.user, dict(row.uids), row.healthcheck, row.role) == (user, uids, healthcheck, role)


def test_devcontainers_run_as_root_with_remote_user():
    for reference in (
        "mcr.microsoft.com/devcontainers/python:3.12",
        "mcr.microsoft.com/vscode/devcontainers/base:ubuntu",
    ):
        row = base(reference)
        assert row.user is None and row.dev_user == "vscode" and dict(row.uids) == {1000: "vscode"}
        assert row.role == "dev"


@pytest.mark.parametrize(
    ("reference", "tools"),
    [
        ("python:3.12-slim", {"python"}),
        ("python:3.11-slim-bookworm", {"python"}),
        ("python:3.12", {"python", "curl", "wget"}),
        ("python:3.12-bookworm", {"python", "curl", "wget"}),
        ("python", {"python", "curl", "wget"}),
        ("python:3.12-alpine", {"python", "wget"}),
        ("debian:bookworm-slim", set()),
        ("ubuntu:22.04", set()),
        ("nvidia/cuda:12.4.1-base-ubuntu22.04", set()),
        ("gcr.io/distroless/static-debian12", set()),
        ("gcr.io/distroless/python3-debian12", {"python"}),
        ("pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime", {"python"}),
        ("pytorch/torchserve:latest", {"python"}),
        ("vllm/vllm-openai:latest", {"python", "curl", "wget"}),
        ("tensorflow/serving", set()),
        ("quay.io/jupyter/base-notebook", {"python", "wget"}),
        ("quay.io/jupyter/minimal-notebook", {"python", "curl", "wget"}),
        ("continuumio/miniconda3", {"python", "wget"}),
        ("condaforge/miniforge3:24.9.2-0", {"python", "wget"}),
        ("mambaorg/micromamba", set()),
    ],
)
def test_tools(reference, tools):
    assert base(reference).tools == frozenset(tools)


def test_tools_are_tri_state():
    slim = base("python:3.12-slim")
    assert slim.has_tool("curl") is False and slim.has_tool("python") is True
    assert base("golang:1.23").tools is None and base("golang:1.23").has_tool("curl") is None


@pytest.mark.parametrize(
    ("reference", "workdir"),
    [
        ("nvcr.io/nvidia/pytorch:24.05-py3", "/workspace"),
        ("nvcr.io/nvidia/pytorch:25.01-py3", "/workspace"),
        ("nvcr.io/nvidia/tensorflow:24.03-tf2-py3", "/workspace"),
        ("nvcr.io/nvidia/tritonserver:24.05-py3", "/opt/tritonserver"),
        ("pytorch/pytorch:latest", "/workspace"),
        ("golang:1.23-bookworm", "/go"),
        ("quay.io/jupyter/pytorch-notebook:cuda12-latest", "/home/jovyan"),
        ("pytorch/torchserve:0.11.0-cpu", "/home/model-server"),
        ("vllm/vllm-openai:v0.6.0", "/vllm-workspace"),
        ("python:3.12", None),
    ],
)
def test_workdir(reference, workdir):
    assert base(reference).workdir == workdir


@pytest.mark.parametrize(
    ("reference", "port", "health_path"),
    [
        ("pytorch/torchserve:latest-gpu", 8080, "/ping"),
        ("vllm/vllm-openai:latest", 8000, "/health"),
        ("ghcr.io/huggingface/text-generation-inference:2.4.1", 80, "/health"),
        ("ghcr.io/huggingface/text-embeddings-inference:cpu-1.5", 80, "/health"),
        ("nvcr.io/nvidia/tritonserver:25.01-py3", 8000, "/v2/health/ready"),
        ("tensorflow/serving:latest", 8501, "/v1/models/model"),
    ],
)
def test_serving_health_probe(reference, port, health_path):
    row = base(reference)
    assert (row.role, row.port, row.health_path) == ("serving", port, health_path)


def test_env_records_only_what_the_image_sets():
    assert base("quay.io/jupyter/base-notebook").env["CONDA_DIR"] == "/opt/conda"
    assert base("pytorch/torchserve").env["PYTHONUNBUFFERED"] == "TRUE"
    assert "PYTHONUNBUFFERED" not in base("python:3.12").env
    assert "PIP_NO_CACHE_DIR" not in base("python:3.12-slim").env


def test_specific_rows_win_and_keys_name_the_pattern():
    assert base("tensorflow/serving:2.14.0-devel").role is None
    assert base("nvcr.io/nvidia/tritonserver:24.05-py3-sdk").role is None
    assert base("quay.io/jupyter/base-notebook").key == "quay.io/jupyter/base-notebook"
    assert base("quay.io/jupyter/tensorflow-notebook").key == "quay.io/jupyter/*"


def test_unknown_image_is_none():
    assert base("example.com/team/app:1.0") is None
    assert base("node:20") is None
    assert kb.base_image("scratch", None) is None


def test_rows_are_immutable():
    row = base("ubuntu:24.04")
    with pytest.raises(TypeError):
        row.uids[1001] = "x"  # type: ignore[index]


# ---------------------------------------------------------------------------------------------------------
# NGC releases


@pytest.mark.parametrize(
    ("tag", "cuda_major", "python"),
    [
        ("23.01-py3", 12, "3.8"),
        ("23.10-py3", 12, "3.10"),
        ("24.03-py3", 12, "3.10"),
        ("24.05-py3", 12, "3.10"),
        ("24.10-py3", 12, "3.10"),
        ("25.01-py3", 12, "3.12"),
        ("25.08-py3", 13, "3.12"),
        ("25.12-py3", 13, "3.12"),
    ],
)
def test_ngc_release_table(tag, cuda_major, python):
    release = kb.ngc_release(tag)
    assert release is not None and kb.version_tuple(release.cuda)[0] == cuda_major
    assert release.python == python and release.source


def test_ngc_release_prefers_the_container_checked():
    assert kb.ngc_release("24.06-py3").cuda == "12.4.1"  # first row (MXNet notes)
    assert kb.ngc_release("24.06-py3", "tritonserver").cuda == "12.5.0"
    assert kb.ngc_release("24.05-py3", "pytorch").cuda == "12.4.1"  # no pytorch row: the first one
    assert kb.ngc_release("19.10-py3") is None and kb.ngc_release(None) is None


def test_ngc_rows_are_complete_and_versions_are_strings():
    releases = kb.ngc_releases()
    assert {f"23.{m:02d}" for m in range(1, 13)} <= {r.release for r in releases}
    for row in releases:
        assert isinstance(row.cuda, str) and kb.version_tuple(row.cuda)
        assert row.source
        assert not row.verified or row.checked_container
