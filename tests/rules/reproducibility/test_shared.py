"""Tests of several reproducibility rules, or of the helpers they share."""

from __future__ import annotations

from dockerlint_ml.rules.reproducibility import requirement_pinned

from ...conftest import lint


def test_requirement_pinned_table():
    cases = {
        "torch": False,
        "torch==2.3.1": True,
        "pkg===1.0": True,
        "numpy~=1.26": True,
        "transformers>=4.41,<5": True,
        "numpy<2": True,
        "pandas>=2": False,
        "x!=1": False,
        "jax[cuda12]==0.4.30": True,
        "jax[cuda12]": False,
        "./wheels/torch-2.3.1-cp311-none-linux_x86_64.whl": True,
        "/tmp/pkg.tar.gz": True,
        ".": True,
        "https://example.com/pkg-1.0.tar.gz": True,
        "pkg @ https://example.com/pkg-1.0.zip": True,
        "git+https://github.com/org/repo.git@v1.2#egg=repo": True,
        "git+https://github.com/org/repo.git": False,
        "git+ssh://git@github.com/org/repo.git": False,
        'torch==2.3.1; python_version >= "3.9"': True,
    }
    assert {text: requirement_pinned(text) for text in cases} == cases


def test_messages_do_not_repeat_credentials():
    text = """
        FROM python:3.11-slim
        RUN git clone https://oauth2:glpat-x1y2z3FAKE@gitlab.com/org/repo.git && \\
            pip install "git+https://user:ghp_FAKE@github.com/org/lib.git" "uvicorn[standard]"
        """
    messages = [f.message for f in lint(text, ["ML703", "ML706"])]
    assert len(messages) == 2 and not any("FAKE" in m for m in messages)
    assert any("`git clone https://***@gitlab.com/org/repo.git`" in m for m in messages)
    assert any("`git+https://***@github.com/org/lib.git` (no commit or tag)" in m for m in messages)
    assert any("`uvicorn[standard]`" in m for m in messages)
