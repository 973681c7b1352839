"""Time the build-context walk (ML8xx): 100 000 files with nothing excluded, the same with `data/` excluded
(most files are under data/), and a context holding a symlink to `/`.

    python benchmarks/context_walk.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dockerlint_ml.context import BuildContext


def build(root: Path, files: int = 100_000) -> None:
    """90% of the files under data/ (900 directories), the rest in src/ and a sparse 5 GiB checkpoint."""
    for index in range(files):
        top = "data" if index % 10 else "src"
        directory = root / top / f"d{index % 900:03d}"
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"f{index}.bin").touch()
    with open(root / "model.safetensors", "wb") as handle:
        handle.truncate(5 << 30)


def timed(root: Path, label: str) -> None:
    best = min(_once(root) for _ in range(3))
    walk = BuildContext(root).walk()
    assert walk is not None
    state = "partial" if walk.partial else "complete"
    sent = f"{walk.walked:>7,} entries walked, {len(walk.files):>7,} files sent ({state})"
    print(f"{label:<40} {best * 1000:8.0f} ms  {sent}")


def _once(root: Path) -> float:
    start = time.perf_counter()
    BuildContext(root).walk()
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build(root)
        timed(root, "100 000 files, nothing excluded")
        (root / ".dockerignore").write_text("data\n")
        timed(root, "100 000 files, data/ excluded")
        (root / ".dockerignore").write_text("data\n!data/d001/f1.bin\n")
        timed(root, "data/ excluded, one exception under it")
        os.remove(root / ".dockerignore")
        os.symlink("/", root / "slash")
        timed(root, "100 000 files + symlink to /")
        big = root / "more"
        for index in range(150_000):
            if index % 1000 == 0:
                (big / f"d{index // 1000}").mkdir(parents=True)
            (big / f"d{index // 1000}" / f"{index}").touch()
        timed(root, "250 000 files (entry limit 200 000)")


if __name__ == "__main__":
    main()
