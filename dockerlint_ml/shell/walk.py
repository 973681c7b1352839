"""RUN bodies -> :class:`ShellCommand` s, with tree-sitter-bash.

tree-sitter-bash is error-tolerant (it never raises) and gives a position for every node, so commands keep
exact spans even inside ``&&`` chains across continuations, ``if``/``for`` blocks, ``$(...)`` and heredoc
scripts. Scripts hidden in ``sh -c '...'`` and wrappers such as ``sudo`` or ``env`` are unwrapped; a shell
records the script it ran (:attr:`ShellCommand.script`) and the script's commands the shell they came from
(:attr:`ShellCommand.nested_in`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..lazy_re import lazy
from ..logical_text import LogicalText
from ..model import Condition, Heredoc, Redirect, ShellCommand, Span, Word
from .tools import WRAPPERS, parse_invocation, script_index, tool_of, unwrap

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any

MAX_NESTING = 16  # `sh -c` inside `sh -c` ...: deeper scripts are not unwrapped
MAX_CONDITIONS = (
    64  # conditionals recorded per command (innermost beyond are dropped): keeps `[ ] && [ ] && ...` linear
)

_parser: Any = None


def _tree_sitter_parser() -> Any:
    """Built on first use."""
    global _parser
    if _parser is None:
        binding = _extension("tree_sitter")
        _parser = binding.Parser(binding.Language(_extension("tree_sitter_bash").language()))
    return _parser


def _extension(package: str) -> Any:
    """``package._binding``, the compiled module of tree-sitter or of its bash grammar, loaded without running
    ``package/__init__.py``: tree-sitter's imports typing (~2 ms), tree-sitter-bash's importlib.resources and
    with it tempfile, random and shutil (~5 ms). Only ``importlib.machinery`` (loaded with the interpreter),
    not ``importlib.util`` (~1 ms more). It is registered under its name, so a later ``import package`` (the
    language server, tests) runs the ``__init__`` on top of the same module instead of loading it twice."""
    import sys

    name = f"{package}._binding"
    if name in sys.modules:
        return sys.modules[name]
    try:
        from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader, ModuleSpec, PathFinder
        from os import path

        spec = PathFinder.find_spec(package)  # finds it on sys.path without running it
        for directory in spec.submodule_search_locations or () if spec else ():
            for suffix in EXTENSION_SUFFIXES:
                location = path.join(directory, f"_binding{suffix}")
                if path.isfile(location):
                    loader = ExtensionFileLoader(name, location)
                    module = loader.create_module(ModuleSpec(name, loader, origin=location))
                    loader.exec_module(module)
                    sys.modules[name] = module
                    return module
    except (ImportError, OSError, AttributeError):  # pragma: no cover - another layout: import it normally
        pass
    from importlib import import_module  # pragma: no cover

    return import_module(name)  # pragma: no cover


# ---------------------------------------------------------------------------------------------------------
# tree-sitter walk


def _byte_to_char(source: str) -> list[int] | None:
    """None for ASCII sources (offsets agree); else a byte offset -> char offset table."""
    encoded = source.encode("utf-8")
    if len(encoded) == len(source):
        return None
    table: list[int] = []
    for index, char in enumerate(source):
        table.extend([index] * len(char.encode("utf-8")))
    table.append(len(source))
    return table


def _unquote(node: Any, source: bytes) -> str:
    kind = node.type
    raw = source[node.start_byte : node.end_byte].decode("utf-8", "replace")
    if kind == "raw_string":
        return raw[1:-1]
    if kind == "ansi_c_string":
        return raw[2:-1]
    if kind == "string":
        return re.sub(r'\\([$`"\\\n])', r"\1", raw[1:-1])
    if kind == "concatenation":
        return "".join(_unquote(child, source) for child in node.children)
    if kind in ("word", "number"):
        return re.sub(r"\\(.)", r"\1", raw)
    return raw


def _touching_joined(nodes: list[Any]) -> list[list[Any]]:
    """Arguments grouped into the words bash sees: nodes with no byte between them are one word. tree-sitter-bash
    ends a concatenation at a ``$`` that follows an expansion (``v$S/x-v$S-linux.tar.gz`` parses as
    ``v$S/x-v$`` and ``S-linux.tar.gz``)."""
    groups: list[list[Any]] = []
    for node in nodes:
        if groups and groups[-1][-1].end_byte == node.start_byte:
            groups[-1].append(node)
        else:
            groups.append([node])
    return groups


if TYPE_CHECKING:
    Ancestors = tuple[Any, "Ancestors"] | None
Conditions = tuple[Condition, ...]

_VARIABLE = lazy(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _inside(conditions: Conditions, condition: Condition) -> Conditions:
    return conditions if len(conditions) >= MAX_CONDITIONS else (*conditions, condition)


def _is_test(node: Any, source: bytes) -> bool:
    """`[ ... ]`, `[[ ... ]]`, `test ...` (also negated): a command whose only job is to decide."""
    if node.type == "test_command":
        return True
    if node.type == "command":
        name = node.child_by_field_name("name")
        return name is not None and source[name.start_byte : name.end_byte] in (b"test", b"[", b"[[")
    return node.type == "negated_command" and any(_is_test(child, source) for child in node.named_children)


class _Walker:
    def __init__(
        self,
        text: LogicalText,
        depth: int,
        counter: list[int],
        conditions: Conditions = (),
        base: int = 0,
        parent: int | None = None,
    ) -> None:
        self.text = text
        self.conditions = conditions  # of the command whose `sh -c` script this is
        self.base = base  # index, in the instruction's commands, of this walk's first command
        self.parent = parent  # index of the command whose `sh -c` script this is
        self.depth = depth
        self.counter = counter  # pipeline ids, shared with nested scripts so they stay unique
        self.source = text.text.encode("utf-8")
        self.table = _byte_to_char(text.text)
        self.commands: list[ShellCommand] = []
        self.pipelines: dict[tuple[int, int], tuple[int, int, int]] = {}
        self.scripts: list[Word] = []  # `sh -c` arguments parsed as scripts of their own

    def char(self, byte: int) -> int:
        return byte if self.table is None else self.table[min(byte, len(self.table) - 1)]

    def span(self, node: Any) -> Span:
        return self.text.span(self.char(node.start_byte), self.char(node.end_byte))

    def word(self, node: Any) -> Word:
        raw = self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")
        return Word(_unquote(node, self.source), raw, self.span(node))

    def joined_word(self, nodes: list[Any]) -> Word:
        """One word from argument nodes with nothing between them (see :func:`_touching_joined`)."""
        first, last = nodes[0], nodes[-1]
        raw = self.source[first.start_byte : last.end_byte].decode("utf-8", "replace")
        text = "".join(_unquote(node, self.source) for node in nodes)
        return Word(text, raw, self.text.span(self.char(first.start_byte), self.char(last.end_byte)))

    def walk(self, root: Any) -> None:
        # Iterative, and parents are carried along as a linked list `(node, (parent, (...)))`: tree-sitter's
        # `node.parent` walks down from the root each time, which is quadratic on a long `&&` chain. The
        # conditionals a node is inside are carried along the same way (a tuple, shared until a branch adds one).
        stack: list[tuple[Any, Ancestors, Conditions]] = [(root, None, self.conditions)]
        while stack:
            node, ancestors, conditions = stack.pop()
            kind = node.type
            below = (node, ancestors)
            if kind == "if_statement":
                stack.extend(reversed(self._if(node, below, conditions)))
                continue
            if kind == "case_statement":
                stack.extend(reversed(self._case(node, below, conditions)))
                continue
            if kind == "list":
                stack.extend(reversed(self._list(node, ancestors, conditions)))
                continue
            done: set[tuple[int, int]] = set()
            if kind == "pipeline":
                self._register_pipeline(node)
            elif kind == "command":
                done = self._command(node, ancestors, conditions)
            elif kind == "declaration_command":
                self._declaration(node, ancestors, conditions)
            stack.extend(
                (c, below, conditions) for c in reversed(node.children) if (c.start_byte, c.end_byte) not in done
            )

    # Conditionals: each returns the children to walk, in source order, with the conditions each runs under.

    def _variables(self, nodes: Sequence[Any]) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for node in nodes:
            text = self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")
            found.update(dict.fromkeys(_VARIABLE.findall(text)))
        return tuple(found)

    def _if(self, node: Any, below: Ancestors, conditions: Conditions) -> list[tuple[Any, Ancestors, Conditions]]:
        """`if A; then B; elif C; then D; else E; fi`: B, D, E are branches 0, 1, 2; A and C run outside them."""
        parts: list[tuple[Any, Ancestors, int | None]] = []  # branch None: a condition
        tests: list[Any] = []
        branch, complete, in_body = 0, False, False
        for child in node.children:
            kind = child.type
            if kind in ("elif_clause", "else_clause"):
                branch += 1
                complete = complete or kind == "else_clause"
                clause_in_body = kind == "else_clause"
                clause_below = (child, below)
                for part in child.children:
                    if part.type in ("elif", "else", "then", ";", "comment"):
                        clause_in_body = clause_in_body or part.type == "then"
                    elif clause_in_body:
                        parts.append((part, clause_below, branch))
                    else:
                        tests.append(part)
                        parts.append((part, clause_below, None))
            elif kind in ("if", "fi", ";", "comment"):
                continue
            elif kind == "then":
                in_body = True
            elif in_body:
                parts.append((child, below, 0))
            else:
                tests.append(child)
                parts.append((child, below, None))
        start = self.span(node)
        variables = self._variables(tests)
        inside = [
            _inside(
                conditions, Condition((start.line, start.column), start.line, index, branch + 1, complete, variables)
            )
            for index in range(branch + 1)
        ]
        return [(child, ancestors, conditions if index is None else inside[index]) for child, ancestors, index in parts]

    def _case(self, node: Any, below: Ancestors, conditions: Conditions) -> list[tuple[Any, Ancestors, Conditions]]:
        """`case $X in a) B;; *) C;; esac`: each item's commands are one branch; `*)` makes it complete."""
        items = [child for child in node.children if child.type == "case_item"]
        value = node.child_by_field_name("value")
        variables = self._variables([value] if value is not None else [])
        complete = any(
            self.source[item.start_byte : item.end_byte].lstrip().startswith((b"*)", b"*|", b"(*)")) for item in items
        )
        start = self.span(node)
        result: list[tuple[Any, Ancestors, Conditions]] = []
        index = 0
        for child in node.children:
            if child.type != "case_item":
                result.append((child, below, conditions))
                continue
            inside = _inside(
                conditions, Condition((start.line, start.column), start.line, index, len(items), complete, variables)
            )
            index += 1
            item_below = (child, below)
            seen_paren = False
            for part in child.children:
                if part.type == ")":
                    seen_paren = True
                elif seen_paren and part.type not in (";;", ";&", ";;&", "comment"):
                    result.append((part, item_below, inside))
                else:
                    result.append((part, item_below, conditions))
        return result

    def _list(self, node: Any, ancestors: Ancestors, conditions: Conditions) -> list[tuple[Any, Ancestors, Conditions]]:
        """`a && b || c`, flattened (tree-sitter nests lists to the left). What follows a test (`[ -n "$X" ] &&
        ...`, `test -f f || ...`) runs only depending on it; `a || b` makes b a fallback that may not run. In a
        plain `a && b` both run (in a build that succeeds): no conditional."""
        operands: list[tuple[Any, Ancestors]] = []
        operators: list[Any] = []
        pending: list[tuple[Any, Ancestors]] = [(node, ancestors)]
        while pending:
            current, above = pending.pop()
            if current.type == "list":
                below = (current, above)
                pending.extend((child, below) for child in reversed(current.children) if child.type != "comment")
            elif current.type in ("&&", "||"):
                operators.append(current)
            else:
                operands.append((current, above))
        result: list[tuple[Any, Ancestors, Conditions]] = []
        running = conditions  # tests so far hold for the rest of the list
        for index, (operand, above) in enumerate(operands):
            own = running
            if 0 < index <= len(operators):
                left, operator = operands[index - 1][0], operators[index - 1]
                at, line = self.span(operator), self.span(left).line
                if _is_test(left, self.source):
                    test = Condition((at.line, at.column), line, 0, 1, False, self._variables([left]))
                    running = own = _inside(running, test)
                elif operator.type == "||":
                    own = _inside(running, Condition((at.line, at.column), line, 0, 1, False))
            result.append((operand, above, own))
        return result

    def _declaration(self, node: Any, ancestors: Ancestors, conditions: Conditions) -> None:
        """`export A=1`, `declare -x A=1`, `readonly`, `local`: a command named after the keyword, whose
        ``assignments`` are the variables it sets (values unquoted), so `export HF_TOKEN=...` is seen."""
        children = [child for child in node.children if child.type != "comment"]
        if not children:
            return
        assignments = []
        for child in children:
            if child.type == "variable_assignment":
                name, value = child.child_by_field_name("name"), child.child_by_field_name("value")
                if name is not None:
                    assignments.append((self.word(name).text, self.word(value).text if value is not None else ""))
        pipeline, pipe_index, pipe_length = self._pipe_position(node, ancestors)
        words = [self.word(child) for child in children]
        self._emit(words, self.span(node), pipeline, pipe_index, pipe_length, (), tuple(assignments), None, conditions)

    def _register_pipeline(self, node: Any) -> None:
        members = [child for child in node.named_children if child.type != "comment"]
        self.counter[0] += 1
        for index, member in enumerate(members):
            self.pipelines[(member.start_byte, member.end_byte)] = (self.counter[0], index, len(members))

    def _pipe_position(self, node: Any, ancestors: Ancestors) -> tuple[int, int, int]:
        current, above = node, ancestors
        while current is not None and current.type in ("command", "redirected_statement", "negated_command"):
            found = self.pipelines.get((current.start_byte, current.end_byte))
            if found:
                return found
            current, above = above if above is not None else (None, None)
        self.counter[0] += 1
        return self.counter[0], 0, 1

    def _command(self, node: Any, ancestors: Ancestors, conditions: Conditions) -> set[tuple[int, int]]:
        """Emit the command; return the byte ranges of arguments already walked as `sh -c` scripts, which
        the walk must not enter again (`sh -c "$(sh -c "$(...)")"` would cost 2^depth)."""
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return set()
        words = [self.word(name_node.named_children[0] if name_node.named_children else name_node)]
        argument_nodes = _touching_joined(node.children_by_field_name("argument"))
        words.extend(self.word(group[0]) if len(group) == 1 else self.joined_word(group) for group in argument_nodes)
        assignments = tuple(
            (self.word(child).text.partition("=")[0], self.word(child).text.partition("=")[2])
            for child in node.children
            if child.type == "variable_assignment"
        )
        redirects: list[Redirect] = []
        current, (parent, above) = node, ancestors if ancestors is not None else (None, None)
        # `a && b > f`: tree-sitter hangs the redirect on the whole list, but bash binds it to `b`, the last command
        while parent is not None and parent.type == "list" and parent.named_children[-1] == current:
            current, (parent, above) = parent, above if above is not None else (None, None)
        if parent is not None and parent.type == "redirected_statement":
            for child in parent.children_by_field_name("redirect"):
                destination = child.child_by_field_name("destination")
                operator = child.children[0].type if child.children else ""
                redirects.append(Redirect(operator, self.word(destination).text if destination else ""))
                # `pip install numpy>=1.2 scipy`: bash passes `scipy` to pip; tree-sitter files it under the redirect
                words.extend(self.word(extra) for extra in child.children_by_field_name("destination")[1:])
        pipeline, pipe_index, pipe_length = self._pipe_position(node, ancestors)
        self.scripts = []
        span = self.span(node)
        self._emit(words, span, pipeline, pipe_index, pipe_length, tuple(redirects), assignments, None, conditions)
        return {
            (child.start_byte, child.end_byte)
            for (child, *_), word in zip(argument_nodes, words[1:], strict=False)  # may end with redirect extras
            if any(word is script for script in self.scripts)
        }

    def _emit(
        self,
        words: list[Word],
        span: Span,
        pipeline: int,
        pipe_index: int,
        pipe_length: int,
        redirects: tuple[Redirect, ...],
        assignments: tuple[tuple[str, str], ...],
        wrapper: str | None,
        conditions: Conditions = (),
    ) -> None:
        name = words[0].text.rsplit("/", 1)[-1] if not words[0].has_expansion else words[0].raw
        found = tool_of(name, [w.text for w in words])
        invocation = parse_invocation(found[0], words[found[1] :]) if found else None
        at = script_index(name, words)
        script = words[at] if at is not None else None
        self.commands.append(
            ShellCommand(
                name=name,
                words=tuple(words),
                span=span,
                pipeline=pipeline,
                pipe_index=pipe_index,
                pipe_length=pipe_length,
                redirects=redirects,
                assignments=assignments,
                wrapper=wrapper,
                invocation=invocation,
                conditions=conditions,
                script=script,
                nested_in=self.parent,
            )
        )
        own = self.base + len(self.commands) - 1
        if name in WRAPPERS:
            inner = unwrap(words, name)
            if inner is not None:
                inner_words = words[inner:]
                inner_span = Span(inner_words[0].span.line, inner_words[0].span.column, span.end_line, span.end_column)
                self._emit(inner_words, inner_span, pipeline, pipe_index, pipe_length, redirects, (), name, conditions)
        elif script is not None:
            self._nested_script(script, own, conditions)

    def _nested_script(self, script: Word, shell: int, conditions: Conditions) -> None:
        """Walk the script of the command at index ``shell`` (``sh -c SCRIPT``) as a script of its own. Beyond
        MAX_NESTING it is not: the walk goes on into the word (its ``$(...)``), so the commands found there
        count as the enclosing script's (their ``nested_in`` is that script's shell)."""
        if self.depth >= MAX_NESTING:
            return
        start = self._char_offset(script.span)
        quoted = script.raw[:1] in ("'", '"')
        inner = self.text.shifted(start + (1 if quoted else 0), script.text)
        base = self.base + len(self.commands)
        self.commands.extend(parse_script(inner, self.depth + 1, self.counter, conditions, base, shell))
        self.scripts.append(script)

    def _char_offset(self, span: Span) -> int:
        offset = self.text.offset_of(span.line, span.column)
        return 0 if offset is None else offset


