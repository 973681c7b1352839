"""Fake ML repositories as build contexts, linted with the ML8xx rules."""

from __future__ import annotations

import textwrap
from pathlib import Path

from dockerlint_ml.context import BuildContext
from dockerlint_ml.lint import Linter
from dockerlint_ml.model import Finding
from dockerlint_ml.registry import builtin_rules
from dockerlint_ml.settings import Settings

MiB = 1 << 20
GiB = 1 << 30


def make(root: Path, files: dict[str, str | int]) -> Path:
    """Create ``files`` under ``root``: text, or an int for a sparse file of that apparent size."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, int):
            with open(path, "wb") as handle:
                handle.truncate(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def lint_context(
    root: Path,
    dockerfile: str,
    select: str,
    *,
    name: str = "Dockerfile",
    context: Path | None = None,
    options: dict | None = None,
) -> list[Finding]:
    """Write ``dockerfile`` as ``root/name`` and lint it with ``context`` (default ``root``) as build context."""
    text = textwrap.dedent(dockerfile).lstrip("\n")
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    settings = Settings(select=(select,), extend_select=(select,), rule_options=options or {})
    linter = Linter(settings, builtin_rules())
    result = linter.lint_bytes(text.encode(), str(path), BuildContext(context or root))
    assert result.error is None, result.error
    return [f for f in result.findings if f.rule == select]


APP = """
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
CMD ["python", "serve.py"]
"""

ML_REPO: dict[str, str | int] = {
    "requirements.txt": "torch==2.3.0\n",
    "serve.py": "print('hi')\n",
    "src/model.py": "",
    ".git/HEAD": "ref: refs/heads/main\n",
    ".git/objects/pack/pack-1.pack": 30 * MiB,
    ".venv/pyvenv.cfg": "home = /usr/bin\n",
    ".venv/lib/python3.11/site-packages/torch/lib/libtorch.so": 40 * MiB,
    "checkpoints/epoch=3.ckpt": 5 * GiB,
    "data/train-00000.parquet": 120 * MiB,
    "data/val.parquet": 3 * MiB,
    "notebooks/.ipynb_checkpoints/eda-checkpoint.ipynb": "{}",
    ".env": "WANDB_API_KEY=abc\n",
    "tests/fixtures/tiny.npy": 2048,
}
