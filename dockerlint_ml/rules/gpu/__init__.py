"""ML5xx: GPU and CUDA. Which CUDA the base image provides vs. which CUDA build each framework install selects.

The inference lives in ``facts.py`` and the data in ``knowledge/*.toml``; both are loaded on the first
``check()`` that needs them, so importing this module stays cheap. Facts resting on rows the knowledge base
marks unverified never raise an ``error``: such findings are downgraded to ``warning``.

One module per rule (``mlNNN_<name>.py``); ``RULES`` is discovered from them, ordered by ID. The names
below are re-exported so the old import paths keep working.
"""

from __future__ import annotations

from ..base import rules_in_package
from .ml501_cuda_version_mismatch import CudaVersionMismatch
from .ml502_cuda_minor_too_new import CudaMinorTooNew
from .ml503_gpu_framework_on_cpu_base import GpuFrameworkOnCpuBase
from .ml504_cuda_base_cpu_framework import CudaBaseCpuFramework
from .ml505_cudnn_missing import CudnnMissing
from .ml506_torch_cuda_variant_unspecified import TorchCudaVariantUnspecified
from .ml507_eol_cuda_image import EolCudaImage
from .ml508_python_without_wheels import PythonWithoutWheels

__all__ = [
    "CudaBaseCpuFramework",
    "CudaMinorTooNew",
    "CudaVersionMismatch",
    "CudnnMissing",
    "EolCudaImage",
    "GpuFrameworkOnCpuBase",
    "PythonWithoutWheels",
    "TorchCudaVariantUnspecified",
]

RULES = rules_in_package(__name__, __path__)
