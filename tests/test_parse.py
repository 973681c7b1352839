"""The parser. Every case DESIGN.md lists as a dockerfile-parse gap has a test here: our own scanner handles
them (dockerfile-parse is no longer a runtime dependency, see README "Design notes"; tests still use it as an
oracle on plain input)."""

from __future__ import annotations

import ast
import subprocess
import sys
from io import BytesIO

import pytest
from dockerfile_parse import DockerfileParser

from dockerlint_ml.model import Span
from dockerlint_ml.parse import InputError, parse_bytes, parse_text

from .conftest import ROOT, parse


def keywords(dockerfile) -> list[str]:
    return [instruction.keyword for instruction in dockerfile.instructions]


def test_heredoc_body_is_not_instructions():
    df = parse(
        """
        FROM python:3.11-slim
        RUN <<EOF
        USER root
        pip install numpy
        EOF
        USER app
        """
    )
    assert keywords(df) == ["FROM", "RUN", "USER"]
    run = df.instructions[1]
    assert run.heredocs[0].name == "EOF"
    assert run.heredocs[0].body == "USER root\npip install numpy\n"
    assert run.span == Span(2, 1, 5, 4)
    assert [c.argv for c in run.commands] == [("USER", "root"), ("pip", "install", "numpy")]
    assert run.commands[1].span.line == 4


def test_heredoc_variants_and_copy_heredoc():
    df = parse(
        """
        FROM alpine:3.20
        COPY <<-"CONF" /etc/app.conf
        \tkey=value
        \tCONF
        RUN python3 <<PY
        import os
        PY
        """
    )
    assert keywords(df) == ["FROM", "COPY", "RUN"]
    assert df.instructions[1].heredocs[0].body == "key=value\n"
    assert df.instructions[1].heredocs[0].quoted
    # a python heredoc is not shell: its body gives no shell commands
    assert [c.name for c in df.instructions[2].commands] == ["python3"]


def test_unterminated_heredoc_is_a_syntax_problem():
    df = parse_text("FROM alpine:3.20\nRUN <<EOF\necho hi\n")
    assert any("unterminated heredoc" in p.message for p in df.problems)


def test_blank_line_inside_continuation_does_not_end_instruction():
    df = parse_text("FROM a:1\nRUN apt-get update && \\\n\n    apt-get install -y curl\nCMD x\n")
    assert keywords(df) == ["FROM", "RUN", "CMD"]
    assert [c.name for c in df.instructions[1].commands] == ["apt-get", "apt-get"]
    assert df.instructions[1].span.end_line == 4


def test_comment_inside_continuation_is_skipped():
    df = parse_text("FROM a:1\nRUN pip install \\\n    # the model runtime\n    torch==2.3.1\n")
    assert df.instructions[1].commands[0].argv == ("pip", "install", "torch==2.3.1")
    assert df.instructions[1].commands[0].words[2].span == Span(4, 5, 4, 17)
    assert (3, "# the model runtime") in df.comments


def test_continuation_at_end_of_file_keeps_instruction():
    df = parse_text("FROM a:1\nRUN echo hi \\")
    assert keywords(df) == ["FROM", "RUN"]
    assert df.instructions[1].commands[0].argv == ("echo", "hi")


def test_bom_does_not_hide_first_from():
    df = parse_bytes(b"\xef\xbb\xbfFROM python:3.11-slim\n")
    assert keywords(df) == ["FROM"]
    assert df.stages[0].image.repository == "python"


def test_invalid_utf8_is_an_input_error():
    with pytest.raises(InputError, match="UTF-8"):
        parse_bytes(b"FROM a\nRUN echo \xff\n")


def test_nul_bytes_are_binary():
    with pytest.raises(InputError, match="binary"):
        parse_bytes(b"FROM a\x00\n")


def test_argument_less_last_line_without_newline():
    df = parse_text("FROM a:1\nUSER")
    assert keywords(df) == ["FROM", "USER"]
    assert any(p.message == "USER needs an argument" for p in df.problems)


def test_lines_are_one_based_with_columns():
    df = parse_text("FROM a:1\n\n  RUN   echo hi\n")
    run = df.instructions[1]
    assert run.span == Span(3, 3, 3, 16)
    assert run.keyword_span == Span(3, 3, 3, 6)
    assert run.commands[0].span == Span(3, 9, 3, 16)


