"""Tests of several size rules, or of the helpers they share."""

from __future__ import annotations

from .helpers import lines


def test_ml202_ml210_silent_on_training_base_and_dev_images():
    devel = (
        "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
        "RUN apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*\n"
    )
    assert lines(devel, "ML202") == [] and lines(devel, "ML210") == []  # a base image (no CMD)
    assert lines(devel + 'CMD ["sleep", "infinity"]\n', "ML202") == []
    assert lines(devel + 'CMD ["torchrun", "train.py"]\n', "ML202") == []  # JIT-compiled ops need nvcc
    assert lines(devel + 'CMD ["torchrun", "train.py"]\n', "ML210") == [2]
    assert lines(devel, "ML202", service=True) == [1]
