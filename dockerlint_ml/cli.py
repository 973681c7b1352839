"""``mllint``'s entry point. The command line is the click command in ``command.py``; a plain ``mllint FILE…``
(no option, as pre-commit runs it) needs no parsing, so it goes straight to ``app.execute`` with the default
options and never imports click (a third of the start-up time). Both ways run the same code: a test compares
them on every fixture."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .app import EXIT_ERROR, EXIT_OK, Options, UsageProblem, error_line, execute


def plain_paths(args: Sequence[str]) -> bool:
    """Whether ``args`` are only paths: at least one, none empty or starting with ``-`` (an option, ``-`` for
    standard input or ``--``). Anything else is for click to parse."""
    return bool(args) and all(arg and not arg.startswith("-") for arg in args)


def run(args: Sequence[str]) -> int:
    """The exit code of ``mllint args``; usage problems are one line on stderr."""
    try:
        if plain_paths(args):
            return execute(Options(tuple(args)))
        return _run_click(args)
    except UsageProblem as problem:
        error_line(str(problem))
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


def _run_click(args: Sequence[str]) -> int:
    import click

    from .command import command

    try:
        code = command.main(args=list(args), prog_name="mllint", standalone_mode=False)
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.ClickException as problem:
        error_line(problem.format_message().replace("\n", " "))
        code = EXIT_ERROR
    except click.Abort:
        code = 130
    return code if isinstance(code, int) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> None:
    sys.exit(run(sys.argv[1:] if argv is None else argv))
