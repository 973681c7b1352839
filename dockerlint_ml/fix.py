"""Autofix: turn findings into text edits, apply them, re-lint, repeat.

Fixers live here, not in the rules: a fixer is ``(dockerfile, finding) -> Fix | None``, registered in
:data:`FIXERS` under the rule ID. It finds what the finding points at by its span (the innermost shell
command or instruction containing it), checks that the text there is what the model says (so an edit can
never land in the wrong place), and returns span replacements. A fixer that is unsure returns None: the
finding is then simply not fixable.

Edits are applied to the original text (CRLF, mixed endings and a BOM survive; inserted line breaks use the
file's newline), bottom-up, one fix at a time and never two that overlap or touch; the file is then re-linted
and fixed again until nothing changes (bounded). A round that would add a syntax error or an error-level
finding is retried fix by fix, and a fix that does so is dropped.
"""

from __future__ import annotations

import difflib
import json
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .model import Dockerfile, Edit, Finding, Fix, Instruction, Severity, ShellCommand, Span, Stage, Word
from .rules.common import is_apt_install, is_pip_install
from .rules.size import CONDA_TOOLS, RPM_TOOLS, apt_lists_needed_later, is_conda_install

if TYPE_CHECKING:  # lint.py is not imported at run time: it imports this module lazily
    from .lint import FileResult, Linter

Fixer = Callable[[Dockerfile, Finding], "Fix | None"]
FIXERS: dict[str, Fixer] = {}
MAX_ROUNDS = 10


def fixer(rule_id: str) -> Callable[[Fixer], Fixer]:
    def register(function: Fixer) -> Fixer:
        FIXERS[rule_id] = function
        return function

    return register


def fix_for(dockerfile: Dockerfile, finding: Finding) -> Fix | None:
    """The finding's own fix, else the registered fixer's; a fixer bug means "not fixable", never a crash."""
    if finding.fix is not None:
        return finding.fix
    function = FIXERS.get(finding.rule)
    if function is None:
        return None
    try:
        return function(dockerfile, finding)
    except Exception:  # pragma: no cover - defensive: a fixer must not break linting
        return None


def with_fixes(findings: Sequence[Finding], dockerfile: Dockerfile | None) -> list[Finding]:
    """``findings`` with ``fix`` filled in wherever a fixer can repair them."""
    if dockerfile is None:
        return list(findings)
    return [replace(f, fix=fix_for(dockerfile, f)) if f.fix is None else f for f in findings]


def attach_fixes(result: FileResult) -> FileResult:
    if result.dockerfile is None or not result.findings:
        return result
    return replace(result, findings=with_fixes(result.findings, result.dockerfile))


def applicable(fix: Fix | None, unsafe: bool) -> bool:
    return fix is not None and (fix.safe or unsafe)


# ---------------------------------------------------------------------------------------------------------
# Locating things by span


def _key(span: Span) -> tuple[tuple[int, int], tuple[int, int]]:
    return (span.line, span.column), (span.end_line, span.end_column)


def contains(outer: Span, inner: Span) -> bool:
    (start, end), (inner_start, inner_end) = _key(outer), _key(inner)
    return start <= inner_start and inner_end <= end


_INDEX: dict[str, Any] = {}  # per-file lookups, rebuilt when another file's instructions/commands come by


def instruction_at(dockerfile: Dockerfile, span: Span, *keywords: str) -> Instruction | None:
    """The instruction whose span contains ``span`` (with one of ``keywords`` if given). Instruction spans
    are ordered and disjoint, so a bisection finds the only candidate (one finding per 200 000 lines must
    not cost a scan of them all)."""
    instructions = dockerfile.instructions
    if _INDEX.get("instructions") is not instructions:
        _INDEX["instructions"] = instructions
        _INDEX["starts"] = [(i.span.line, i.span.column) for i in instructions]
    position = bisect_right(_INDEX["starts"], (span.line, span.column)) - 1
    if position >= 0:
        instruction = instructions[position]
        if contains(instruction.span, span) and (not keywords or instruction.keyword in keywords):
            return instruction
    return None


