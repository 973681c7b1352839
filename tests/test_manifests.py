"""Manifests and lock files a COPY brings in: the parsers (pyproject PEP 621 / Poetry / uv, uv.lock,
poetry.lock, environment.yml), ML703 on the install line that reads them, and torch's CUDA build read from a
lock feeding ML501."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dockerlint_ml.analysis.manifests import read_environment, read_lock, read_pyproject

from .rules.gpu.helpers import lint_in


def files(directory: Path, **texts: str) -> Path:
    for name, text in texts.items():
        path = directory / name.replace("__", "/").replace("_dot_", ".")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return directory


PYPROJECT = """
[project]
name = "svc"
dependencies = ["numpy>=1.26", "fastapi", "uvicorn[standard]", "torch==2.3.1", "pkg @ https://x/pkg-1.0.whl"]
[project.optional-dependencies]
gpu = ["triton"]
dev = ["pytest>=8"]
"""

POETRY = """
[tool.poetry]
name = "svc"
[tool.poetry.dependencies]
python = "^3.11"
numpy = "^1.26"
requests = "*"
torch = { version = "2.3.1", source = "pytorch" }
lib = { git = "https://github.com/o/lib.git" }
pinned-lib = { git = "https://github.com/o/lib.git", tag = "v1" }
"""


def test_pyproject_pep621_and_extras():
    project = read_pyproject(textwrap.dedent(PYPROJECT))
    assert project is not None
    assert [(d.key, d.constrained) for d in project.dependencies] == [
        ("numpy", True),
        ("fastapi", False),
        ("uvicorn", False),
        ("torch", True),
        ("pkg", True),
    ]
    assert project.dependencies[2].name == "uvicorn[standard]"
    assert [d.key for d in project.optional["gpu"]] == ["triton"]


def test_pyproject_poetry_caret_counts_as_a_constraint_and_star_does_not():
    project = read_pyproject(textwrap.dedent(POETRY))
    assert project is not None
    assert {d.key: d.constrained for d in project.poetry} == {
        "numpy": True,
        "requests": False,
        "torch": True,
        "lib": False,
        "pinned-lib": True,
    }


def test_pyproject_uv_sources_index_and_constraints():
    project = read_pyproject(
        textwrap.dedent("""
        [project]
        name = "svc"
        dependencies = ["torch", "numpy"]
        [tool.uv]
        constraint-dependencies = ["numpy<2"]
        [tool.uv.sources]
        torch = { index = "pytorch-cu118" }
        [[tool.uv.index]]
        name = "pytorch-cu118"
        url = "https://download.pytorch.org/whl/cu118"
        explicit = true
        """)
    )
    assert project is not None
    assert project.uv_index_of == {"torch": "https://download.pytorch.org/whl/cu118"}
    assert project.uv_pinned == frozenset({"numpy"})


@pytest.mark.parametrize("text", ["[project", "x = ", "[project]\ndependencies = 3\n"])
def test_bad_pyproject_is_none_or_empty(text):
    project = read_pyproject(text)
    assert project is None or project.dependencies == ()


def test_locks_and_environment_parse():
    uv = read_lock('version = 1\n[[package]]\nname = "Torch"\nversion = "2.3.1+cu118"\n'
                   'source = { registry = "https://download.pytorch.org/whl/cu118" }\n')  # fmt: skip
    assert uv is not None and uv[0].key == "torch" and uv[0].source.endswith("/cu118")
    poetry = read_lock('[[package]]\nname = "torch"\nversion = "2.3.1+cu121"\n[package.source]\ntype = "legacy"\n'
                       'url = "https://download.pytorch.org/whl/cu121"\n')  # fmt: skip
    assert poetry is not None and poetry[0].version == "2.3.1+cu121"
    assert read_lock("not toml [") is None
    env = read_environment(
        "dependencies:\n  - python=3.11\n  - numpy\n  - conda-forge::pandas>=2\n  - pip\n"
        "  - pip:\n    - requests\n    - torch==2.3.1\n    - -r requirements.txt\n"
    )
    assert env is not None
    assert {d.key: d.constrained for d in env} == {
        "python": True,
        "numpy": False,
        "pandas": True,
        "pip": False,
        "requests": False,
        "torch": True,
    }
    assert read_environment("dependencies: [") is None


def ml703(directory: Path, dockerfile: str) -> list[str]:
    return [f.message for f in lint_in(directory, dockerfile, ["ML703"])]


def test_pip_install_project_reports_unpinned_dependencies_once(tmp_path):
    files(tmp_path, pyproject_dot_toml=PYPROJECT)
    found = ml703(
        tmp_path,
        """
        FROM python:3.11-slim
        WORKDIR /app
        COPY pyproject.toml .
        RUN pip install --no-cache-dir ".[gpu]"
        CMD ["python", "-m", "svc"]
        """,
    )
    assert len(found) == 1
    assert "`pip install .[gpu]` installs pyproject.toml, which lists 3 dependencies without a version" in found[0]
    assert "`fastapi`, `uvicorn[standard]`, `triton`" in found[0] and "pytest" not in found[0]


def test_pip_install_whole_context_copy_and_editable(tmp_path):
    files(tmp_path, svc__pyproject_dot_toml=PYPROJECT)
    found = ml703(
        tmp_path,
        """
        FROM python:3.11-slim
        COPY . /src
        RUN pip install --no-cache-dir -e /src/svc
        CMD ["python", "-m", "svc"]
        """,
    )
    assert len(found) == 1 and "svc/pyproject.toml" in found[0] and "2 dependencies" in found[0]


@pytest.mark.parametrize(
    "run",
    [
        "pip install --no-cache-dir --no-deps .",
        "pip install --no-cache-dir -c constraints.txt .",
        "pip install --no-cache-dir numpy==1.26.4",
    ],
)
def test_pip_install_project_near_misses(tmp_path, run):
    files(tmp_path, pyproject_dot_toml=PYPROJECT, constraints_dot_txt="fastapi==0.110.0\n")
    assert ml703(tmp_path, f'FROM python:3.11-slim\nCOPY . .\nRUN {run}\nCMD ["python", "app.py"]\n') == []


def test_fully_pinned_or_dynamic_pyproject_is_silent(tmp_path):
    files(tmp_path, pyproject_dot_toml='[project]\nname = "a"\ndependencies = ["numpy~=1.26", "fastapi>=0.110"]\n')
    dockerfile = 'FROM python:3.11-slim\nCOPY . .\nRUN pip install --no-cache-dir .\nCMD ["python", "app.py"]\n'
    assert ml703(tmp_path, dockerfile) == []
    files(tmp_path, pyproject_dot_toml='[project]\nname = "a"\ndynamic = ["dependencies"]\n')
    assert ml703(tmp_path, dockerfile) == []


def test_pyproject_not_copied_is_not_read(tmp_path):
    files(tmp_path, pyproject_dot_toml=PYPROJECT)
    dockerfile = 'FROM python:3.11-slim\nCOPY app.py .\nRUN pip install --no-cache-dir .\nCMD ["python", "app.py"]\n'
    assert ml703(tmp_path, dockerfile) == []


UV_SYNC = """
FROM python:3.11-slim
COPY --from=ghcr.io/astral-sh/uv:0.4.20 /uv /bin/uv
WORKDIR /app
COPY {copied} ./
RUN uv sync {flags}
CMD ["python", "-m", "svc"]
"""


def test_uv_sync_without_a_lock_resolves_afresh(tmp_path):
    files(tmp_path, pyproject_dot_toml=PYPROJECT)
    found = ml703(tmp_path, UV_SYNC.format(copied="pyproject.toml", flags=""))
    assert len(found) == 1 and "`uv sync` installs pyproject.toml" in found[0] and "`uv.lock`" in found[0]
    assert "triton" not in found[0]  # extras are installed only when asked for
    found = ml703(tmp_path, UV_SYNC.format(copied="pyproject.toml", flags="--extra gpu"))
    assert "`triton`" in found[0]


@pytest.mark.parametrize(
    "copied, flags", [("pyproject.toml uv.lock", ""), ("pyproject.toml", "--frozen"), ("pyproject.toml uv.lock*", "")]
)
def test_uv_sync_following_a_lock_is_silent(tmp_path, copied, flags):
    files(
        tmp_path,
        pyproject_dot_toml=PYPROJECT,
        uv_dot_lock='version = 1\n[[package]]\nname = "fastapi"\nversion = "0.110.0"\n',
    )
    assert ml703(tmp_path, UV_SYNC.format(copied=copied, flags=flags)) == []


def test_poetry_install_without_lock_reports_and_with_lock_is_silent(tmp_path):
    files(tmp_path, pyproject_dot_toml=POETRY, poetry_dot_lock='[[package]]\nname = "numpy"\nversion = "1.26.4"\n')
    dockerfile = 'FROM python:3.11-slim\nCOPY {} ./\nRUN poetry install --no-root\nCMD ["python", "app.py"]\n'
    found = ml703(tmp_path, dockerfile.format("pyproject.toml"))
    assert len(found) == 1 and "2 dependencies without a version (`requests`, `lib`)" in found[0]
    assert "poetry lock" in found[0]
    assert ml703(tmp_path, dockerfile.format("pyproject.toml poetry.lock")) == []


def test_conda_env_create_reports_bare_conda_and_pip_names(tmp_path):
    files(
        tmp_path,
        environment_dot_yml="""
        name: svc
        dependencies:
          - python=3.11
          - numpy=1.26
          - scipy
          - pip
          - pip:
            - requests
            - torch==2.3.1
        """,
    )
    found = ml703(
        tmp_path,
        """
        FROM continuumio/miniconda3:24.1.2-0
        COPY environment.yml /tmp/
        RUN conda env create -f /tmp/environment.yml && conda clean -afy
        CMD ["python", "app.py"]
        """,
    )
    assert len(found) == 1
    assert "`conda env create` installs environment.yml, which lists 2 dependencies without a version" in found[0]
    assert "(`scipy`, `requests`)" in found[0] and "`scipy=X.Y`" in found[0]


UV_LOCK = """
version = 1
requires-python = ">=3.10"

