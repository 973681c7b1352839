"""ML703 pip-unpinned: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint, rule_lines
from .helpers import _findings, _lines


def test_ml703_one_finding_per_install_command():
    text = """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir --upgrade pip setuptools wheel && \\
            # the serving stack
            pip install --no-cache-dir torch transformers==4.41.2 "fastapi>=0.110" \\
                --index-url https://download.pytorch.org/whl/cpu && \\
            python3 -m pip install -U 'numpy<2' scikit-learn
        RUN uv pip install --system polars
        """
    findings = _findings(text, "ML703")
    assert [(f.span.line, f.span.column) for f in findings] == [(4, 32), (6, 41), (7, 29)]
    assert "2 packages" in findings[0].message
    assert "`torch`, `fastapi>=0.110` (no upper bound)" in findings[0].message
    assert "`scikit-learn` is installed without a version" in findings[1].message


def test_ml703_unquoted_specifier_is_a_redirect():
    findings = _findings("FROM python:3.11-slim\nRUN pip install numpy>=1.2 scipy==1.13.1\n", "ML703")
    assert [(f.span.line, f.span.column) for f in findings] == [(2, 17)]
    assert "shell redirect" in findings[0].message


def test_ml703_not_checked():
    text = """
        FROM python:3.11-slim AS build
        ARG TORCH_VERSION=2.3.1
        ARG EXTRA
        RUN pip install -r requirements.txt torch
        RUN pip install -c constraints.txt torch transformers
        RUN pip install --no-cache-dir -e . && pip install .[serve]
        RUN pip install torch==${TORCH_VERSION} $EXTRA $(cat extra.txt)
        RUN --mount=type=cache,target=/root/.cache/pip pip wheel --wheel-dir /wheels torch
        FROM python:3.11-slim
        ENV PIP_CONSTRAINT=/constraints.txt
        COPY --from=build /wheels /wheels
        RUN pip install --no-index --find-links /wheels torch
        """
    assert _lines(text, "ML703") == []


def test_ml703_resolved_arg_and_heredoc():
    text = """
        FROM python:3.11-slim
        ARG PKG=torch
        RUN pip install $PKG
        RUN <<EOF
        set -e
        pip install --no-cache-dir onnxruntime
        EOF
        """
    assert _lines(text, "ML703") == [3, 6]


def test_ml703_torch_companions_follow_a_pinned_torch():
    # every torchvision/torchaudio release requires one exact torch, so a pinned torch pins them too
    text = """
        FROM python:3.11-slim
        ARG TORCH_VERSION=2.5.1
        RUN pip install --no-cache-dir "torch==${TORCH_VERSION}" torchvision torchaudio \\
                --index-url https://download.pytorch.org/whl/cu124
        RUN uv pip install --system torch==${TORCH_VERSION}+cpu torchvision
        RUN pip install --no-cache-dir torch torchvision
        RUN pip install --no-cache-dir torch>=2.4 torchaudio
        """
    findings = _findings(text, "ML703")
    assert rule_lines(findings, "ML703") == [6, 7]
    # unpinned together, they are one matched set: one piece of advice, from one release
    assert "pin the set together, from one release (`torch==X.Y.Z torchvision==A.B.C`)" in findings[0].message
    assert "`torch`" in findings[1].message and "`torchaudio`" in findings[1].message


def test_ml703_ignore_packages_option():
    text = "FROM python:3.11-slim\nRUN pip install -U pip torch==2.3.1\n"
    assert _lines(text, "ML703") == []
    assert _lines(text, "ML703", rule_options={"ML703": {"ignore-packages": []}}) == [2]


def test_ml703_build_tooling_is_exempt():
    text = "FROM python:3.11-slim\nRUN pip install -U pip setuptools wheel packaging Setuptools_SCM==8.1.0\n"
    assert _lines(text, "ML703") == []


def test_ml703_option_values_are_not_packages():
    text = """
        FROM python:3.11-slim
        RUN uv pip install --system --index-strategy unsafe-best-match --resolution lowest --prerelease allow \\
                --link-mode copy --torch-backend cu124 -P numpy requests==2.32.3
        RUN pip install --progress-bar off --upgrade-strategy eager --root-user-action ignore --timeout 60 \\
                --exists-action w --retries 5 --report report.json numpy==2.1.3
        """
    assert _lines(text, "ML703") == []


def test_ml703_keeps_extras_in_the_advice():
    findings = _findings('FROM python:3.11-slim\nRUN pip install "jax[cuda12]" "tensorflow[and-cuda]"\n', "ML703")
    assert len(findings) == 1
    message = findings[0].message
    assert "`jax[cuda12]==X.Y.Z`" in message and "`tensorflow[and-cuda]==X.Y.Z`" in message
    single = _findings('FROM python:3.11-slim\nRUN pip install "jax[cuda12]"\n', "ML703")[0].message
    assert "pin it (`jax[cuda12]==X.Y.Z`)" in single


def test_ml703_nightlies_float_by_design():
    text = """
        FROM python:3.11-slim
        RUN pip install --pre torch torchvision --index-url https://download.pytorch.org/whl/nightly/cu124
        RUN pip install torchserve-nightly tf-nightly-gpu
        RUN pip install torch --index-url https://download.pytorch.org/whl/nightly/cu124
        RUN uv pip install --system --prerelease allow torch --index-url https://download.pytorch.org/whl/nightly/cpu
        RUN uv pip install --system --prerelease disallow torch --index-url https://download.pytorch.org/whl/nightly/cpu
        """
    assert _lines(text, "ML703") == [4, 6]


def test_ml703_floor_settled_by_a_project_install_in_the_same_run():
    text = """
        FROM python:3.11-slim
        COPY . /app
        RUN pip install "huggingface_hub>=1.5" && uv pip install --system -e /app
        RUN pip install "huggingface_hub>=1.5" kernels && pip install /app
        RUN pip install "huggingface_hub>=1.5"
        RUN pip install /app
        """
    findings = _findings(text, "ML703")
    assert rule_lines(findings, "ML703") == [4, 5]
    assert "`kernels` is installed without a version" in findings[0].message


def test_ml703_only_stages_the_shipped_image_needs():
    text = """
        FROM python:3.11-slim AS docs
        RUN pip install sphinx
        FROM python:3.11-slim AS build
        RUN pip install --target /deps requests
        FROM python:3.11-slim
        COPY --from=build /deps /deps
        """
    assert _lines(text, "ML703") == [4]


def test_ml703_variable_in_the_name():
    text = """
        FROM python:3.11-slim
        ARG SPEC
        RUN if [ "$(uname -m)" = "x86_64" ]; then TF_POSTFIX="-cpu"; else TF_POSTFIX=""; fi && \\
            pip install "tensorflow${TF_POSTFIX}"
        RUN PIN="==2.5.1" && pip install "torch${PIN}"
        RUN pip install "torch${SPEC}"
        """
    findings = _findings(text, "ML703")
    assert rule_lines(findings, "ML703") == [4]  # the word's line (the RUN starts on line 3)
    assert "`tensorflow${TF_POSTFIX}`" in findings[0].message


def test_ml703_pip_spelled_with_variables():
    text = """
        FROM python:3.11-slim
        ARG PYTHON_VERSION=3.11
        RUN python$PYTHON_VERSION -m pip install torchserve
        RUN "$VENV/bin/pip" install requests && "${CONDA_DIR}/envs/${env_name}/bin/pip" install httpx
        RUN ${PYTHON} -m pip install fastapi
        """
    assert _lines(text, "ML703") == [3, 4, 4, 5]


def test_ml703_builder_install_that_does_not_reach_the_image_is_silent():
    # `uv venv` seeds no pip: the plain `pip` of the builder installs into the system Python, which the final
    # stage does not copy (only the venv); with `python -m venv` pip lives in the venv, so tomli ships
    template = """
        FROM python:3.12-slim AS builder
        ENV VIRTUAL_ENV=/prod_venv
        RUN {make_venv} /prod_venv
        ENV PATH="/prod_venv/bin:$PATH"
        RUN pip install --no-cache-dir tomli && python licenses.py > /third_party.txt

        FROM python:3.12-slim
        COPY --from=builder /prod_venv /prod_venv
        COPY --from=builder /third_party.txt /third_party.txt
        CMD ["python", "-m", "app"]
        """
    assert rule_lines(lint(template.format(make_venv="uv venv"), ["ML703"]), "ML703") == []
    assert rule_lines(lint(template.format(make_venv="python -m venv"), ["ML703"]), "ML703") == [5]
    assert rule_lines(lint(template.format(make_venv="uv venv --seed"), ["ML703"]), "ML703") == [5]


def test_ml703_tooling_is_not_reported_but_runtime_packages_are():
    text = """
        FROM python:3.12-slim
        RUN pip install --no-cache-dir pytest ipython sphinx
        RUN pip install --no-cache-dir pytest requests
        """
    findings = [f for f in lint(text, ["ML703"]) if f.rule == "ML703"]
    assert [f.span.line for f in findings] == [3]
    assert "`requests`" in findings[0].message and "pytest" not in findings[0].message


def test_ml703_same_packages_in_both_branches_is_one_finding():
    text = """
        FROM python:3.12-slim
        RUN if [ -n "$CI" ]; then pip install --no-cache-dir genai-perf; else pip install genai-perf; fi
        """
    assert _lines(text, "ML703") == [2]


# `-r FILE` read through the build context


def _in_context(root, files: dict[str, str], dockerfile: str) -> list:
    from ..context.helpers import lint_context, make

    return lint_context(make(root, files), dockerfile, "ML703")


_REQUIREMENTS_APP = """
    FROM python:3.11-slim
    WORKDIR /app
    COPY requirements.txt extra.txt ./
    RUN pip install --no-cache-dir -r requirements.txt
    CMD ["python", "serve.py"]
    """


def test_ml703_requirements_file_unpinned_reported_once_on_the_install_line(tmp_path):
    files = {"requirements.txt": "torch\nfastapi>=0.110\njax[cuda12]\nnumpy==1.26.4\n-e .\n./libs/x\n", "extra.txt": ""}
    findings = _in_context(tmp_path, files, _REQUIREMENTS_APP)
    assert [(f.span.line, f.span.column) for f in findings] == [(4, 35)]
    message = findings[0].message
    assert "`pip install -r requirements.txt` installs 3 packages without a pinned version" in message
    assert "`torch`, `fastapi>=0.110` (no upper bound), `jax[cuda12]`" in message
    assert "pin each in requirements.txt (`jax[cuda12]==X.Y.Z`" in message and "numpy" not in message


def test_ml703_requirements_file_pinned_is_silent(tmp_path):
    pinned = "torch==2.3.1\nfastapi>=0.110,<1\nrequests~=2.31\nx @ https://h/x.whl\ngit+https://h/o/r.git@v1\n"
    files = {"requirements.txt": pinned, "extra.txt": ""}
    assert _in_context(tmp_path, files, _REQUIREMENTS_APP) == []


def test_ml703_requirements_file_decided_elsewhere_is_silent(tmp_path):
    unpinned = {"requirements.txt": "torch\n", "extra.txt": "", "constraints.txt": "torch==2.3.1\n"}
    with_constraints = _REQUIREMENTS_APP.replace("-r requirements.txt", "-r requirements.txt -c constraints.txt")
    assert _in_context(tmp_path / "c", unpinned, with_constraints) == []
    env = _REQUIREMENTS_APP.replace("WORKDIR /app", "WORKDIR /app\nENV PIP_CONSTRAINT=/app/constraints.txt")
    assert _in_context(tmp_path / "e", unpinned, env) == []
    inner = {"requirements.txt": "-c constraints.txt\ntorch\n", "extra.txt": ""}
    assert _in_context(tmp_path / "i", inner, _REQUIREMENTS_APP) == []
    hashed = "torch==2.3.1 \\\n    --hash=sha256:abc\nfilelock --hash=sha256:def\n"
    hashes = {"requirements.txt": hashed, "extra.txt": ""}
    assert _in_context(tmp_path / "h", hashes, _REQUIREMENTS_APP) == []
    require = _REQUIREMENTS_APP.replace("-r requirements.txt", "--require-hashes -r requirements.txt")
    assert _in_context(tmp_path / "r", unpinned, require) == []


def test_ml703_requirements_file_nested_relative_to_the_file(tmp_path):
    files = {"reqs/base.txt": "-r common.txt\ntransformers==4.41.2\n", "reqs/common.txt": "scipy\n"}
    dockerfile = """
        FROM python:3.11-slim
        COPY reqs /src/reqs
        RUN cd /src && uv pip install --system -r reqs/base.txt
        """
    findings = _in_context(tmp_path, files, dockerfile)
    assert len(findings) == 1
    assert "`uv pip install -r reqs/base.txt` installs 1 package without a pinned version (in reqs/common.txt)" in (
        findings[0].message
    )
    assert "`scipy`" in findings[0].message


def test_ml703_requirements_file_not_seen_is_silent(tmp_path):
    files = {"requirements.txt": "torch\n", "extra.txt": ""}
    not_copied = _REQUIREMENTS_APP.replace("COPY requirements.txt extra.txt ./", "COPY extra.txt ./")
    assert _in_context(tmp_path / "a", files, not_copied) == []
    # the nested file was not copied: pip fails, or another file decides; either way not ours to tell
    nested = {"requirements.txt": "-r base.txt\ntorch\n", "extra.txt": "", "base.txt": "numpy==2.0.0\n"}
    assert _in_context(tmp_path / "b", nested, _REQUIREMENTS_APP) == []
    # regenerated in the build: the context's copy is not what pip reads
    compiled = _REQUIREMENTS_APP.replace("RUN pip", "RUN uv pip compile requirements.in -o requirements.txt\nRUN pip")
    assert _in_context(tmp_path / "c", files, compiled) == []
    cloned = """
        FROM python:3.11-slim
        COPY . serve
        RUN rm -rf serve && git clone https://github.com/org/serve.git serve
        WORKDIR serve
        RUN pip install -r requirements.txt
        """
    assert _in_context(tmp_path / "d", files, cloned) == []


def test_ml703_requirements_file_without_context_is_silent():
    text = "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    assert _lines(text, "ML703") == []


def test_ml703_requirements_file_scope_and_command_line(tmp_path):
    files = {"requirements.txt": "torch==2.5.1\nrequests\n", "dev.txt": "pytest\n"}
    dockerfile = """
        FROM python:3.11-slim AS docs
        COPY requirements.txt .
        RUN pip install -r requirements.txt
        FROM python:3.11-slim
        COPY requirements.txt dev.txt ./
        RUN pip install -r requirements.txt torchvision numpy
        RUN pip install -r dev.txt
        RUN pip install -r requirements.txt requests==2.32.3
        """
    findings = _in_context(tmp_path, files, dockerfile)
    # the docs stage is not built; torchvision follows the pinned torch; pytest is tooling; requests pinned inline
    assert [f.span.line for f in findings] == [6]
    assert "2 packages" in findings[0].message and "`requests`, `numpy`" in findings[0].message
    assert "(in requirements.txt and on the command line)" in findings[0].message


def test_ml703_a_bare_name_an_earlier_install_already_settled_is_a_no_op(tmp_path):
    """`pip install twine requests` after `-r requirements.txt` installed `requests>=2.33,<3`: pip keeps what
    is installed (no -U), so nothing can drift (roboflow/inference, judged false on review). Next to another
    unpinned package it still counts: that one's latest release may require a newer one."""
    dockerfile = """
        FROM python:3.12-slim
        WORKDIR /app
        COPY requirements.txt ./
        RUN pip install --no-cache-dir -r requirements.txt
        RUN pip install --no-cache-dir twine requests && python setup.py bdist_wheel
        CMD ["python", "serve.py"]
        """
    files = {"requirements.txt": "requests>=2.33.0,<3.0.0\nnumpy==2.1.0\n"}
    assert _in_context(tmp_path, files, dockerfile) == []
    upgraded = dockerfile.replace("pip install --no-cache-dir twine requests", "pip install -U twine requests")
    assert "requests" in _in_context(tmp_path / "u", files, upgraded)[0].message  # -U: it floats again
    inline = 'FROM python:3.12-slim\nRUN pip install numpy==2.1.0\nRUN pip install numpy\nCMD ["python"]\n'
    assert lint(inline, ["ML703"], dedent=False) == []
    beside = inline.replace("RUN pip install numpy\n", "RUN pip install numpy pandas\n")
    assert len(lint(beside, ["ML703"], dedent=False)) == 1