def command_at(
    dockerfile: Dockerfile, span: Span, wanted: Callable[[ShellCommand], bool] = lambda c: True
) -> tuple[Instruction, ShellCommand] | None:
    """The innermost shell command containing ``span`` that ``wanted`` picks; when ``span`` covers whole
    commands (it points at an instruction), the first such command inside it."""
    instruction = instruction_at(dockerfile, span)
    if instruction is None:
        return None
    commands = instruction.commands
    if _INDEX.get("commands") is not commands:
        _INDEX["commands"] = commands
        _INDEX["by_span"] = by_span = {}
        for command in commands:
            by_span.setdefault(command.span, []).append(command)
    exact = next((c for c in _INDEX["by_span"].get(span, ()) if wanted(c)), None)
    if exact is not None:  # the innermost by definition; findings usually sit on their command
        return instruction, exact
    candidates = [c for c in commands if wanted(c) and contains(c.span, span)]
    if candidates:
        innermost = max(
            candidates, key=lambda c: ((c.span.line, c.span.column), (-c.span.end_line, -c.span.end_column))
        )
        return instruction, innermost
    inside = [c for c in instruction.commands if wanted(c) and contains(span, c.span)]
    return (instruction, inside[0]) if inside else None


def stage_at(dockerfile: Dockerfile, span: Span) -> Stage | None:
    found = None
    for stage in dockerfile.stages:
        if (stage.from_instruction.span.line, stage.from_instruction.span.column) <= (span.line, span.column):
            found = stage
    return found


def _text(dockerfile: Dockerfile, span: Span) -> str | None:
    """The text under a one-line span, or None."""
    if span.line != span.end_line or not 0 < span.line <= len(dockerfile.lines):
        return None
    return dockerfile.lines[span.line - 1][span.column - 1 : span.end_column - 1]


def _is_at(dockerfile: Dockerfile, word: Word) -> bool:
    """The model's word really sits at its span (guards against drifting positions in nested scripts)."""
    return _text(dockerfile, word.span) == word.raw


def _in_tab_stripped_heredoc(instruction: Instruction, dockerfile: Dockerfile, span: Span) -> bool:
    """``<<-EOF`` bodies are parsed with leading tabs removed, so their columns are not the file's."""
    for heredoc in instruction.heredocs:
        if heredoc.strip_tabs and heredoc.body_start_line <= span.line <= heredoc.span.end_line:
            return dockerfile.lines[span.line - 1].startswith("\t")
    return False


def _insert(line: int, column: int, text: str) -> Edit:
    return Edit(Span(line, column, line, column), text)


def _after(word: Word, text: str) -> Edit:
    return _insert(word.span.end_line, word.span.end_column, text)


def _line_end(dockerfile: Dockerfile, line: int) -> tuple[int, int]:
    return line, len(dockerfile.lines[line - 1]) + 1


def _indent(dockerfile: Dockerfile, line: int) -> str:
    text = dockerfile.lines[line - 1]
    return text[: len(text) - len(text.lstrip(" \t"))]


# ---------------------------------------------------------------------------------------------------------
# Shell-command helpers


def _tool_start(command: ShellCommand) -> int:
    from .shell import tool_of

    found = tool_of(command.name, list(command.argv))
    return found[1] if found else 1


def subcommand_word(command: ShellCommand) -> Word | None:
    """The word that names the subcommand (``install`` in ``python -m pip -q install x``)."""
    if command.invocation is None or command.subcommand is None:
        return None
    option_spans = [o.span for o in command.invocation.options]
    first = command.subcommand.split()[0]
    for word in command.words[_tool_start(command) :]:
        if word.text.startswith("-") or any(contains(span, word.span) for span in option_spans):
            continue
        return word if word.text == first or (first == "install" and word.text == "in") else None
    return None


