"""ML506 torch-cuda-variant-unspecified: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

import pytest

from ...conftest import lint, rule_lines


def test_ml506_plain_pypi_torch_on_cuda_base():
    text = """
        FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04
        RUN pip install --no-cache-dir torch==2.6.0
    """
    findings = lint(text, ["ML506"])
    assert rule_lines(findings, "ML506") == [2]
    assert "CUDA 12.4 build" in findings[0].message and "/whl/cu126" in findings[0].message
    assert "3 GB" not in findings[0].message  # not true of every base, and naming the index does not avoid it


def test_ml506_advice_is_not_circular_when_the_pypi_wheel_is_the_variant():
    # torch 2.7's PyPI wheel is the cu126 build, the variant suggested for a 12.4 base
    findings = lint("FROM nvidia/cuda:12.4.1-base-ubuntu22.04\nRUN pip install torch==2.7.1\n", ["ML506"])
    (message,) = [f.message for f in findings]
    assert "suits base" in message and "cannot silently switch" in message and "pip picks" not in message


@pytest.mark.parametrize(
    "install",
    [
        "pip install torch==2.3.1 --index-url https://download.pytorch.org/whl/cu121",
        "pip install torch==2.3.1 --extra-index-url https://download.pytorch.org/whl/cu121",
        "pip install torch==2.1.0+cu121 -f https://download.pytorch.org/whl/torch_stable.html",
        "uv pip install --system torch==2.3.1 --torch-backend cu121",
        "PIP_INDEX_URL=https://download.pytorch.org/whl/cu121 pip install torch==2.3.1",
        "conda install -y pytorch=2.1 pytorch-cuda=12.1 -c pytorch -c nvidia",
        "pip install torchvision==0.18.1",
        'CUDA_SHORT=$(echo 12.1 | tr -d .) && pip install "torch==2.3.1" --index-url https://download.pytorch.org/whl/cu${CUDA_SHORT}',
        "pip install torch==2.3.1 --extra-index-url ${TORCH_INDEX}",
    ],
)
def test_ml506_variant_named_is_silent(install):
    text = f"FROM nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04\nRUN {install}\n"
    assert rule_lines(lint(text, ["ML506"]), "ML506") == []


def test_ml506_one_finding_per_install_copied_through_several_stages():
    text = """
        FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS torch-install
        RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir torch==2.5.1
        FROM torch-install AS kernels-a
        RUN echo build a
        FROM torch-install AS kernels-b
        RUN echo build b
        FROM nvidia/cuda:12.6.3-base-ubuntu22.04
        COPY --from=kernels-a /opt/venv /opt/venv
        COPY --from=kernels-b /opt/venv /opt/venv
        COPY --from=torch-install /opt/venv /opt/venv
    """
    findings = lint(text, ["ML506"])
    assert rule_lines(findings, "ML506") == [2]
    assert "installed in stage `torch-install`" in findings[0].message


def test_ml506_cpu_base_is_silent():
    assert rule_lines(lint("FROM python:3.11-slim\nRUN pip install torch==2.3.1\n", ["ML506"]), "ML506") == []


def test_ml506_never_suggests_an_index_that_does_not_exist():
    # torch 1.13 was published for CUDA 11 only: ML501 reports it on a CUDA 12 base; ML506 adds no cu12x index
    findings = lint(
        """
        FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04
        RUN pip install --no-cache-dir torch==1.13.1
        """,
        ["ML501", "ML506"],
    )
    assert [f.rule for f in findings] == ["ML501"] and "whl/cu12" not in findings[0].message


def test_ml506_suggests_the_closest_published_variant_of_the_base_major():
    # torch 2.7 has cu118, cu126, cu128; on CUDA 12.4 none is <= 12.4, so the closest newer one, cu126
    findings = lint(
        """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        RUN pip install --no-cache-dir torch==2.7.1
        """,
        ["ML506"],
    )
    assert [f.rule for f in findings] == ["ML506"] and "whl/cu126" in findings[0].message


def test_ml506_if_branch_on_a_set_index_url_is_not_plain_pypi():
    # axolotl Dockerfile-uv-base: the `then` branch only runs when TORCH_INDEX_URL is set
    text = """
        FROM nvidia/cuda:12.6.3-cudnn-devel-ubuntu22.04
        ARG TORCH_BACKEND="cu126"
        ARG TORCH_INDEX_URL=""
        RUN if [ -n "$TORCH_INDEX_URL" ]; then \\
                uv pip install --system --index-url "$TORCH_INDEX_URL" torch==2.6.0; \\
            else \\
                UV_TORCH_BACKEND=$TORCH_BACKEND uv pip install --system torch==2.6.0; \\
            fi
    """
    assert rule_lines(lint(text, ["ML5"]), "ML506") == []