def test_ml703_a_floor_a_comment_justifies_with_an_advisory_is_deliberate():
    text = """
        FROM nvcr.io/nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
        # apt's uvicorn drags in python3-h11 0.13.0 (CVE-2025-43859): upgrade it in place
        RUN apt-get update && apt-get install -y uvicorn python3-pip && rm -rf /var/lib/apt/lists/* \\
         && pip3 install --no-cache-dir --upgrade --target=/usr/lib/python3/dist-packages "h11>=0.16.0"
        CMD ["uvicorn", "app:app"]
        """
    assert lint(text, ["ML703"]) == []
    assert len(lint(text.replace("(CVE-2025-43859)", "(old)"), ["ML703"])) == 1
    assert len(lint(text.replace('"h11>=0.16.0"', "h11"), ["ML703"])) == 1  # a bare name is no floor


def test_ml703_a_project_install_after_a_locked_sync_finds_its_dependencies_installed(tmp_path):
    """InvokeAI: `uv sync --frozen` installs uv.lock, then `uv pip install -e .` resolves nothing new."""
    dockerfile = """
        FROM python:3.12-slim
        COPY --from=ghcr.io/astral-sh/uv:0.6.9 /uv /bin/
        WORKDIR /app
        COPY pyproject.toml uv.lock ./
        RUN uv sync --frozen
        COPY . .
        RUN uv pip install --system -e .
        CMD ["python", "-m", "app"]
        """
    files = {"pyproject.toml": '[project]\nname = "app"\nversion = "1"\ndependencies = ["numpy", "requests"]\n'}
    files["uv.lock"] = "version = 1\n"
    assert _in_context(tmp_path, files, dockerfile) == []
    unlocked = dockerfile.replace("RUN uv sync --frozen\n", "")
    assert _in_context(tmp_path / "u", files, unlocked)
