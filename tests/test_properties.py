"""Property tests: no input breaks mllint, and valid Dockerfiles keep the model's invariants."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from io import BytesIO
from pathlib import Path

import jsonschema
from dockerfile_parse import DockerfileParser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockerlint_ml.cli import main
from dockerlint_ml.lint import Linter
from dockerlint_ml.registry import builtin_rules
from dockerlint_ml.settings import Settings

SCHEMA = json.loads((Path(__file__).resolve().parent / "data/sarif-schema-2.1.0.json").read_text())
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ALL_RULES = builtin_rules()
LINTER = Linter(Settings(extend_select=("ML",)), ALL_RULES)  # every rule, off-by-default ones too


def cli(directory: str, data: bytes, *args: str) -> tuple[int, str]:
    """Run mllint in-process on ``data`` (as ``directory``/Dockerfile); return the exit code and report."""
    context = os.path.join(directory, "context")  # the report is written beside it, not into what ML8xx walk
    os.makedirs(context, exist_ok=True)
    path = os.path.join(context, "Dockerfile")
    with open(path, "wb") as handle:
        handle.write(data)
    report = os.path.join(directory, "report.out")
    argv = ["--isolated", "--no-color", "--extend-select", "ML", "--sarif-root", directory, "-o", report, *args, path]
    try:
        main(argv)
    except SystemExit as exited:
        code = exited.code
    else:  # pragma: no cover - main always exits
        code = None
    with open(report, encoding="utf-8") as handle:
        return code, handle.read()  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------------------
# (1) Arbitrary bytes: no exception escapes, exit code 0/1/2, machine formats stay valid

FRAGMENTS = [
    "FROM python:3.11 AS b\n", "from ubuntu\n", "RUN pip install torch \\\n", "RUN <<EOF\n", "EOF\n", "\\\n",
    "  && apt-get install -y curl \\\n", "# mllint: ignore=ML206\n", "CMD [\"python\", \n", "COPY --from=b / /\n",
    "ENV A=${B:-x} C=$A\n", "ARG V\n", "sh -c 'sh -c \"$(curl x | sh)\"'\n", "\r\n", "\r", "\ufeff", "\x00",
    "ONBUILD RUN x\n", "HEALTHCHECK CMD curl -f localhost || exit 1\n", "# escape=`\n", "`\n", "'", '"', "$(",
    "USER root\n", "WORKDIR ${X}\n", "SHELL [\"/bin/bash\", \"-c\"]\n", "LABEL a=\"b\n", "ü", "\t", " ",
]  # fmt: skip
dockerfile_soup = st.lists(st.sampled_from(FRAGMENTS), max_size=30).map(lambda parts: "".join(parts).encode("utf-8"))
any_bytes = st.one_of(st.binary(max_size=400), dockerfile_soup, st.text(max_size=300).map(str.encode))


@PROPERTY
@given(any_bytes)
def test_arbitrary_bytes_never_raise(data):
    result = LINTER.lint_bytes(data, "Dockerfile")
    assert result.error is None or "internal error" not in result.error, result.error


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_bytes)
def test_arbitrary_bytes_through_the_cli(data):
    with tempfile.TemporaryDirectory() as directory:
        code, text = cli(directory, data, "--format", "text")
        assert code in (0, 1, 2)
        json_code, report = cli(directory, data, "--format", "json")
        assert json_code == code
        assert isinstance(json.loads(report), (dict, list))
        sarif_code, report = cli(directory, data, "--format", "sarif")
        assert sarif_code == code
        VALIDATOR.validate(json.loads(report))
        assert "Traceback" not in text


# ---------------------------------------------------------------------------------------------------------
# (2) Valid Dockerfiles: spans, instruction count, ordering, suppression, determinism

names = st.sampled_from(["torch", "numpy", "fastapi", "transformers==4.41.2", "scipy"])
images = st.sampled_from(["python:3.11-slim", "ubuntu:22.04", "nvidia/cuda:12.1.1-runtime-ubuntu22.04", "$BASE"])
words = st.text(alphabet="abcxyz0123_-./", min_size=1, max_size=8)


@st.composite
def keyword(draw, name: str) -> str:
    return draw(st.sampled_from([name, name.lower(), name.capitalize()]))


@st.composite
def continued(draw, parts: list[str], *, blanks: bool) -> str:
    """Join ``parts`` with ``\\`` continuations; comment lines (and, if ``blanks``, blank lines) in between."""
    text = parts[0]
    for part in parts[1:]:
        text += " \\\n"
        filler = draw(st.sampled_from(["", "  # a comment\n", "\n"] if blanks else ["", "  # a comment\n"]))
        text += filler + "  " + part
    return text


@st.composite
def instruction(draw, stages: list[str], *, blanks: bool, heredocs: bool) -> str:
    kind = draw(st.sampled_from(["RUN", "RUNX", "CMD", "ENV", "ARG", "LABEL", "COPY", "WORKDIR", "USER", "EXPOSE"]))
    if kind == "RUN":
        commands = draw(
            st.lists(
                st.one_of(
                    names.map(lambda n: f"pip install {n}"),
                    names.map(lambda n: f"pip install --no-cache-dir {n}"),
                    words.map(lambda w: f"echo {w}"),
                    st.just("apt-get update"),
                    st.just("apt-get install -y --no-install-recommends curl"),
                    st.just("rm -rf /var/lib/apt/lists/*"),
                    names.map(lambda n: f"sh -c 'pip install {n}'"),
                ),
                min_size=1,
                max_size=4,
            )
        )
        parts = [commands[0], *[f"&& {c}" for c in commands[1:]]]
        if heredocs and draw(st.booleans()):
            return f"{draw(keyword('RUN'))} <<EOF\n" + "\n".join(commands) + "\nEOF"
        return f"{draw(keyword('RUN'))} " + draw(continued(parts, blanks=blanks))
    if kind == "RUNX":
        return f'{draw(keyword("RUN"))} ["python", "-m", "pip", "install", "{draw(names)}"]'
    if kind == "CMD":
        exec_form = draw(st.booleans())
        return f"{draw(keyword('CMD'))} " + ('["python", "app.py"]' if exec_form else "python app.py --port 8000")
    if kind == "ENV":
        pairs = [
            f"{draw(st.sampled_from(['A', 'B', 'HOME_DIR']))}={draw(st.sampled_from(['1', '$A', '${B:-x}', 'v']))}"
        ]
        pairs += [f"C{i}=${{A}}/x" for i in range(draw(st.integers(0, 2)))]
        return f"{draw(keyword('ENV'))} " + draw(continued(pairs, blanks=blanks))
    if kind == "ARG":
        return f"{draw(keyword('ARG'))} {draw(st.sampled_from(['V', 'A=1', 'B=${A}']))}"
    if kind == "LABEL":
        return f'{draw(keyword("LABEL"))} org.example.{draw(words)}="{draw(words)}"'
    if kind == "COPY":
        source = f"--from={draw(st.sampled_from(stages))} " if stages else ""
        return f"{draw(keyword('COPY'))} {source}{draw(words)} /app/"
    if kind == "WORKDIR":
        return f"{draw(keyword('WORKDIR'))} /app/${{A:-x}}"
    if kind == "USER":
        return f"{draw(keyword('USER'))} {draw(st.sampled_from(['app', '1000', 'root']))}"
    return f"{draw(keyword('EXPOSE'))} {draw(st.integers(1, 65535))}"


@st.composite
def dockerfiles(draw) -> tuple[str, bool]:
    """A valid Dockerfile, and whether dockerfile-parse can count it (no heredocs, no blank continuation
    lines: dockerfile-parse mishandles both)."""
    blanks = draw(st.booleans())
    heredocs = draw(st.booleans())
    lines = [f"ARG BASE={draw(images).replace('$BASE', 'python:3.11')}"] if draw(st.booleans()) else []
    stages: list[str] = []
    for index in range(draw(st.integers(1, 3))):
        name = f"s{index}"
        alias = f" {draw(st.sampled_from(['AS', 'as']))} {name}" if draw(st.booleans()) else ""
        image = draw(images) if not stages or draw(st.booleans()) else stages[-1]
        if image == "$BASE" and not lines:
            image = "python:3.11"
        lines.append(f"{draw(keyword('FROM'))} {image}{alias}")
        lines += draw(st.lists(instruction(stages, blanks=blanks, heredocs=heredocs), max_size=6))
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["# a comment", "", "# mllint: ignore=ML206"])))
        if alias:
            stages.append(name)
    text = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    countable = "<<EOF" not in text and not (blanks and "\\\n\n" in text.replace("\r\n", "\n"))
    return text, countable


@PROPERTY
@given(dockerfiles())
def test_valid_dockerfile_invariants(case):
    text, countable = case
    data = text.encode("utf-8")
    result = LINTER.lint_bytes(data, "Dockerfile")
    assert result.error is None, result.error
    dockerfile = result.dockerfile
    lines = text.replace("\r\n", "\n").split("\n")

    previous_end = (0, 0)
    for instruction in dockerfile.instructions:
        span = instruction.span
        assert 1 <= span.line <= span.end_line <= len(lines)
        assert span.column >= 1 and 1 <= span.end_column <= len(lines[span.end_line - 1]) + 1
        assert (span.line, span.column) < (span.end_line, span.end_column)
        assert previous_end <= (span.line, span.column), "instruction spans overlap or are out of order"
        previous_end = (span.end_line, span.end_column)

    if countable:
        parsed = DockerfileParser(fileobj=BytesIO(data))
        expected = [item for item in parsed.structure if item["instruction"] != "COMMENT"]
        assert len(dockerfile.instructions) == len(expected)

    findings = result.findings
    assert findings == sorted(findings, key=lambda f: f.sort_key)
    keys = [(f.rule, f.span, f.message) for f in findings]
    assert len(keys) == len(set(keys))
    for finding in findings:
        assert 1 <= finding.span.line <= len(lines)

    newline = "\r\n" if "\r\n" in text else "\n"
    silenced = LINTER.lint_bytes((text + "# mllint: ignore-file" + newline).encode(), "Dockerfile")
    assert silenced.error is None and silenced.findings == []
    silenced = LINTER.lint_bytes((f"# mllint: ignore-file{newline}" + text).encode(), "Dockerfile")
    assert silenced.error is None and silenced.findings == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfiles())
def test_same_input_same_bytes(case):
    data = case[0].encode("utf-8")
    with tempfile.TemporaryDirectory() as directory:
        for output_format in ("text", "json", "sarif"):
            first = cli(directory, data, "--format", output_format, "--show-source")
            second = cli(directory, data, "--format", output_format, "--show-source")
            assert first == second
            if output_format == "sarif":
                VALIDATOR.validate(json.loads(first[1]))


def test_cli_helper_restores_nothing_global():
    """The in-process runs above must not leave state behind (argv, cwd) that other tests would see."""
    before = (list(sys.argv), os.getcwd())
    with tempfile.TemporaryDirectory() as directory:
        cli(directory, b"FROM python:3.11\n")
    assert (list(sys.argv), os.getcwd()) == before
