"""LSP time per change: what ``mllint --lsp`` does after each (debounced) edit of a ~300-line Dockerfile.

    python benchmarks/lsp_change.py [--lines 300] [--changes 200]

In-process, without the stdio transport: each change edits one character of one line (as typing does), then
runs the server's on-change path: find the settings (the config ``stat`` walk), lint the buffer with the build
context (the document's parse memory hands back the instructions the edit did not touch, so only the edited
RUN goes through tree-sitter), attach fixes, and turn the findings into LSP diagnostics with UTF-16 positions.
Prints the median and the 90th percentile in milliseconds, split into lint and conversion. The input is made of
the deterministic corpus files (benchmarks/corpus.py) put one after another until the wanted length: a
multi-stage Dockerfile.
Never used by the test suite: timings vary by machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from corpus import render

from dockerlint_ml.lsp.convert import LineIndex
from dockerlint_ml.lsp.documents import Engine
from dockerlint_ml.lsp.server import diagnostic


def document(lines: int, seed: int = 0) -> str:
    parts: list[str] = []
    total, index = 0, 0
    while total < lines:
        text = render(seed, index)
        parts.append(text)
        total += text.count("\n")
        index += 1
    return "".join(parts)


def edits(text: str, count: int) -> list[str]:
    """``count`` versions of ``text``, each with one character of one RUN line changed (a version digit)."""
    lines = text.split("\n")
    targets = [i for i, line in enumerate(lines) if line.lstrip().startswith("RUN")] or [0]
    versions = []
    for n in range(count):
        changed = list(lines)
        line = targets[n % len(targets)]
        changed[line] = changed[line] + f" # {n % 10}"
        versions.append("\n".join(changed))
    return versions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--changes", type=int, default=200)
    options = parser.parse_args(argv)
    text = document(options.lines)
    with tempfile.TemporaryDirectory() as directory:
        path = str(Path(directory) / "Dockerfile")
        engine = Engine()
        engine.lint(path, text)  # warm-up: imports, knowledge tables, tree-sitter
        lint_ms, convert_ms, findings = [], [], 0
        for version in edits(text, options.changes):
            start = time.perf_counter()
            outcome = engine.lint(path, version)
            middle = time.perf_counter()
            index = LineIndex.of(version)
            diagnostics = [diagnostic(finding, index) for finding in outcome.result.findings]
            end = time.perf_counter()
            lint_ms.append((middle - start) * 1000)
            convert_ms.append((end - middle) * 1000)
            findings = len(diagnostics)
    total = [a + b for a, b in zip(lint_ms, convert_ms, strict=True)]

    def figures(values: list[float]) -> str:
        ordered = sorted(values)
        return f"median {statistics.median(ordered):6.2f} ms   p90 {ordered[int(len(ordered) * 0.9)]:6.2f} ms"

    print(f"{text.count(chr(10))}-line Dockerfile, {findings} findings, {options.changes} changes")
    print(f"  lint + fixes:        {figures(lint_ms)}")
    print(f"  LSP diagnostics:     {figures(convert_ms)}")
    print(f"  per change (total):  {figures(total)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