[[package]]
name = "torch"
version = "2.3.1+{label}"
source = {{ registry = "https://download.pytorch.org/whl/{label}" }}

[[package]]
name = "numpy"
version = "1.26.4"
source = {{ registry = "https://pypi.org/simple" }}
"""

CUDA12 = """
FROM nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04
COPY --from=ghcr.io/astral-sh/uv:0.4.20 /uv /bin/uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --locked
CMD ["python", "-m", "svc"]
"""


def test_ml501_reads_torchs_cuda_build_from_uv_lock(tmp_path):
    files(tmp_path, pyproject_dot_toml=PYPROJECT, uv_dot_lock=UV_LOCK.format(label="cu118"))
    found = lint_in(tmp_path, CUDA12, ["ML501"])
    assert [f.span.line for f in found] == [5]
    assert "`torch==2.3.1+cu118` (from uv.lock) is a CUDA 11.8 build" in found[0].message
    assert "then `uv lock`" in found[0].message


def test_ml501_silent_when_the_lock_agrees_or_no_lock_is_copied(tmp_path):
    files(tmp_path, pyproject_dot_toml=PYPROJECT, uv_dot_lock=UV_LOCK.format(label="cu121"))
    assert lint_in(tmp_path, CUDA12, ["ML501"]) == []
    files(tmp_path, uv_dot_lock=UV_LOCK.format(label="cu118"))
    assert lint_in(tmp_path, CUDA12.replace("pyproject.toml uv.lock", "pyproject.toml"), ["ML501"]) == []


def test_ml501_reads_poetry_lock_source(tmp_path):
    files(
        tmp_path,
        pyproject_dot_toml=POETRY,
        poetry_dot_lock='[[package]]\nname = "torch"\nversion = "2.3.1"\n[package.source]\ntype = "legacy"\n'
        'url = "https://download.pytorch.org/whl/cu118"\nreference = "pytorch"\n',
    )
    dockerfile = CUDA12.replace("uv.lock", "poetry.lock").replace("uv sync --locked", "poetry install --no-root")
    found = lint_in(tmp_path, dockerfile, ["ML501"])
    assert len(found) == 1 and "(from poetry.lock)" in found[0].message and "[[tool.poetry.source]]" in found[0].message


def test_ml501_reads_uv_sources_index_without_a_lock(tmp_path):
    files(
        tmp_path,
        pyproject_dot_toml="""
        [project]
        name = "svc"
        dependencies = ["torch==2.3.1"]
        [tool.uv.sources]
        torch = { index = "pytorch" }
        [[tool.uv.index]]
        name = "pytorch"
        url = "https://download.pytorch.org/whl/cu118"
        """,
    )
    found = lint_in(
        tmp_path, CUDA12.replace("pyproject.toml uv.lock", "pyproject.toml").replace(" --locked", ""), ["ML501"]
    )
    assert len(found) == 1 and "index URL `cu118`" in found[0].message
    # pip ignores [tool.uv.sources]: torch==2.3.1 from PyPI is a CUDA 12 build on this CUDA 12 base
    pip = CUDA12.replace("pyproject.toml uv.lock", "pyproject.toml").replace("uv sync --locked", "pip install .")
    assert lint_in(tmp_path, pip, ["ML501"]) == []


def test_cd_in_the_run_and_project_option_locate_the_manifest(tmp_path):
    files(tmp_path, svc__pyproject_dot_toml=PYPROJECT)
    cd = 'FROM python:3.11-slim\nCOPY svc svc\nRUN cd svc && uv sync\nCMD ["python", "app.py"]\n'
    assert len(ml703(tmp_path, cd)) == 1
    assert len(ml703(tmp_path, cd.replace("cd svc && uv sync", "uv sync --project svc"))) == 1
    assert ml703(tmp_path, cd.replace("cd svc", "cd $SOMEWHERE")) == []


def test_a_lock_too_big_to_read_still_counts_as_the_lock(tmp_path):
    files(tmp_path, pyproject_dot_toml=PYPROJECT)
    (tmp_path / "uv.lock").write_text("# padding\n" * 200_000)  # over the context's 1 MiB read limit
    assert ml703(tmp_path, UV_SYNC.format(copied="pyproject.toml uv.lock", flags="")) == []