def parse_script(
    text: LogicalText,
    depth: int = 0,
    counter: list[int] | None = None,
    conditions: Conditions = (),
    base: int = 0,
    parent: int | None = None,
) -> list[ShellCommand]:
    """All simple commands in a shell script, in source order; ``conditions``: those the script runs in (an
    `sh -c` script inherits its command's), which come before the script's own. ``base``: the index its first
    command will have in the instruction's commands; ``parent``: the index of the `sh -c` command whose script
    this is (the ``nested_in`` of the script's commands)."""
    if not text.text.strip():
        return []
    walker = _Walker(text, depth, counter if counter is not None else [0], conditions, base, parent)
    walker.walk(_tree_sitter_parser().parse(walker.source).root_node)
    return walker.commands


def _exec_words(body: LogicalText, offset: int) -> list[Word]:
    """The strings of a JSON exec-form array with their spans."""
    text = body.text
    words: list[Word] = []
    index = text.find("[", offset) + 1
    from json import decoder  # only exec-form instructions need it

    while 0 < index < len(text):
        char = text[index]
        if char == '"':
            value, end = decoder.scanstring(text, index + 1)  # type: ignore[attr-defined]
            words.append(Word(value, text[index:end], body.span(index, end)))
            index = end
        elif char == "]":
            break
        else:
            index += 1
    return words


