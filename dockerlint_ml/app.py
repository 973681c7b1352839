"""What the ``mllint`` command does once its options are parsed (``Options`` → ``execute``). No argument parser
here: ``command.py`` is the click command, ``cli.py`` the entry point. Heavy modules (pydantic, sarif-om,
importlib.metadata) are imported only on the branch that needs them: pre-commit runs us on every commit, so
start-up time is a feature."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from .model import Severity
from .settings import Settings

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from .context import ContextPool

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github", "gitlab")


class UsageProblem(Exception):
    """A usage or configuration error: one line on stderr, exit code 2."""


def echo(text: str, *, err: bool = False) -> None:
    """Write ``text`` and flush, so that error lines and the report interleave as they happened. A stream that
    cannot encode a character (an ASCII terminal) gets an escape instead of a crash."""
    stream = sys.stderr if err else sys.stdout
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = stream.encoding or "ascii"
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
    stream.flush()


def error_line(message: str) -> None:
    """The one-line error on stderr every usage or input problem gets."""
    echo(f"mllint: error: {message}\n", err=True)


def _codes(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())


def _severity_overrides(values: Sequence[str]) -> dict[str, Severity]:
    overrides: dict[str, Severity] = {}
    for value in values:
        rule_id, equals, level = value.partition("=")
        if not equals or level.strip().lower() not in ("error", "warning", "info"):
            raise UsageProblem(f"--severity {value!r}: expected ID=LEVEL with LEVEL one of error, warning, info")
        overrides[rule_id.strip().upper()] = Severity(level.strip().lower())
    return overrides


def _load_settings(config: str | None, isolated: bool, plugins: bool) -> tuple[Settings, list]:
    """The config's settings and the rules to run: built-in ones, plus plugin rules when the command line or
    the config enables plugins (entry points are looked up once, and a config may name plugin rules)."""
    from .config import ConfigError, discover, load_file, validate
    from .registry import PluginError, all_rules

    try:
        found = None if isolated else load_file(config) if config else discover(os.getcwd())
        rules = all_rules(plugins or (found is not None and found[1].get("plugins") is True))
        if found is None:
            return Settings(), rules
        return validate(found[0], found[1], {rule.id: rule for rule in rules}), rules
    except (ConfigError, PluginError) as error:
        raise UsageProblem(str(error)) from None


def _merge(settings: Settings, **cli: object) -> Settings:
    if settings.locked:  # locked rules follow the config files alone: keep what they said
        settings.config_only = settings.replace(severity=dict(settings.severity))
    if cli["select"]:
        settings.select = cli["select"]  # type: ignore[assignment]
    settings.extend_select += cli["extend_select"]  # type: ignore[operator]
    settings.ignore += cli["ignore"]  # type: ignore[operator]
    settings.severity.update(cli["severity"])  # type: ignore[arg-type]
    if cli["fail_on"] is not None:
        settings.fail_on = cli["fail_on"]  # type: ignore[assignment]
    if cli["target"]:  # the command line's targets replace the config's
        settings.target, settings.targets = None, tuple(cli["target"])  # type: ignore[arg-type]
    if cli["min_severity"] is not None:
        settings.min_severity = Severity(cli["min_severity"])
    if cli["warn_unused_ignores"]:
        settings.warn_unused_ignores = True
    if cli["plugins"]:
        settings.plugins = True
    return settings


def _list_rules(rules: Sequence, settings: Settings, output_format: str) -> str:
    from .settings import governing, is_enabled, policy_configured

    def policy(rule: type) -> dict | None:
        """For a policy rule (ML9xx): its policy keys and whether a config sets one (it runs only then)."""
        keys = getattr(rule, "policy_keys", ())
        return {"keys": list(keys), "configured": policy_configured(rule, settings)} if keys else None

    rows = [
        {
            "id": rule.id,
            "name": rule.name,
            "severity": rule.severity.value,
            "family": rule.family(),
            "enabled": is_enabled(rule.id, rule.enabled_by_default, governing(rule.id, settings))
            and policy_configured(rule, settings),
            "policy": policy(rule),
            "fixable": rule.fixable,
            "roles": sorted(rule.roles) if rule.roles is not None else None,
            "summary": rule.summary,
        }
        for rule in rules
    ]
    if output_format == "json":
        import json

        return json.dumps(rows, indent=2) + "\n"
    if output_format == "markdown":
        lines = ["| ID | name | severity | fix | image roles | what it flags |", "|---|---|---|---|---|---|"]
        for row in rows:
            default = "" if row["enabled"] else " (off by default)"
            if row["policy"] is not None:
                default = " (policy)" if row["policy"]["configured"] else " (policy, not configured)"
            fix = "yes" if row["fixable"] else ""
            roles = ", ".join(row["roles"]) if row["roles"] is not None else "all"
            lines.append(
                f"| [{row['id']}](rules/{row['id']}.md) | {row['name']} | {row['severity']}{default} | {fix} |"
                f" {roles} | {row['summary']} |"
            )
        return "\n".join(lines) + "\n"
    width = max(len(row["name"]) for row in rows)
    lines = [
        f"{row['id']}  {row['name']:<{width}}  {row['severity']:<7}  {'on ' if row['enabled'] else 'off'}"
        f"  {'fix' if row['fixable'] else '   '}  {row['summary']}"
        + (f" [roles: {', '.join(row['roles'])}]" if row["roles"] is not None else "")
        + (_policy_note(row["policy"]) if row["policy"] is not None else "")
        for row in rows
    ]
    return "\n".join(lines) + "\n"


def _policy_note(policy: dict) -> str:
    state = "configured" if policy["configured"] else "not configured: off"
    return f" [policy: {', '.join(policy['keys'])}; {state}]"


class Options:
    """Every option of the ``mllint`` command; the class attributes are the defaults. The click command
    (``command.py``) passes what the command line says; the plain ``mllint FILE…`` path (``cli.run``) takes the
    defaults as they are. A test keeps these defaults equal to the click options'."""

    paths: tuple[str, ...] = ()
    output_format: str = "text"
    output: str | None = None
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[str, ...] = ()
    fail_on: str | None = None
    min_severity: str | None = None
    target: tuple[str, ...] = ()
    config: str | None = None
    isolated: bool = False
    no_color: bool = False
    quiet: bool = False
    show_source: bool = False
    warn_unused_ignores: bool = False
    stdin_filename: str | None = None
    sarif_category: str = "mllint/"
    sarif_root: str | None = None
    jobs: int | None = None
    timeout: float = 30.0
    plugins: bool = False
    fix: bool = False
    diff: bool = False
    unsafe_fixes: bool = False
    list_rules: bool = False
    explain: str | None = None
    show_facts: bool = False
    context_dir: str | None = None
    import_hadolint: str | None = None

    def __init__(self, paths: tuple[str, ...] = (), **given: object) -> None:
        self.paths = tuple(paths)
        for name, value in given.items():
            if name not in Options.__annotations__:
                raise TypeError(f"Options has no option {name!r}")
            setattr(self, name, value)

    def report_options(self) -> dict:
        """What the reporters take."""
        return {
            "no_color": self.no_color,
            "show_source": self.show_source,
            "quiet": self.quiet,
            "unsafe_fixes": self.unsafe_fixes,
            "sarif_category": self.sarif_category,
            "sarif_root": self.sarif_root,
        }


