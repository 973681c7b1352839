"""ML007 empty-continuation-line: detection, near-misses and fix."""

from __future__ import annotations

from dockerlint_ml.parse import parse_text

from ...conftest import fixed, lint, rule_lines


def _lines(text: str) -> list[int]:
    return rule_lines(lint(text, ["ML007"], dedent=False), "ML007")


APT = (
    "FROM python:3.11-slim\n"
    "RUN apt-get update && apt-get install -y \\\n"
    "    curl \\\n"
    "\n"
    "    git \\\n"
    "    # a comment line is fine\n"
    "    \t\n"
    "    && rm -rf /var/lib/apt/lists/*\n"
)


def test_ml007_parser_records_the_blank_lines_a_continuation_skipped():
    dockerfile = parse_text(APT)
    assert [i.empty_continuation_lines for i in dockerfile.instructions] == [(), (4, 7)]


def test_ml007_fires_once_per_instruction_at_the_first_blank_line():
    findings = lint(APT, ["ML007"], dedent=False)
    assert rule_lines(findings, "ML007") == [4]
    assert "blank lines 4, 7 inside the `\\` continuation of this RUN (line 2)" in findings[0].message
    assert "delete the blank lines" in findings[0].message


def test_ml007_names_the_instruction_a_stray_escape_swallows():
    text = "FROM python:3.11-slim\nRUN cd /src && \\\n    rm -rf build \\\n\nRUN make\n"
    findings = lint(text, ["ML007"], dedent=False)
    assert rule_lines(findings, "ML007") == [4]
    message = findings[0].message
    assert "the `\\` at the end of line 3" in message and "`RUN` on line 5 is read as arguments" in message
    assert findings[0].fix is None


def test_ml007_silent_on_comments_heredocs_and_a_trailing_continuation():
    comment = "FROM python:3.11-slim\nRUN apt-get install -y \\\n    # curl\n    git\n"
    heredoc = "# syntax=docker/dockerfile:1\nFROM python:3.11-slim\nRUN <<EOF\nset -e\n\npip install torch\nEOF\n"
    # a blank line ends the file's last instruction anyway: nothing follows to be glued on
    trailing = "FROM python:3.11-slim\nRUN echo hi \\\n\n\n"
    blank_between = "FROM python:3.11-slim\n\nRUN echo hi\n\nRUN echo bye\n"
    for text in (comment, heredoc, trailing, blank_between):
        assert _lines(text) == [], text


def test_ml007_follows_the_escape_directive():
    backtick = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir `\n\n    c:\\\n"
    findings = lint(backtick, ["ML007"], dedent=False)
    assert rule_lines(findings, "ML007") == [4] and "inside the ``` continuation" in findings[0].message
    # with escape=`, a trailing backslash is no continuation: the blank line ends the RUN
    backslash = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir c:\\\n\nRUN dir d:\\\n"
    assert _lines(backslash) == []


def test_ml007_arg_before_from_and_onbuild():
    text = "ARG BASE=python:3.11-slim \\\n\n    EXTRA=1\nFROM $BASE\nONBUILD RUN echo \\\n\n    hi\n"
    assert _lines(text) == [2, 6]


def test_ml007_fix_deletes_the_blank_lines():
    assert fixed(APT, ["ML007"], dedent=False) == APT.replace("    curl \\\n\n", "    curl \\\n").replace(
        "    \t\n", ""
    )
    swallowed = "FROM python:3.11-slim\nRUN cd /src && \\\n    rm -rf build \\\n\nRUN make\n"
    assert fixed(swallowed, ["ML007"], dedent=False) == swallowed