def test_json_and_shell_form_are_distinguished():
    df = parse_text('FROM a:1\nCMD ["python", "-m", "app"]\nCMD python -m app\nCMD [\'python\']\n')
    assert df.instructions[1].exec_form == ("python", "-m", "app")
    assert df.instructions[2].exec_form is None
    assert df.instructions[3].exec_form is None
    assert any("not a valid JSON array" in p.message for p in df.problems)


def test_per_stage_arg_and_env_scopes():
    df = parse(
        """
        ARG CUDA=12.1.1
        ARG PY
        FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04 AS base
        ENV APP_HOME=/srv
        ARG CUDA
        RUN echo $CUDA
        FROM base AS app
        ENV LOG=$APP_HOME/log
        RUN echo
        FROM python:${PY:-3.11}-slim
        RUN echo
        """
    )
    base, app, last = df.stages
    assert base.image.tag == "12.1.1-runtime-ubuntu22.04"
    assert base.instructions[3].scope == {"APP_HOME": "/srv", "CUDA": "12.1.1"}
    assert app.parent == 0 and app.image is None
    assert app.instructions[2].scope["LOG"] == "/srv/log"
    # BuildKit: a stage built FROM another inherits its ARGs and ENV ("arguments and variables are inherited
    # from parent stages"); a stage built from an image starts empty
    assert app.instructions[2].scope["CUDA"] == "12.1.1"
    assert last.image.tag == "3.11-slim"
    assert last.instructions[1].scope == {}


def test_arg_inherited_through_stage_chain_env_still_wins():
    df = parse(
        """
        FROM ubuntu:24.04 AS parent
        ARG CUDA_MAJOR_VERSION=12
        ENV MODE=env
        FROM parent AS middle
        ARG MODE=arg
        FROM middle AS child
        ENV NVIDIA_REQUIRE_CUDA="cuda>=${CUDA_MAJOR_VERSION}.0"
        RUN echo
        FROM ubuntu:24.04
        RUN echo
        """
    )
    child, other = df.stages[2], df.stages[3]
    assert child.instructions[2].scope["NVIDIA_REQUIRE_CUDA"] == "cuda>=12.0"
    assert child.instructions[2].scope["MODE"] == "env"  # an ENV of the same name wins over the ARG
    assert "CUDA_MAJOR_VERSION" not in other.instructions[1].scope


def test_arg_defaults_refer_to_earlier_args():
    df = parse(
        """
        ARG REGISTRY=quay.io
        ARG OWNER=jupyter
        ARG BASE_IMAGE=$REGISTRY/$OWNER/base-notebook
        ARG UNKNOWN
        ARG OTHER=${UNKNOWN}/x
        FROM $BASE_IMAGE
        ARG ROOT=/opt
        ARG APP=${ROOT}/app LATER=$NOT_YET
        WORKDIR $APP
        FROM $OTHER
        """
    )
    assert df.global_args["BASE_IMAGE"] == "quay.io/jupyter/base-notebook"
    first, second = df.stages
    assert first.image is not None and first.image.resolved
    assert (first.image.registry, first.image.repository) == ("quay.io", "jupyter/base-notebook")
    assert first.instructions[3].scope["APP"] == "/opt/app"
    assert first.instructions[3].scope["LATER"] == "$NOT_YET"  # unknown: kept as written, never made up
    assert second.image is None or not second.image.resolved


def test_unresolved_arg_image_is_marked():
    df = parse_text("ARG BASE\nFROM $BASE\n")
    assert df.stages[0].image.resolved is False


def test_escape_directive_and_syntax_directive():
    df = parse_text("# syntax=docker/dockerfile:1\n# escape=`\nFROM a:1\nRUN echo a `\n    b\n")
    assert df.directives == {"syntax": "docker/dockerfile:1", "escape": "`"}
    assert df.instructions[1].commands[0].argv == ("echo", "a", "b")


def test_lowercase_instructions_crlf_and_onbuild():
    df = parse_bytes(b"from python:3.11-slim\r\nonbuild run pip install x\r\nrun echo hi\r\n")
    assert keywords(df) == ["FROM", "ONBUILD", "RUN"]
    assert df.newline == "\r\n"
    assert df.instructions[1].onbuild.keyword == "RUN"
    assert df.instructions[2].commands[0].argv == ("echo", "hi")


def test_cr_only_line_endings():
    df = parse_bytes(b"FROM a:1\rRUN echo hi\r")
    assert keywords(df) == ["FROM", "RUN"]