def execute(options: Options) -> int:
    """Run ``mllint`` with parsed ``options``; returns the exit code. Raises ``UsageProblem``."""
    output = options.output
    if options.import_hadolint:  # needs no config: it writes one
        from .migrate.hadolint_config import HadolintConfigError, convert_file

        try:
            return _emit(convert_file(options.import_hadolint), output)
        except HadolintConfigError as error:
            raise UsageProblem(f"--import-hadolint: {error}") from None
    settings, rules = _load_settings(options.config, options.isolated, options.plugins)
    settings = _merge(
        settings,
        select=_codes(options.select),
        extend_select=_codes(options.extend_select),
        ignore=_codes(options.ignore),
        severity=_severity_overrides(options.severity),
        fail_on=options.fail_on,
        target=options.target,
        min_severity=options.min_severity,
        warn_unused_ignores=options.warn_unused_ignores,
        plugins=options.plugins,
    )
    known = {rule.id: rule for rule in rules}
    for code in (*settings.select, *settings.extend_select, *settings.ignore, *settings.severity):
        if not any(rule_id.startswith(code) for rule_id in known):
            raise UsageProblem(f"{code!r} matches no rule (codes look like ML206 or ML2; see --list-rules)")

    if options.explain:
        from .pages import page_text

        page = page_text(options.explain.upper()) if options.explain.upper() in known else None
        if page is None:
            raise UsageProblem(f"--explain {options.explain}: no such rule (see --list-rules)")
        return _emit(page, output)
    if options.list_rules:
        return _emit(_list_rules(rules, settings, options.output_format), output)
    if options.output_format == "markdown":
        raise UsageProblem("--format markdown is only for --list-rules")
    paths, stdin_filename, context_dir = options.paths, options.stdin_filename, options.context_dir
    if options.show_facts:
        return _facts_report(paths, settings, options.output_format, output, stdin_filename, context_dir)

    if options.fix or options.diff:
        return _fix(
            paths, settings, rules, stdin_filename, options.diff, options.output_format, output,
            options.report_options(), context_dir,
        )  # fmt: skip
    results = _lint_all(paths, settings, rules, stdin_filename, context_dir, options.jobs, options.timeout)
    for result in results:
        if result.error is not None:
            error_line(f"{result.path}: {result.error}")
    _emit(_render(results, rules, options.output_format, output, **options.report_options()), output)

    from .lint import fails

    if any(result.error is not None for result in results):
        return EXIT_ERROR
    findings = [finding for result in results for finding in result.findings]
    return EXIT_FINDINGS if fails(findings, settings.fail_on) else EXIT_OK


