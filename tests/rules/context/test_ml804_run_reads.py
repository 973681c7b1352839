"""ML804, second check: after `COPY . .`, a RUN reads a path `.dockerignore` left out of the copy."""

from __future__ import annotations

import pytest

from .helpers import lint_context, make

FILES = {
    "go.mod": "module x\n",
    "main.go": "package main\n",
    "tests/e2e-ui/main.go": "package main\n",
    "tests/run.sh": "echo hi\n",
    "scripts/setup.sh": "echo hi\n",
    "requirements/dev.txt": "pytest\n",
    "build/stale.o": "x",
}

GO = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\n"


@pytest.mark.parametrize(
    ("dockerfile", "ignore"),
    [
        (GO + "RUN go build -o /out/ui ./tests/e2e-ui\n", "tests\n"),  # the LocalAI shape
        (GO + "RUN make -C tests/e2e-ui\n", "tests\n"),
        (GO + "RUN cd tests && go build .\n", "tests\n"),
        (GO + "RUN bash tests/run.sh\n", "tests/*.sh\n"),
        (GO + "RUN ./scripts/setup.sh\n", "scripts\n"),
        (GO + "RUN go build /src/tests/e2e-ui\n".replace("go build", "bash"), "tests\n"),  # absolute, under D
        ("FROM python:3.11\nCOPY . /app\nRUN pip install -r /app/requirements/dev.txt\n", "requirements\n"),
        ("FROM python:3.11 AS base\nWORKDIR /app\nCOPY . .\nFROM base\nRUN python tests/run.sh\n", "tests\n"),  # child
    ],
)
def test_fires(tmp_path, dockerfile, ignore):
    make(tmp_path, {**FILES, ".dockerignore": ignore})
    (finding,) = lint_context(tmp_path, dockerfile, "ML804")
    assert finding.span.line == dockerfile.count("\n")


def test_message_names_line_path_pattern_and_the_way_out(tmp_path):
    make(tmp_path, {**FILES, ".dockerignore": "# not needed in the image\ntests\n"})
    (finding,) = lint_context(tmp_path, GO + "RUN go build -o /out/ui ./tests/e2e-ui\n", "ML804")
    message = finding.message
    assert "line 4" in message and "./tests/e2e-ui" in message and "pattern `tests`" in message
    assert "`!tests/e2e-ui`" in message and "`COPY . .` (line 3)" in message
    assert "`Dockerfile.dockerignore`" in message


@pytest.mark.parametrize(
    ("dockerfile", "ignore"),
    [
        (GO + "RUN go build ./tests/e2e-ui\n", "docs\n"),  # not excluded
        (GO + "RUN go build ./tests/e2e-ui\n", "tests\n!tests/e2e-ui\n"),  # re-included
        (GO + "RUN mkdir -p tests/e2e-ui && go build ./tests/e2e-ui\n", "tests\n"),  # made first
        (GO + "RUN mkdir -p tests\nRUN bash tests/run.sh\n", "tests\n"),
        (GO + "COPY --from=gen /tests ./tests\nRUN bash tests/run.sh\n", "tests\n"),
        (GO + "RUN git clone https://x/y tests && bash tests/run.sh\n", "tests\n"),
        (GO + "RUN go build ./gen/api\n", "gen\n"),  # not in the context: the build may generate it
        (GO + "RUN echo tests && echo ./tests/e2e-ui\n", "tests\n"),  # not read as paths
        (GO + "RUN go test tests\n", "tests\n"),  # an import path, not a directory
        (GO + "RUN make && cp -r build/ /out/\n", "build\n"),  # stale local output the build regenerates
        (GO + "RUN bash tests/run.sh || true\n", "tests\n"),  # failure tolerated
        (GO + "RUN if [ -d tests ]; then bash tests/run.sh; fi\n", "tests\n"),  # conditional
        (GO + "RUN bash $DIR/run.sh\n", "tests\n"),
        ("FROM golang:1.22\nWORKDIR /src\nRUN go build ./tests/e2e-ui\nCOPY . .\n", "tests\n"),  # before the COPY
        ("FROM golang:1.22\nCOPY . /src\nRUN go build ./tests/e2e-ui\n", "tests\n"),  # runs in / (or the base's)
        ("FROM golang:1.22\nCOPY main.go /src/\nWORKDIR /src\nRUN go build ./tests/e2e-ui\n", "tests\n"),
    ],
)
def test_silent(tmp_path, dockerfile, ignore):
    make(tmp_path, {**FILES, ".dockerignore": ignore})
    assert lint_context(tmp_path, dockerfile, "ML804") == []


def test_one_finding_per_path_and_run(tmp_path):
    make(tmp_path, {**FILES, ".dockerignore": "tests\n"})
    dockerfile = GO + "RUN bash tests/run.sh && bash tests/run.sh\nRUN go build ./tests/e2e-ui\n"
    assert [f.span.line for f in lint_context(tmp_path, dockerfile, "ML804")] == [4, 5]
