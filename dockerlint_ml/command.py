"""The ``mllint`` command line as a click command: options, help, validation. What it runs is ``app.execute``;
``cli.main`` is the entry point (it skips click for a plain ``mllint FILE…``)."""

from __future__ import annotations

import click

from . import __version__
from .app import FORMATS, Options, execute, serve_lsp
from .settings import FAIL_ON_LEVELS


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, allow_dash=True))
@click.option(
    "--format",
    "output_format",
    type=click.Choice([*FORMATS, "markdown"]),
    default="text",
    help="Output format (markdown only with --list-rules).",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report to FILE.")
@click.option("--select", multiple=True, help="Only these rules (IDs or prefixes like ML2), comma-separated.")
@click.option("--extend-select", multiple=True, help="Add rules to the selection (also off-by-default ones).")
@click.option("--ignore", multiple=True, help="Skip these rules (IDs or prefixes), comma-separated.")
@click.option("--severity", "severity", multiple=True, metavar="ID=LEVEL", help="Override a rule's severity.")
@click.option(
    "--fail-on", type=click.Choice(FAIL_ON_LEVELS), default=None, help="Lowest severity that fails (default warning)."
)
@click.option("--min-severity", type=click.Choice(["error", "warning", "info"]), help="Hide findings below this.")
@click.option(
    "--target",
    multiple=True,
    help="A stage being built (as `docker build --target`); repeat for several images; default: the last stage.",
)
@click.option("--config", type=click.Path(dir_okay=False), help="Use this config file instead of searching.")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option("--no-color", is_flag=True, help="No ANSI colours (also when NO_COLOR is set).")
@click.option("--quiet", "-q", is_flag=True, help="Only findings and errors, no summary.")
@click.option("--show-source", is_flag=True, help="Show the offending line with a caret under each finding.")
@click.option("--warn-unused-ignores", is_flag=True, help="Report inline ignores that silence nothing (ML000).")
@click.option("--stdin-filename", help="The path to report when reading the Dockerfile from `-`.")
@click.option(
    "--sarif-category",
    default="mllint/",
    show_default=True,
    help="SARIF automationDetails.id: give each upload of the same commit its own category.",
)
@click.option(
    "--sarif-root",
    type=click.Path(file_okay=False),
    help="Directory SARIF/GitLab paths are relative to (default: the enclosing git work tree).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=None,
    help="Worker processes (default: all cores when there are 200 files or more; output is identical).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Give up on a file after this many seconds (reported as an error for that file); 0: no limit.",
)
@click.option("--plugins", is_flag=True, help="Load third-party rules from the `dockerlint_ml.rules` entry points.")
@click.option("--fix", "fix", is_flag=True, help="Apply safe fixes in place, then report what remains.")
@click.option("--diff", "diff", is_flag=True, help="Print a unified diff of what --fix would change; write nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix/--diff, also apply fixes that may change behaviour.")
@click.option("--list-rules", is_flag=True, help="List all rules and exit.")
@click.option("--explain", metavar="ID", help="Print a rule's reference page and exit.")
@click.option(
    "--import-hadolint", metavar="FILE", help="Print the [tool.mllint] TOML equivalent to a .hadolint.yaml and exit."
)
@click.option("--facts", "show_facts", is_flag=True, help="Print what was inferred per stage (CUDA, Python, ...).")
@click.option(
    "--context",
    "context_dir",
    type=click.Path(exists=True, file_okay=False),
    help="Build context directory rules may read (requirements files); default: the Dockerfile's directory.",
)
@click.option(
    "--lsp",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=lambda ctx, _param, value: ctx.exit(serve_lsp()) if value else None,
    help="Run as a language server on stdin/stdout (for editors); configuration is found per document.",
)
@click.version_option(__version__, "--version", prog_name="mllint", message="%(prog)s %(version)s")
def command(paths: tuple[str, ...], **options: object) -> int:
    """Lint Dockerfiles that package machine-learning models.

    PATHS are files, directories (searched recursively for Dockerfile, Dockerfile.*, Dockerfile-*,
    *.dockerfile, Containerfile*, case-insensitive), or - for standard input. Without PATHS, the current
    directory is searched.

    Exit codes: 0 no findings at or above --fail-on; 1 findings; 2 usage or config error, or an input
    that could not be read.
    """
    return execute(Options(paths, **options))  # type: ignore[arg-type]  # click names each option as Options does