def serve_lsp() -> int:
    """``mllint --lsp``: pygls is imported here only, never on the plain lint path."""
    try:
        from .lsp.server import serve
    except ImportError as error:
        raise UsageProblem(f"--lsp needs pygls and lsprotocol ({error}): pip install 'dockerlint-ml'") from None
    serve()
    return EXIT_OK


def _build_context(path: str, context_dir: str | None, pool: ContextPool) -> object:
    """The build context rules may read: --context, else what a Compose/Bake file naming the Dockerfile says,
    else the Dockerfile's directory (none for stdin). ``.choice`` tells where it came from and its targets.
    Contexts from one ``pool`` (a ``context.ContextPool``, one per run) share their reads and walks."""
    from .buildfiles import ContextChoice, choose_context

    if path == "-":
        if not context_dir:
            return None
        choice = ContextChoice(os.path.realpath(context_dir), "--context")
    else:
        choice = choose_context(path, context_dir)
    context = pool.context(choice.directory)
    context.choice = choice
    return context


def _facts_report(
    paths: tuple[str, ...],
    settings: Settings,
    output_format: str,
    output: str | None,
    stdin_filename: str | None,
    context_dir: str | None,
) -> int:
    """``mllint --facts``: the inferred facts per stage, as text or JSON."""
    import json

    from .buildfiles import targets_for
    from .context import ContextPool
    from .facts import dockerfile_facts
    from .files import collect, read
    from .parse import InputError, parse_bytes
    from .report.facts import context_walk_facts, facts_as_dict, render_text
    from .rules.base import RuleContext
    from .settings import all_targets

    documents, failed = [], False
    pool = ContextPool()
    for item in collect(paths):
        try:
            if item.error is not None:
                raise OSError(item.error)
            data = sys.stdin.buffer.read() if item.path == "-" else read(item.path)
            dockerfile = parse_bytes(data, stdin_filename or "-" if item.path == "-" else item.path)
        except (OSError, InputError) as error:
            error_line(f"{item.path}: {error}")
            failed = True
            continue
        build_context = _build_context(item.path, context_dir, pool)
        stage_names = {stage.name for stage in dockerfile.stages if stage.name}
        for target in targets_for(all_targets(settings), build_context, stage_names):
            ctx = RuleContext(dockerfile, target, settings.rule_options, role_patterns=settings.roles)
            facts = dockerfile_facts(dockerfile, build_context, ctx.shipped_indexes)
            document = facts_as_dict(dockerfile, facts)
            role = ctx.role
            document["image"] = {
                "target": ctx.final_stage.label if ctx.final_stage else None,
                "role": role.role,
                "role_signal": role.signal,
                "base_image": ctx.base_image.key if ctx.base_image else None,
            }
            document["context"] = _context_fact(build_context)
            document["context_walk"] = context_walk_facts(build_context, item.path)  # ML8xx: ignore file, walk
            documents.append(document)
    if output_format == "json":
        report = json.dumps(documents, indent=2) + "\n"
    else:
        report = "".join(
            _with_context_line(_with_image_line(render_text(document), document["image"]), document["context"])
            for document in documents
        )
    _emit(report, output)
    return EXIT_ERROR if failed else EXIT_OK


def _context_fact(build_context: object) -> dict | None:
    """The build context used and where the choice came from (``--context``, a Compose service, ...)."""
    choice = getattr(build_context, "choice", None)
    if choice is None:
        return None
    return {"directory": choice.directory, "origin": choice.origin}