def _insert_after_subcommand(
    dockerfile: Dockerfile, finding: Finding, wanted: Callable[[ShellCommand], bool], flag: str, description: str
) -> Fix | None:
    found = command_at(dockerfile, finding.span, wanted)
    if found is None:
        return None
    instruction, command = found
    word = subcommand_word(command)
    if word is None or not _is_at(dockerfile, word) or _in_tab_stripped_heredoc(instruction, dockerfile, word.span):
        return None
    return Fix(description, (_after(word, f" {flag}"),))


def _append_after_last(
    dockerfile: Dockerfile,
    instruction: Instruction,
    flagged: ShellCommand,
    same_family: Callable[[ShellCommand], bool],
    text: str,
    description: str,
) -> Fix | None:
    """Append `` && text`` right after the last command of ``same_family`` at or after ``flagged``: at the end
    of that command's span, so a following `` \\`` continuation, ``;`` or ``&& ...`` stays as written."""
    commands = instruction.commands
    start = next((i for i, c in enumerate(commands) if c is flagged), None)
    if start is None:
        return None
    last = next((c for c in reversed(commands[start:]) if same_family(c)), None)
    if last is None or not last.words:
        return None
    if last.redirects or last.pipe_index != last.pipe_length - 1:
        return None  # `apt-get install x > log` / `apt-get install x | tee`: `&&` would bind differently
    final = last.words[-1]
    if (final.span.end_line, final.span.end_column) != (last.span.end_line, last.span.end_column):
        return None
    if not _is_at(dockerfile, final) or _in_tab_stripped_heredoc(instruction, dockerfile, final.span):
        return None
    prefix = "sudo " if last.wrapper == "sudo" else ""
    return Fix(description, (_after(final, f" && {prefix}{text}"),))


# ---------------------------------------------------------------------------------------------------------
# Safe fixes


def _is_apt(command: ShellCommand) -> bool:
    return command.tool == "apt-get"


@fixer("ML206")
def fix_pip_cache(dockerfile: Dockerfile, finding: Finding) -> Fix | None:
    """``--no-cache-dir`` on the flagged install and on every later pip install of the same RUN that lacks it
    (ML206 reports a RUN once)."""
    found = command_at(dockerfile, finding.span, is_pip_install)
    if found is None:
        return None
    instruction, flagged = found
    edits = []
    for command in instruction.commands[instruction.commands.index(flagged) :]:
        if not is_pip_install(command) or command.has_flag("--no-cache-dir", "--no-cache"):
            continue
        word = subcommand_word(command)
        if word is None or not _is_at(dockerfile, word) or _in_tab_stripped_heredoc(instruction, dockerfile, word.span):
            if command is flagged:
                return None
            continue
        edits.append(_after(word, " --no-cache-dir"))
    return Fix("add `--no-cache-dir` to pip install", tuple(edits)) if edits else None


@fixer("ML205")
def fix_apt_recommends(dockerfile: Dockerfile, finding: Finding) -> Fix | None:
    return _insert_after_subcommand(
        dockerfile, finding, is_apt_install, "--no-install-recommends", "add `--no-install-recommends`"
    )


@fixer("ML204")
def fix_apt_lists(dockerfile: Dockerfile, finding: Finding) -> Fix | None:
    found = command_at(dockerfile, finding.span, is_apt_install)
    if found is None:
        return None
    instruction, command = found
    if id(instruction) in apt_lists_needed_later(dockerfile):
        return None  # a later RUN installs from these lists without its own `apt-get update`
    return _append_after_last(
        dockerfile,
        instruction,
        command,
        _is_apt,
        "rm -rf /var/lib/apt/lists/*",
        "remove /var/lib/apt/lists/* after the last apt-get command",
    )


def _append_clean(dockerfile: Dockerfile, instruction: Instruction, command: ShellCommand, clean: str) -> Fix | None:
    """Append ``clean`` after the last command of the instruction that runs ``command``'s tool."""
    return _append_after_last(
        dockerfile,
        instruction,
        command,
        lambda c: c.tool == command.tool,
        clean,
        f"run `{command.tool} clean` after the last {command.tool} command",
    )


