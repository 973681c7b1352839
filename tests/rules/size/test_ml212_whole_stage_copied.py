"""ML212 whole-stage-copied: detection and near-misses."""

from __future__ import annotations

from ...conftest import lint, rule_lines

BUILDER = "FROM python:3.11 AS builder\nRUN pip install --no-cache-dir --prefix=/install torch==2.3.1\n"


def _lines(text: str) -> list[int]:
    return rule_lines(lint(text, ["ML212"], dedent=False), "ML212")


def test_ml212_fires_on_the_whole_stage_usr_and_opt():
    root = lint(BUILDER + "FROM python:3.11-slim\nCOPY --from=builder / /\n", ["ML212"], dedent=False)
    assert rule_lines(root, "ML212") == [4] and root[0].span.column == 21
    assert "copies the whole of stage `builder`" in root[0].message
    for source in ("/usr", "/usr/", "/opt", "/opt/*", ".", "/*"):
        text = BUILDER + f"FROM python:3.11-slim\nCOPY --from=builder {source} /x\n"
        assert _lines(text) == [4], source
    assert _lines(BUILDER + "FROM python:3.11-slim\nCOPY --from=0 / /\n") == [4]
    # a stage built FROM a shipped ancestor is shipped too
    chain = BUILDER + 'FROM python:3.11-slim AS base\nCOPY --from=builder / /\nFROM base\nCMD ["python"]\n'
    assert _lines(chain) == [4]


def test_ml212_silent_on_specific_dirs_artifact_stages_squashes_and_external_images():
    near_misses = [
        BUILDER + "FROM python:3.11-slim\nCOPY --from=builder /opt/venv /opt/venv\n",
        BUILDER + "FROM python:3.11-slim\nCOPY --from=builder /usr/local /usr/local\n",
        BUILDER + "FROM python:3.11-slim\nCOPY --from=builder /install /usr/local\n",
        # an artifact stage FROM scratch holds only what it gathered
        BUILDER + "FROM scratch AS artifacts\nCOPY --from=builder /install /install\n"
        "FROM python:3.11-slim\nCOPY --from=artifacts / /\n",
        # squash: the final stage FROM scratch is the copied stage
        BUILDER + "FROM scratch\nCOPY --from=builder / /\n",
        "FROM python:3.11-slim\nCOPY --from=ghcr.io/org/static:1.0 / /\n",
        # not shipped: the final stage does not build on it
        BUILDER + "FROM python:3.11-slim AS debug\nCOPY --from=builder / /\nFROM python:3.11-slim\n",
        BUILDER + "FROM python:3.11-slim\nCOPY / /app/\n",
    ]
    for text in near_misses:
        assert _lines(text) == [], text
