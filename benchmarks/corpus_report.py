"""Lint a directory of Dockerfiles and print findings per file and per rule, so a precision review starts
from numbers.

    python benchmarks/corpus_report.py DIR [--all-files] [--json OUT] [-- extra mllint options]

Every regular file under DIR is linted when ``--all-files`` is given (corpora often save Dockerfiles under
flattened names); otherwise mllint's own discovery picks the Dockerfiles. Prints warnings+errors per file
(the figure the review quotes), counts per rule and severity, and per inferred image role.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
from pathlib import Path


def _files(directory: Path, all_files: bool) -> list[str]:
    if not all_files:
        return [str(directory)]
    return sorted(str(p) for p in directory.rglob("*") if p.is_file() and not p.is_symlink())


def _run(arguments: list[str]) -> dict:
    command = [sys.executable, "-m", "dockerlint_ml", "--format", "json", "--fail-on", "never", *arguments]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode not in (0, 1, 2) or not completed.stdout.strip():
        raise SystemExit(f"mllint failed ({completed.returncode}): {completed.stderr.strip()}")
    return json.loads(completed.stdout)


def _roles(files: list[str], extra: list[str]) -> collections.Counter:
    completed = subprocess.run(
        [sys.executable, "-m", "dockerlint_ml", "--facts", "--format", "json", *extra, *files],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        documents = json.loads(completed.stdout or "[]")
    except json.JSONDecodeError:
        return collections.Counter()
    return collections.Counter(document.get("image", {}).get("role", "?") for document in documents)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--all-files", action="store_true", help="lint every file, not only Dockerfile names")
    parser.add_argument("--json", dest="json_out", help="also write the raw mllint JSON report here")
    parser.add_argument("extra", nargs="*", help="options passed to mllint (after --)")
    options = parser.parse_args(argv)
    files = _files(options.directory, options.all_files)
    report = _run([*options.extra, *files])
    if options.json_out:
        Path(options.json_out).write_text(json.dumps(report, indent=2) + "\n")
    findings = report["findings"]
    linted = {f["path"] for f in findings} | {e.get("path") for e in report.get("errors", [])}
    file_count = len(files) if options.all_files else max(len(linted), 1)
    serious = [f for f in findings if f["severity"] in ("error", "warning")]

    per_file = collections.Counter(f["path"] for f in serious)
    print(f"files: {file_count}  findings: {len(findings)}  warnings+errors: {len(serious)}")
    print(f"warnings+errors per file: {len(serious) / file_count:.2f}")
    print(f"errors (unreadable files): {len(report.get('errors', []))}")
    print("\nper rule (error / warning / info):")
    by_rule: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for finding in findings:
        by_rule[finding["rule"]][finding["severity"]] += 1
    for rule in sorted(by_rule):
        counts = by_rule[rule]
        print(f"  {rule}  {counts['error']:4d} {counts['warning']:4d} {counts['info']:4d}")
    if options.all_files:
        print("\nimage roles:")
        for role, count in _roles(files, options.extra).most_common():
            print(f"  {role:10s} {count}")
    print("\nwarnings+errors per file (most first):")
    for path, count in per_file.most_common():
        print(f"  {count:4d}  {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