@fixer("ML207")
def fix_conda_cache(dockerfile: Dockerfile, finding: Finding) -> Fix | None:
    found = command_at(dockerfile, finding.span, is_conda_install)
    if found is None:
        return None
    instruction, command = found
    executable = command.words[0].raw
    clean = f"{executable} clean --all --yes" if command.tool == "micromamba" else f"{executable} clean -afy"
    return _append_clean(dockerfile, instruction, command, clean)


@fixer("ML208")
def fix_os_package_cache(dockerfile: Dockerfile, finding: Finding) -> Fix | None:
    def wanted(command: ShellCommand) -> bool:
        return (command.tool == "apk" and command.subcommand == "add") or (
            command.tool in RPM_TOOLS | {"zypper"} and command.subcommand == "install"
        )

    found = command_at(dockerfile, finding.span, wanted)
    if found is None:
        return None
    instruction, command = found
    if command.tool == "apk":
        if command.has_flag("--no-cache"):
            return None
        return _insert_after_subcommand(
            dockerfile, finding, lambda c: c is command, "--no-cache", "use `apk add --no-cache`"
        )
    executable = command.words[0].raw
    clean = f"{executable} clean --all" if command.tool == "zypper" else f"{executable} clean all"
    return _append_clean(dockerfile, instruction, command, clean)


# ML403: shell form -> exec form, only when the shell adds nothing

_SHELL_WORDS = frozenset(
    re.split(
        r"\s+",
        "exec cd source . export set unset if then else elif fi for while until do done case esac function eval "
        "trap ulimit umask alias read shift wait return exit local declare readonly typeset : { } ( ) ! [[ ]] "
        "time builtin command",
    )
)
_UNQUOTED_SPECIAL = set("$`\\|&;<>()*?[]{}~#!\n")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def plain_words(args: str) -> bool:
    """Whether a shell command line is only words: no variables, operators, redirects, globs, escapes,
    comments or command substitution (quotes are fine where they only group)."""
    quote = ""
    for char in args:
        if quote == "'":
            if char == "'":
                quote = ""
        elif quote == '"':
            if char == '"':
                quote = ""
            elif char in "$`\\":
                return False
        elif char in "'\"":
            quote = char
        elif char in _UNQUOTED_SPECIAL:
            return False
    return not quote


@fixer("ML403")
def fix_shell_form(dockerfile: Dockerfile, finding: Finding) -> Fix | None:
    instruction = instruction_at(dockerfile, finding.span, "CMD", "ENTRYPOINT")
    if instruction is None or instruction.exec_form is not None or instruction.heredocs or instruction.flags:
        return None
    words = instruction.arguments
    if not words or not plain_words(instruction.args) or any(w.has_expansion for w in words):
        return None
    if words[0].text in _SHELL_WORDS or _ASSIGNMENT.match(words[0].text) or not words[0].text:
        return None
    if not all(_is_at(dockerfile, w) for w in words):
        return None
    stage = stage_at(dockerfile, instruction.span)
    lineage = dockerfile.lineage(stage) if stage is not None else []
    other = "CMD" if instruction.keyword == "ENTRYPOINT" else "ENTRYPOINT"
    # exec-form ENTRYPOINT + CMD: CMD's words become the ENTRYPOINT's arguments, so the form matters to it
    safe = not any(i.keyword == other for s in lineage for i in s.body)
    edits = []
    for index, word in enumerate(words):
        text = json.dumps(word.text, ensure_ascii=False)
        if index == 0:
            text = "[" + text
        text += "]" if index == len(words) - 1 else ","
        edits.append(Edit(word.span, text))
    return Fix(f"write {instruction.keyword} in exec form", tuple(edits), safe=safe)


# ---------------------------------------------------------------------------------------------------------
# Unsafe fixes


