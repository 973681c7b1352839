"""Linting many files: serially, or spread over worker processes with ``--jobs`` (output identical to the
serial run, in the same order). Workers send back findings and lines, not the parsed models."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from .files import Input, read
from .lint import FileResult, Linter
from .rules.base import Rule
from .settings import Settings

AUTO_JOBS_MIN_FILES = 200  # below this, starting workers costs more than it saves
ContextFactory = Callable[[str], Any]

_worker: tuple[Linter, ContextFactory] | None = None


def lint_input(linter: Linter, item: Input, build_context: ContextFactory, stdin_name: str = "-") -> FileResult:
    """Lint one input and attach fixes; the parsed model is dropped (reporters need only the lines), so a
    large batch does not keep every model in memory."""
    return replace(_lint_with_fixes(linter, item, build_context, stdin_name), dockerfile=None)


def _lint_with_fixes(linter: Linter, item: Input, build_context: ContextFactory, stdin_name: str) -> FileResult:
    if item.error is not None:
        return FileResult(item.path, error=item.error)
    if item.path == "-":
        result = linter.lint_bytes(sys.stdin.buffer.read(), stdin_name, build_context("-"))
    else:
        try:
            data = read(item.path)
        except OSError as error:
            return FileResult(item.path, error=str(error))
        result = linter.lint_bytes(data, item.path, build_context(item.path))
    if not any(finding.rule in linter.fixable_rules for finding in result.findings):
        return result  # nothing to fix: fix.py is not even imported (start-up time)
    from .fix import attach_fixes

    return attach_fixes(result)


def _init_worker(settings: Settings, rules: Sequence[type[Rule]], build_context: ContextFactory) -> None:
    global _worker
    _worker = (Linter(settings, rules), build_context)


def _lint_in_worker(item: Input) -> FileResult:
    assert _worker is not None
    return lint_input(_worker[0], item, _worker[1])


def resolve_jobs(jobs: int | None, count: int) -> int:
    """``--jobs``: None means automatic (all cores for large batches), 0 also means automatic."""
    if jobs:
        return max(1, jobs)
    return (os.cpu_count() or 1) if count >= AUTO_JOBS_MIN_FILES else 1


def lint_inputs(
    items: Sequence[Input],
    settings: Settings,
    rules: Sequence[type[Rule]],
    build_context: ContextFactory,
    jobs: int = 1,
    stdin_name: str = "-",
) -> Iterator[FileResult]:
    if jobs <= 1 or len(items) < 2:
        linter = Linter(settings, rules)
        for item in items:
            yield lint_input(linter, item, build_context, stdin_name)
        return
    import multiprocessing

    chunk = max(1, min(32, len(items) // (jobs * 8)))
    with multiprocessing.get_context().Pool(jobs, _init_worker, (settings, list(rules), build_context)) as pool:
        yield from pool.imap(_lint_in_worker, items, chunksize=chunk)
