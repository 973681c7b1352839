"""Facade: the stage facts the GPU rules (ML5xx) and others read, re-exported from where they live now.

The inference was split into ``dockerlint_ml/analysis/gpu/`` (records, base images, CUDA-build resolution,
the install walker, build-context copies, whole-file assembly) and ``dockerlint_ml/analysis/packages.py``
(requirement parsing); the ``--facts`` rendering is in ``dockerlint_ml/report/facts.py``. Rules import this
module lazily, inside ``check()``, so the knowledge tables stay off the start-up path.
"""

from __future__ import annotations

from .analysis.gpu.assemble import dockerfile_facts, facts_for, needed_stages, python_for, reaches_image
from .analysis.gpu.base import base_facts
from .analysis.gpu.copies import MAX_COPIES_SEARCHED, context_file_for
from .analysis.gpu.records import CONDA_CUDA, BaseFacts, Cuda, Install, PythonFact, StageFacts, cuda_of, cuda_of_label
from .analysis.packages import parse_requirement, requirement_lines

__all__ = [
    "CONDA_CUDA",
    "MAX_COPIES_SEARCHED",
    "BaseFacts",
    "Cuda",
    "Install",
    "PythonFact",
    "StageFacts",
    "base_facts",
    "context_file_for",
    "cuda_of",
    "cuda_of_label",
    "dockerfile_facts",
    "facts_for",
    "needed_stages",
    "parse_requirement",
    "python_for",
    "reaches_image",
    "requirement_lines",
]