@fixer("ML405")
def fix_python_unbuffered(dockerfile: Dockerfile, finding: Finding) -> Fix | None:
    stage = stage_at(dockerfile, finding.span)
    if stage is None:
        return None
    for member in dockerfile.lineage(stage):
        for instruction in member.of("ENV"):
            if any(name == "PYTHONUNBUFFERED" for name, _value, _word in instruction.pairs()):
                return None  # set (to something else, or via a variable): not ours to override
    start = stage.from_instruction.span
    line, column = _line_end(dockerfile, start.end_line)
    text = "\n" + _indent(dockerfile, start.line) + "ENV PYTHONUNBUFFERED=1"
    return Fix("add `ENV PYTHONUNBUFFERED=1` after FROM", (_insert(line, column, text),), safe=False)


_APT_SCRIPT_OPERATORS = re.compile(r"[;|&<>()$`\\]")


@fixer("ML102")
def fix_apt_update_alone(dockerfile: Dockerfile, finding: Finding) -> Fix | None:
    """Delete the lone ``RUN apt-get update`` and start the next installing RUN of the stage with it."""
    lone = instruction_at(dockerfile, finding.span, "RUN")
    if lone is None or lone.heredocs or lone.flags or lone.exec_form is not None or lone.onbuild is not None:
        return None
    if not lone.commands or not all(c.tool == "apt-get" or c.name in ("sudo", "env") for c in lone.commands):
        return None
    script = " ".join(lone.args.split())
    if _APT_SCRIPT_OPERATORS.search(script.replace("&&", "")):
        return None
    stage = stage_at(dockerfile, lone.span)
    if stage is None:
        return None
    body = list(stage.body)
    after = body[body.index(lone) + 1 :] if lone in body else []
    target = None
    for instruction in after:
        if instruction.keyword != "RUN":
            continue
        installs = [c for c in instruction.commands if is_apt_install(c)]
        if not installs:
            continue
        updates = [c for c in instruction.commands if c.tool == "apt-get" and c.subcommand == "update"]
        if updates and _key(updates[0].span) < _key(installs[0].span):
            return None  # it refreshes the index itself: the lone update is merely redundant
        target = instruction
        break
    if target is None or target.heredocs or target.exec_form is not None or not target.arguments:
        return None
    first = target.arguments[0]
    if not _is_at(dockerfile, first):
        return None
    end = lone.span.end_line + 1
    lines = dockerfile.lines
    blank_before = lone.span.line == 1 or not lines[lone.span.line - 2].strip()
    if blank_before and end <= len(lines) and not lines[end - 1].strip():
        end += 1  # do not leave two blank lines where the RUN was
    deletion = Edit(Span(lone.span.line, 1, end, 1), "")
    return Fix(
        f"merge `{script}` into the RUN on line {target.line}",
        (deletion, _insert(first.span.line, first.span.column, f"{script} && ")),
        safe=False,
    )


_LOCAL_PATH = re.compile(r"^(?:\.|/|~)|/")


def _manifests(command: ShellCommand) -> list[str] | None:
    """The manifest files an install reads, when all are explicit; None when it needs anything else."""
    invocation = command.invocation
    if invocation is None:
        return None
    if (command.tool, command.subcommand) in (("pip", "install"), ("uv", "pip install")):
        if invocation.has_flag("-e", "--editable", "-f", "--find-links"):
            return None
        if any(w.has_expansion or _LOCAL_PATH.search(w.text) for w in invocation.positionals):
            return None
        return invocation.values("-r", "--requirement") + invocation.values("-c", "--constraint")
    if command.tool in CONDA_TOOLS and command.subcommand in ("env create", "env update", "create", "install"):
        if any(_LOCAL_PATH.search(w.text) for w in invocation.positionals):
            return None
        return invocation.values("-f", "--file")
    return None


