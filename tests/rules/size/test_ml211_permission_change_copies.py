"""ML211 permission-change-copies: detection, advice, near-misses and fix."""

from __future__ import annotations

from ...conftest import fixed, lint, linter, rule_lines

SLIM = "FROM python:3.11-slim\n"


def _lines(text: str) -> list[int]:
    return rule_lines(lint(text, ["ML211"], dedent=False), "ML211")


def _messages(text: str) -> list[str]:
    return [f.message for f in lint(text, ["ML211"], dedent=False)]


def test_ml211_model_store_chowned_after_copy():
    text = (
        "FROM pytorch/torchserve:0.12.0-cpu\nRUN mkdir /home/model-server/model-store\n"
        "COPY model-store/* /home/model-server/model-store/\nRUN chown -R model-server /home/model-server/model-store\n"
    )
    findings = lint(text, ["ML211"], dedent=False)
    assert rule_lines(findings, "ML211") == [4] and findings[0].span.column == 5
    message = findings[0].message
    assert "changes the owner of files that line 3 added (COPY)" in message and "twice their size" in message
    assert "use `COPY --chown=model-server` on line 3 instead" in message


def test_ml211_workdir_relative_paths_parents_and_lineage():
    assert _lines(SLIM + "WORKDIR /app\nCOPY . .\nRUN chown -R app:app /app\n") == [4]
    assert _lines(SLIM + "WORKDIR /app\nCOPY weights/ models/\nRUN cd /app && chown -R app models\n") == [4]
    assert _lines(SLIM + "COPY config.yaml /home/app/config.yaml\nRUN chown -R app /home\n") == [3]
    chain = (
        "FROM python:3.11 AS build\nRUN python -m venv /opt/venv\n"
        "FROM python:3.11-slim AS base\nCOPY --from=build /opt/venv /opt/venv\n"
        "FROM base\nRUN chown -R app /opt/venv\n"
    )
    assert _lines(chain) == [6]


def test_ml211_files_a_run_downloaded():
    text = (
        SLIM + "RUN curl -fsSL -o /usr/local/bin/kubectl https://dl.k8s.io/v1.30.0/kubectl\n"
        "RUN chmod +x /usr/local/bin/kubectl\n"
    )
    messages = _messages(text)
    assert len(messages) == 1 and "chmod them in the RUN on line 2 that creates them (curl download)" in messages[0]
    clone = SLIM + "RUN git clone https://github.com/ggerganov/llama.cpp.git /opt/llama\nRUN chown -R app /opt/llama\n"
    assert _lines(clone) == [3]


def _context_messages(tmp_path, text: str) -> list[str]:
    from dockerlint_ml.context import BuildContext

    result = linter(["ML211"]).lint_bytes(text.encode(), str(tmp_path / "Dockerfile"), BuildContext(tmp_path))
    return [finding.message for finding in result.findings if finding.rule == "ML211"]


def test_ml211_advice_for_one_file_of_a_bulk_copy_and_a_user_created_later(tmp_path):
    (tmp_path / "tools").mkdir()
    with open(tmp_path / "tools" / "convert", "wb") as handle:
        handle.truncate(3 * 1024 * 1024)  # a 3 MiB binary: storing it twice costs 3 MiB
    (tmp_path / "tools" / "start").write_text("#!/bin/sh\nexec python -m app\n")
    bulk = _context_messages(tmp_path, SLIM + "WORKDIR /app\nCOPY . .\nRUN chmod +x tools/convert\n")
    assert len(bulk) == 1 and "git update-index --chmod=+x" in bulk[0] and "COPY --chmod=755" in bulk[0]
    assert _context_messages(tmp_path, SLIM + "WORKDIR /app\nCOPY . .\nRUN chmod +x tools/start\n") == []
    weights = _messages(SLIM + "WORKDIR /app\nCOPY . .\nRUN chmod 644 models/model.safetensors\n")
    assert len(weights) == 1 and "its own `COPY --chmod=644`" in weights[0]
    later = _messages(SLIM + "COPY models /models\nRUN useradd -m app && chown -R app /models\n")
    assert "create the user before it" in later[0] and "line 3 creates it" in later[0]