def _command_from_argv(words: list[Word], span: Span) -> list[ShellCommand]:
    walker = _Walker(LogicalText("", [(0, span.line, span.column)]), 0, [0])
    walker._emit(words, span, 1, 0, 1, (), (), None)
    return walker.commands


_SHELL_SCRIPT_PREFIX = lazy(r"^\s*(?:(?:/usr)?/bin/)?(?:sh|bash|dash|ash)?(?:\s+-[a-z]+)*\s*$")


def commands_for(
    keyword: str,
    body: LogicalText,
    args_offset: int,
    arguments: Sequence[Word],
    exec_form: tuple[str, ...] | None,
    heredocs: Sequence[Heredoc],
) -> tuple[ShellCommand, ...]:
    """The commands a RUN/CMD/ENTRYPOINT/HEALTHCHECK runs."""
    if keyword == "HEALTHCHECK":
        cmd_word = next((w for w in arguments if w.text.upper() == "CMD"), None)
        if cmd_word is None:
            return ()
        start = _offset_after(body, cmd_word)
        rest = body.text[start:].strip()
        if rest.startswith("["):
            return tuple(_command_from_argv(_exec_words(body, start), cmd_word.span))
        return tuple(parse_script(body.shifted(start, body.text[start:])))
    if exec_form is not None:
        words = _exec_words(body, args_offset)
        if not words:
            return ()
        return tuple(_command_from_argv(words, words[0].span.cover(words[-1].span)))
    script_text = body.text[args_offset:]
    counter = [0]
    commands = parse_script(body.shifted(args_offset, script_text), 0, counter)
    for heredoc in heredocs:
        before_marker = script_text.split("<<", 1)[0]
        if _SHELL_SCRIPT_PREFIX.match(before_marker):
            block = LogicalText.block(heredoc.body, heredoc.body_start_line)
            commands.extend(parse_script(block, 0, counter, (), len(commands)))
    return tuple(commands)


def _offset_after(body: LogicalText, word: Word) -> int:
    offset = body.offset_of(word.span.line, word.span.column)
    return len(body.text) if offset is None else offset + len(word.raw)