def test_flags_are_parsed():
    df = parse_text(
        "FROM a:1 AS b\nFROM a:1\nCOPY --from=b --chown=app:app /x /y\n"
        "RUN --mount=type=cache,target=/root/.cache/pip pip install x\n"
    )
    copy, run = df.instructions[2], df.instructions[3]
    assert copy.flag("from").value == "b"
    assert copy.flag("chown").value == "app:app"
    assert [w.text for w in copy.arguments] == ["/x", "/y"]
    assert run.mounts() == [{"type": "cache", "target": "/root/.cache/pip"}]


def test_missing_from_and_instruction_before_from():
    df = parse_text("RUN echo hi\n")
    messages = [p.message for p in df.problems]
    assert any("before the first FROM" in m for m in messages)
    assert any("no FROM" in m for m in messages)


def test_instruction_count_matches_dockerfile_parse_on_plain_input():
    text = "FROM a:1\nENV A=1 \\\n  B=2\n# c\nRUN x && \\\n  y\nCMD z\n"
    theirs = [i for i in DockerfileParser(fileobj=BytesIO(text.encode())).structure if i["instruction"] != "COMMENT"]
    assert len(parse_text(text).instructions) == len(theirs)


def test_env_pairs_legacy_and_quoted():
    df = parse_text('FROM a:1\nENV MODEL_NAME "bert base"\nENV A="x y" B=2\n')
    assert [(n, v) for n, v, _ in df.instructions[1].pairs()] == [("MODEL_NAME", "bert base")]
    assert [(n, v) for n, v, _ in df.instructions[2].pairs()] == [("A", "x y"), ("B", "2")]


def test_env_substitutes_values_from_before_the_instruction():
    # Docker: `ENV abc=bye def=$abc` gives def the *previous* value of abc.
    df = parse(
        """
        FROM alpine:3.20
        ENV abc=hello
        ENV abc=bye def=$abc
        RUN echo
        """
    )
    assert df.stages[0].instructions[3].scope == {"abc": "bye", "def": "hello"}


def test_copy_json_form_is_exec_form():
    df = parse_text('FROM a:1\nCOPY ["model v3.pt", "/models/"]\nCOPY src/ /app/\n')
    assert df.instructions[1].exec_form == ("model v3.pt", "/models/")
    assert df.instructions[2].exec_form is None


def test_label_with_quoted_key_is_key_value_form():
    # Docker tells the legacy `ENV KEY value` form by the raw first word lacking `=`; quotes do not matter.
    df = parse(
        """
        FROM alpine:3.20
        LABEL "org.opencontainers.image.title"="my model" version=1
        ENV KEY "a=b"
        """
    )
    label, env = df.instructions[1], df.instructions[2]
    assert [(name, value) for name, value, _word in label.pairs()] == [
        ("org.opencontainers.image.title", "my model"),
        ("version", "1"),
    ]
    assert [(name, value) for name, value, _word in env.pairs()] == [("KEY", "a=b")]


def test_deprecated_value_is_still_filled():
    df = parse_text(
        "FROM a:1\nRUN --mount=type=cache,target=/c apt-get update && \\\n    apt-get install x  \nRUN echo hi \\"
    )
    assert df.instructions[1].value == "--mount=type=cache,target=/c apt-get update &&     apt-get install x"
    assert df.instructions[2].value == "echo hi"  # a continuation on the last line: the escape is not kept


def test_pairs_are_computed_at_parse_time():
    """``Instruction.pairs()`` reads a field: with the parser made unimportable afterwards, it still works."""
    probe = """
import sys
from dockerlint_ml.parse import parse_text
df = parse_text('FROM a:1\\nENV A=1 B="x y"\\nONBUILD LABEL k=v\\n')
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.startswith("dockerlint_ml"):
            raise ImportError(name + " imported after parsing")
sys.meta_path.insert(0, Block())
for name in [m for m in sys.modules if m.startswith("dockerlint_ml")]:
    del sys.modules[name]
env, onbuild = df.instructions[1], df.instructions[2].onbuild
print([(n, v) for n, v, _ in env.pairs()], [(n, v) for n, v, _ in onbuild.pairs()])
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[('A', '1'), ('B', 'x y')] [('k', 'v')]"


def _package_imports(module: str) -> list[str]:
    tree = ast.parse((ROOT / "dockerlint_ml" / f"{module}.py").read_text())
    imported = [
        node.module or "."
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("dockerlint_ml"))
    ]
    imported += [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name.startswith("dockerlint_ml")
    ]
    return imported


def test_model_imports_nothing_from_the_package():
    """model.py is the bottom layer: no import of another dockerlint_ml module, not even inside a function,
    but the value-class base below it (records.py), which imports nothing of the package itself."""
    assert _package_imports("model") == ["records"]
    assert _package_imports("records") == []