def test_ml211_near_misses():
    near_misses = [
        # changed in the RUN that creates them
        SLIM + "RUN curl -fsSL -o /usr/local/bin/kubectl https://x/kubectl && chmod +x /usr/local/bin/kubectl\n",
        # an empty directory
        SLIM + "RUN mkdir -p /data\nRUN chown -R app /data\n",
        # the COPY already sets the owner
        SLIM + "COPY --chown=app:app . /app\nRUN chown -R app:app /app\n",
        # a builder stage the image does not ship
        "FROM python:3.11 AS builder\nCOPY . /src\nRUN chown -R app /src\nFROM python:3.11-slim\n"
        "COPY --from=builder /src/dist /dist\n",
        # without -R, chown of a copied directory changes the directory only
        SLIM + "COPY models /models\nRUN chown app /models\n",
        # from the base image, or under a variable: unknown
        SLIM + "RUN chown -R app /usr/local/lib/python3.11\n",
        SLIM + "COPY $SRC /app/\nRUN chown -R app /app\n",
        # a conditional chown
        SLIM + "COPY . /app\nRUN chown -R --from=root app /app\n",
        # downloaded, then deleted in the same RUN
        SLIM + "RUN curl -o /tmp/x.tgz https://x/x.tgz && tar xzf /tmp/x.tgz -C /opt && rm /tmp/x.tgz\n"
        "RUN chmod 644 /tmp/x.tgz\n",
        # another directory
        SLIM + "COPY app /srv/app\nRUN chown -R app /srv/data\n",
        # one small file (a script, a config): stored twice, it costs a few KB
        SLIM + "COPY entrypoint.sh /usr/local/bin/entrypoint.sh\nRUN chmod +x /usr/local/bin/entrypoint.sh\n",
        SLIM + "WORKDIR /app\nCOPY . .\nRUN chmod +x scripts/start.sh\n",
        SLIM + "COPY config.yaml /etc/app/config.yaml\nRUN chown app:app /etc/app/config.yaml\n",
        SLIM + "COPY scripts/ /opt/scripts/\nRUN chmod +x /opt/scripts/*.sh\n",
        SLIM + "COPY fix-permissions /usr/local/bin/fix-permissions\nRUN chmod a+rx /usr/local/bin/fix-permissions\n",
    ]
    for text in near_misses:
        assert _lines(text) == [], text


def test_ml211_fix_folds_a_single_file_chmod_safely():
    text = SLIM + 'COPY model.onnx /models/model.onnx\nRUN chmod 644 /models/model.onnx\nCMD ["x"]\n'
    assert fixed(text, ["ML211"], dedent=False) == (
        SLIM + 'COPY --chmod=644 model.onnx /models/model.onnx\nCMD ["x"]\n'
    )
    last_line = SLIM + "COPY model.gguf /model.gguf\nRUN chown app:app /model.gguf"
    assert fixed(last_line, ["ML211"], dedent=False) == SLIM + "COPY --chown=app:app model.gguf /model.gguf"


def test_ml211_fix_is_unsafe_for_directories_and_absent_for_symbolic_modes_or_other_commands():
    directory = SLIM + "COPY models/ /models/\nRUN chown -R app /models\n"
    assert fixed(directory, ["ML211"], dedent=False) == directory
    assert fixed(directory, ["ML211"], dedent=False, unsafe=True) == SLIM + "COPY --chown=app models/ /models/\n"
    symbolic = SLIM + "COPY server.tar.gz /server.tar.gz\nRUN chmod +x /server.tar.gz\n"
    assert fixed(symbolic, ["ML211"], dedent=False, unsafe=True) == symbolic
    more = SLIM + "COPY model.pt /model.pt\nRUN chmod 644 /model.pt && echo done\n"
    assert fixed(more, ["ML211"], dedent=False, unsafe=True) == more
