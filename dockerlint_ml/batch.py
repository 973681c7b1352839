"""Linting many files: serially, or spread over worker processes with ``--jobs`` (output identical to the
serial run, in the same order). Workers send back findings and lines, not the parsed models."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence

from .files import Input, read
from .lint import FileResult, Linter
from .rules.base import Rule
from .settings import Settings

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any

    ContextFactory = Callable[[str], Any]

AUTO_JOBS_MIN_FILES = 200  # below this, starting workers costs more than it saves

_worker: tuple[Linter, ContextFactory, float] | None = None


DEFAULT_TIMEOUT = 30.0  # seconds per file; a realistic Dockerfile takes milliseconds


class FileTimeout(BaseException):
    """Raised by the per-file timer. A BaseException, so the engine's per-rule guard does not swallow it."""


def _on_alarm(signum: int, frame: object) -> None:
    raise FileTimeout


class TimeLimit:
    """``with TimeLimit(seconds):`` interrupts the work after ``seconds`` with FileTimeout (0: no limit; also
    none where SIGALRM cannot be used: another OS, or not the main thread, as in the language server)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.previous: object = None
        self.armed = False

    def __enter__(self) -> None:
        signal = _signal_module()
        if not (self.seconds > 0 and hasattr(signal, "setitimer")):
            return
        try:
            self.previous = signal.signal(signal.SIGALRM, _on_alarm)
        except ValueError:  # not the main thread: no timer there
            return
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *_exc: object) -> None:
        if self.armed:
            signal = _signal_module()
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
            self.armed = False


def _signal_module() -> Any:
    """The C module ``signal.py`` wraps: the same ``signal``/``setitimer``, without the ~0.4 ms ``signal.py``
    spends building its enums on import (the raw handler values it returns are handed back as they are)."""
    try:
        import _signal

        return _signal
    except ImportError:  # pragma: no cover - another interpreter
        import signal

        return signal


def lint_input(
    linter: Linter, item: Input, build_context: ContextFactory, stdin_name: str = "-", timeout: float = 0
) -> FileResult:
    """Lint one input and attach fixes, within ``timeout`` seconds. The parsed model is dropped (reporters need
    only the lines), so a large batch does not keep every model in memory."""
    try:
        with TimeLimit(timeout):
            result = _lint_with_fixes(linter, item, build_context, stdin_name)
    except FileTimeout:
        return FileResult(
            stdin_name if item.path == "-" else item.path,
            error=f"gave up after {timeout:g} s (a pathological file?); raise the limit with --timeout",
        )
    return result.replace(dockerfile=None)


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
        return result  # nothing to fix: fix/ is not even imported (start-up time)
    from .fix import attach_fixes

    return attach_fixes(result, linter.rules)


def _init_worker(
    settings: Settings, rules: Sequence[type[Rule]], build_context: ContextFactory, timeout: float
) -> None:
    global _worker
    _worker = (Linter(settings, rules), build_context, timeout)


def _lint_in_worker(item: Input) -> FileResult:
    assert _worker is not None
    linter, build_context, timeout = _worker
    return lint_input(linter, item, build_context, timeout=timeout)


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
    timeout: float = DEFAULT_TIMEOUT,
) -> Iterator[FileResult]:
    if jobs <= 1 or len(items) < 2:
        linter = Linter(settings, rules)
        for item in items:
            yield lint_input(linter, item, build_context, stdin_name, timeout)
        return
    import multiprocessing

    chunk = max(1, min(32, len(items) // (jobs * 8)))
    arguments = (settings, list(rules), build_context, timeout)
    with multiprocessing.get_context().Pool(jobs, _init_worker, arguments) as pool:
        yield from pool.imap(_lint_in_worker, items, chunksize=chunk)