def _context_path(manifest: str, dest: str, workdir: str | None) -> str | None:
    """Where ``manifest`` (as the install names it) comes from in the build context, when ``COPY . dest``
    put it there; None when that cannot be told."""
    if not manifest or "$" in manifest or "$" in dest or ".." in manifest.split("/"):
        return None

    def absolute(path: str) -> str | None:
        if path.startswith("/"):
            return re.sub(r"/+", "/", path)
        if workdir is None:
            return None
        return re.sub(r"/+", "/", workdir.rstrip("/") + "/" + path)

    if not manifest.startswith("/") and not dest.startswith("/"):
        base = dest.strip().removeprefix("./").rstrip("/")
        base = "" if base in ("", ".") else base
        relative = manifest.removeprefix("./")
        if not base:
            return relative
        return relative[len(base) + 1 :] if relative.startswith(base + "/") else None
    manifest_path, dest_path = absolute(manifest), absolute(dest)
    if manifest_path is None or dest_path is None:
        return None
    dest_path = dest_path.rstrip("/") or "/"
    prefix = dest_path if dest_path.endswith("/") else dest_path + "/"
    return manifest_path[len(prefix) :] if manifest_path.startswith(prefix) else None


_MOVABLE_BETWEEN = frozenset({"COPY", "ADD", "LABEL", "EXPOSE", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "CMD"})


@fixer("ML101")
def fix_source_before_dependencies(dockerfile: Dockerfile, finding: Finding) -> Fix | None:
    """Copy the manifests and run the install before the source COPY: ``COPY . .`` / ``RUN pip install -r
    requirements.txt`` becomes ``COPY requirements.txt ./`` / ``RUN pip install -r ...`` / ``COPY . .``."""
    install = instruction_at(dockerfile, finding.span, "RUN")
    if install is None or install.heredocs or install.exec_form is not None or install.onbuild is not None:
        return None
    stage = stage_at(dockerfile, install.span)
    if stage is None or install not in stage.body:
        return None
    body = list(stage.body)
    position = body.index(install)
    source_index = next((i for i, ins in enumerate(body[:position]) if _whole_context_copy(ins)), None)
    if source_index is None:
        return None
    source = body[source_index]
    if any(ins.keyword not in _MOVABLE_BETWEEN for ins in body[source_index + 1 : position]):
        return None  # a RUN/ENV/WORKDIR/USER/ARG in between may be what the install depends on
    manifests: list[str] = []
    for command in install.commands:
        if command.name in ("sudo", "env", "set", "true"):
            continue
        found = _manifests(command)
        if found is None:
            return None
        manifests.extend(m for m in found if m not in manifests)
    if not manifests:
        return None
    workdir = _workdir_before(dockerfile, stage, source)
    dest = source.arguments[-1].text
    copies: dict[str, list[str]] = {}
    for manifest in manifests:
        context = _context_path(manifest, dest, workdir)
        if context is None or any(c in context for c in "*?[ \t\"'"):
            return None
        directory = context.rsplit("/", 1)[0] if "/" in context else ""
        base = dest.rstrip("/")
        base = "." if base in ("", ".") and not dest.startswith("/") else base
        target = base + ("/" + directory if directory else "") + "/"
        copies.setdefault(target, []).append(context)
    flags = " ".join(f"--{f.name}={f.value}" for f in source.flags if f.name in ("chown", "chmod", "link") and f.value)
    indent = _indent(dockerfile, source.line)
    lines = [
        f"{indent}{source.raw_keyword if source.keyword == 'COPY' else 'COPY'} {flags + ' ' if flags else ''}"
        f"{' '.join(files)} {target}"
        for target, files in copies.items()
    ]
    moved = dockerfile.lines[install.span.line - 1 : install.span.end_line]
    insertion = "\n".join([*lines, *moved]) + "\n"
    return Fix(
        f"copy {', '.join(manifests)} and install before `{source.raw_keyword} {source.args}`",
        (
            _insert(source.line, 1, insertion),
            Edit(Span(install.span.line, 1, install.span.end_line + 1, 1), ""),
        ),
        safe=False,
    )


