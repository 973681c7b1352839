"""ML507 eol-cuda-image: detection cases and, for a fixable rule, fix cases."""

from __future__ import annotations

from ...conftest import lint, rule_lines


def test_ml507_cuda_10_in_needed_stages_only():
    text = """
        ARG CUDA=10.2
        FROM nvidia/cuda:${CUDA}-cudnn7-devel-ubuntu18.04 AS build
        FROM nvidia/cuda:9.0-base AS unused
        FROM nvidia/cuda:11.0.3-runtime-ubuntu20.04
        COPY --from=build /opt/app /opt/app
    """
    assert rule_lines(lint(text, ["ML507"]), "ML507") == [2]


def test_ml507_near_misses():
    text = """
        ARG CUDA
        FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04 AS a
        FROM pytorch/pytorch:1.4-cuda10.1-cudnn7-runtime
        COPY --from=a /x /x
    """
    assert rule_lines(lint(text, ["ML507"]), "ML507") == []
