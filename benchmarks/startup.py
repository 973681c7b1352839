"""Start-up of ``mllint`` as pre-commit and a terminal see it: whole processes, side by side with the bare
interpreter, paired run by run (A B A B ...) so that a drifting machine does not skew the ratio.

    python benchmarks/startup.py [--runs 30]

Reports medians for (a) one small file, cold, (b) a pre-commit batch of 5 files in one process, each next to
``python -c pass`` of the same interpreter, and the ratio. The goal (issue 13) is (a) within 4.5x. Run it with
the interpreter of the environment mllint is installed in; ``farm-bench`` gives the same figures with spread.
Never used by the test suite: timings vary by machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SMALL = """\
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER 10001
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
"""
GPU = """\
FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir torch==2.4.0 --index-url https://download.pytorch.org/whl/cu124
COPY model/ /models/
CMD ["python3", "serve.py"]
"""
#: what the ``mllint`` script runs (used when the script is not beside the interpreter)
CONSOLE = "from dockerlint_ml.console import main; main()"


def mllint_command() -> list[str]:
    """The installed ``mllint`` script of this interpreter's environment, as pre-commit runs it."""
    script = Path(sys.executable).parent / "mllint"
    return [str(script)] if script.is_file() else [sys.executable, "-c", CONSOLE]


def timed(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def paired(command: list[str], baseline: list[str], cwd: Path, runs: int) -> tuple[float, float, float]:
    """Median seconds of the command, of the baseline, and the median of the pairwise ratios."""
    timed(command, cwd), timed(baseline, cwd)  # warm the page cache and the bytecode cache
    a, b = [], []
    for _ in range(runs):
        a.append(timed(command, cwd))
        b.append(timed(baseline, cwd))
    ratios = [x / y for x, y in zip(a, b, strict=True)]
    return statistics.median(a), statistics.median(b), statistics.median(ratios)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    python = sys.executable
    bare = [python, "-c", "pass"]
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "Dockerfile").write_text(SMALL)
        for index in range(5):
            (root / f"Dockerfile.{index}").write_text(GPU if index % 2 else SMALL)
        mllint = mllint_command()
        cases = {  # a temporary directory: no config file above it
            "one small file, cold": [*mllint, "Dockerfile"],
            "pre-commit batch of 5 files": [*mllint, *(f"Dockerfile.{i}" for i in range(5))],
            "one file with an option (click)": [*mllint, "--quiet", "Dockerfile"],
        }
        print(f"{'case':32} {'mllint ms':>10} {'python -c pass ms':>18} {'ratio':>7}")
        for label, argv in cases.items():
            command_s, bare_s, ratio = paired(argv, bare, root, args.runs)
            print(f"{label:32} {command_s * 1e3:10.1f} {bare_s * 1e3:18.1f} {ratio:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