def _whole_context_copy(instruction: Instruction) -> bool:
    if instruction.keyword not in ("COPY", "ADD") or instruction.heredocs or instruction.args.startswith("["):
        return False
    if any(f.name not in ("chown", "chmod", "link") for f in instruction.flags):
        return False
    words = instruction.arguments
    return len(words) == 2 and words[0].text in (".", "./") and "$" not in words[1].raw


def _workdir_before(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> str | None:
    workdir: str | None = None
    for member in dockerfile.lineage(stage):
        for candidate in member.body:
            if candidate is instruction:
                return workdir
            if candidate.keyword == "WORKDIR" and candidate.arguments:
                text = candidate.arguments[0].text
                if "$" in text:
                    workdir = None
                elif text.startswith("/"):
                    workdir = text
                elif workdir is not None:
                    workdir = workdir.rstrip("/") + "/" + text
    return workdir


# ---------------------------------------------------------------------------------------------------------
# Applying edits


@dataclass(frozen=True)
class _TextMap:
    """Offsets of each line start in the original text (any mix of ``\\n``, ``\\r\\n``, ``\\r``)."""

    text: str
    starts: tuple[int, ...]
    newline: str

    @classmethod
    def of(cls, text: str) -> _TextMap:
        starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
        newline = "\r\n" if "\r\n" in text else "\n"
        return cls(text, tuple(starts), newline)

    def offset(self, line: int, column: int) -> int:
        if line > len(self.starts):
            return len(self.text)
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        content_end = end
        while content_end > start and self.text[content_end - 1] in "\r\n":
            content_end -= 1
        if column == 1:
            return start
        return min(start + column - 1, content_end)


def _ranges(mapping: _TextMap, fix: Fix) -> list[tuple[int, int, str]]:
    out = []
    for edit in fix.edits:
        start = mapping.offset(edit.span.line, edit.span.column)
        end = mapping.offset(edit.span.end_line, edit.span.end_column)
        out.append((start, max(start, end), edit.replacement.replace("\n", mapping.newline)))
    return out


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """Apply the fixes whose edits neither overlap nor touch an already accepted one (in the given order;
    a skipped fix is picked up by the next round), bottom-up. Returns the new text and how many applied."""
    mapping = _TextMap.of(text)
    accepted: list[tuple[int, int, str]] = []
    seen: set[tuple[tuple[int, int, str], ...]] = set()
    count = 0
    for fix in fixes:
        ranges = _ranges(mapping, fix)
        signature = tuple(sorted(ranges))
        if not ranges or signature in seen:
            continue
        if any(
            start <= other_end and other_start <= end
            for start, end, _ in ranges
            for other_start, other_end, _ in accepted
        ):
            continue
        seen.add(signature)
        accepted.extend(ranges)
        count += 1
    for start, end, replacement in sorted(accepted, key=lambda r: (r[0], r[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text, count


# ---------------------------------------------------------------------------------------------------------
# The fix loop


def _decode(data: bytes) -> tuple[str, str]:
    """The text (BOM removed, line endings as they are) and the BOM to put back."""
    from .parse import decode

    decode(data)  # raises InputError for what cannot be linted
    text = data.decode("utf-8")
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    return text[len(bom) :], bom


def _errors(result: FileResult) -> Counter[str]:
    counts: Counter[str] = Counter(f.rule for f in result.findings if f.severity is Severity.ERROR)
    if result.dockerfile is not None:
        counts["syntax"] = len(result.dockerfile.problems)
    return counts


def _worse(before: FileResult, after: FileResult) -> bool:
    if after.error is not None or after.dockerfile is None:
        return True
    old, new = _errors(before), _errors(after)
    return any(new[key] > old[key] for key in new)


def fix_source(
    data: bytes, path: str, linter: Linter, unsafe: bool = False, build_context: Any = None
) -> tuple[str | None, FileResult, int]:
    """Fix, re-lint and fix again until nothing changes (at most :data:`MAX_ROUNDS` rounds).

    Returns ``(new_text, remaining, applied)``: the text to write (``data`` decoded when nothing could be
    done), the findings that remain (with their fixes attached) and how many fixes were applied.
    """

    from .parse import InputError

    def lint(text: str) -> FileResult:
        return linter.lint_bytes(text.encode("utf-8"), path, build_context)

    try:
        text, bom = _decode(data)
    except InputError:
        return None, linter.lint_bytes(data, path, build_context), 0
    result = lint(bom + text)
    applied = 0
    for _round in range(MAX_ROUNDS):
        if result.error is not None or result.dockerfile is None:
            break
        findings = with_fixes(result.findings, result.dockerfile)
        fixes = [f.fix for f in findings if applicable(f.fix, unsafe)]
        fixes.sort(key=lambda fix: not fix.safe)  # safe first: they win overlaps this round
        if not fixes:
            break
        new_text, count = apply_fixes(text, fixes)
        new_result = lint(bom + new_text) if count else result
        if count and _worse(result, new_result):  # find the fix that hurts: apply them one at a time
            new_text, count, new_result = _one_by_one(text, fixes, result, bom, lint)
        if count == 0 or new_text == text:
            break
        text, result, applied = new_text, new_result, applied + count
    result = replace(result, findings=with_fixes(result.findings, result.dockerfile))
    return bom + text, result, applied


def _one_by_one(
    text: str, fixes: list[Fix], result: FileResult, bom: str, lint: Callable[[str], FileResult]
) -> tuple[str, int, FileResult]:
    count = 0
    for fix in fixes:
        candidate, applied = apply_fixes(text, [fix])
        if not applied:
            continue
        candidate_result = lint(bom + candidate)
        if _worse(result, candidate_result):
            continue
        text, result, count = candidate, candidate_result, count + 1
        break  # positions of the other fixes are stale now: the next round recomputes them
    return text, count, result


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff ``patch`` applies (``\\ No newline at end of file`` markers included)."""
    lines = []
    for line in difflib.unified_diff(
        _split(before),
        _split(after),
        fromfile=path,
        tofile=path,
    ):
        if line.endswith("\n"):
            lines.append(line)
        else:
            lines.append(line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def _split(text: str) -> list[str]:
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


# ---------------------------------------------------------------------------------------------------------
# Files: what `mllint --fix` / `--diff` do


@dataclass
class FixRun:
    results: list
    diff: str = ""
    applied: int = 0
    changed: int = 0
    stdin_text: str | None = None  # the fixed standard input, printed instead of written


def fix_paths(
    paths: tuple[str, ...],
    linter: Linter,
    *,
    unsafe: bool,
    write: bool,
    stdin_filename: str | None,
    build_context: Callable[[str], object] = lambda path: None,
) -> FixRun:
    """Fix every input. ``write``: rewrite changed files in place (standard input is returned in
    ``stdin_text``); otherwise collect a unified diff and write nothing. ``build_context(path)`` gives the
    context rules may read for a file."""
    import sys

    from .files import collect, read
    from .lint import FileResult

    run = FixRun(results=[])
    for item in collect(paths):
        if item.error is not None:
            run.results.append(FileResult(item.path, error=item.error))
            continue
        is_stdin = item.path == "-"
        shown = (stdin_filename or "-") if is_stdin else item.path
        try:
            data = sys.stdin.buffer.read() if is_stdin else read(item.path)
        except OSError as error:
            run.results.append(FileResult(item.path, error=str(error)))
            continue
        new_text, result, applied = fix_source(data, shown, linter, unsafe, build_context(item.path))
        run.results.append(result)
        if new_text is None:
            continue
        old_text = data.decode("utf-8")
        if is_stdin and write:
            run.stdin_text = new_text
        if new_text == old_text:
            continue
        run.applied += applied
        run.changed += 1
        if not write:
            run.diff += unified_diff(shown, old_text, new_text)
        elif not is_stdin:
            try:
                with open(item.path, "wb") as handle:
                    handle.write(new_text.encode("utf-8"))
            except OSError as error:
                run.results[-1] = FileResult(item.path, error=f"cannot write the fixes: {error.strerror or error}")
    return run