def _with_context_line(text: str, context: dict | None) -> str:
    """The facts text with the build context (and where it came from) under the path line."""
    if context is None:
        return text
    head, _, rest = text.partition("\n")
    return f"{head}\n  context: {context['directory']} ({context['origin']})\n{rest}"


def _with_image_line(text: str, image: dict) -> str:
    """The facts text with the image's role (and the signal it came from) under the path line."""
    head, _, rest = text.partition("\n")
    target = f"target {image['target']}, " if image["target"] else ""
    known = f"; base-image knowledge: {image['base_image']}" if image["base_image"] else ""
    return f"{head}\n  image:   {target}role {image['role']} ({image['role_signal']}){known}\n{rest}"


def _lint_all(
    paths: tuple[str, ...],
    settings: Settings,
    rules: Sequence,
    stdin_filename: str | None,
    context_dir: str | None = None,
    jobs: int | None = None,
    timeout: float = 30.0,
) -> list:
    from functools import partial

    from .batch import lint_inputs, resolve_jobs
    from .files import collect

    items = collect(paths)
    # standard input can only be read by this process
    jobs = 1 if any(item.path == "-" for item in items) else resolve_jobs(jobs, len(items))
    from .context import ContextPool

    context = partial(_build_context, context_dir=context_dir, pool=ContextPool())
    return list(lint_inputs(items, settings, rules, context, jobs, stdin_name=stdin_filename or "-", timeout=timeout))


def _fix(
    paths: tuple[str, ...],
    settings: Settings,
    rules: Sequence,
    stdin_filename: str | None,
    diff: bool,
    output_format: str,
    output: str | None,
    options: dict,
    context_dir: str | None = None,
) -> int:
    """--fix: rewrite files, then report what remains. --diff: print what --fix would change, exit 1 if any."""
    from functools import partial

    from .context import ContextPool
    from .fix import fix_paths
    from .lint import Linter, fails

    run = fix_paths(
        paths,
        Linter(settings, rules),
        unsafe=options["unsafe_fixes"],
        write=not diff,
        stdin_filename=stdin_filename,
        build_context=partial(_build_context, context_dir=context_dir, pool=ContextPool()),
    )
    for result in run.results:
        if result.error is not None:
            error_line(f"{result.path}: {result.error}")
    errors = any(result.error is not None for result in run.results)
    what = "Would fix" if diff else "Fixed"
    if not options["quiet"] and run.applied:
        problems, files = f"problem{'s' * (run.applied != 1)}", f"file{'s' * (run.changed != 1)}"
        echo(f"{what} {run.applied} {problems} in {run.changed} {files}.\n", err=True)
    if diff:
        _emit(run.diff, output)
        return EXIT_ERROR if errors else (EXIT_FINDINGS if run.diff else EXIT_OK)
    if run.stdin_text is not None:  # `mllint --fix -`: the fixed Dockerfile on stdout, the report on stderr
        echo(run.stdin_text)
        echo(_render(run.results, rules, output_format, output, **options), err=True)
    else:
        _emit(_render(run.results, rules, output_format, output, **options), output)
    if errors:
        return EXIT_ERROR
    findings = [finding for result in run.results for finding in result.findings]
    return EXIT_FINDINGS if fails(findings, settings.fail_on) else EXIT_OK


def _render(
    results: list,
    rules: Sequence,
    output_format: str,
    output: str | None,
    *,
    no_color: bool,
    show_source: bool,
    quiet: bool,
    sarif_category: str,
    sarif_root: str | None,
    unsafe_fixes: bool = False,
) -> str:
    if output_format == "json":
        from .report import json as json_report

        return json_report.render(results)
    if output_format == "github":
        from .report import github

        return github.render(results)
    if output_format in ("sarif", "gitlab"):
        from pathlib import Path

        from .report.common import find_root

        root = Path(sarif_root) if sarif_root else find_root(Path.cwd())
        if output_format == "gitlab":
            from .report import gitlab

            return gitlab.render(results, root=root)
        from .report import sarif

        return sarif.render(results, rules, root=root, category=sarif_category)
    from .report import text

    color = output is None and not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()
    return text.render(results, color=color, show_source=show_source, quiet=quiet, unsafe_fixes=unsafe_fixes)


def _emit(report: str, output: str | None) -> int:
    if output is None:
        echo(report)
        return EXIT_OK
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(report)
    except OSError as error:
        raise UsageProblem(f"--output {output}: {error.strerror or error}") from None
    return EXIT_OK
