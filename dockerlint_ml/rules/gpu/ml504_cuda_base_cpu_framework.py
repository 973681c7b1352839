"""ML504 cuda-base-cpu-framework: a CUDA base image is used but only CPU builds of the frameworks are installed.

Reference page: rules/ML504.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...lazy_re import lazy
from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ._shared import _definite, _shipped_facts

# ML504

_GPU_NAME = lazy(
    r"cuda|(?:^|-)cu1\d|gpu|^nvidia-|^(?:vllm|xformers|flash-attn|bitsandbytes|triton|deepspeed|apex|pycuda|numba|"
    r"cudf|cuml|cugraph|tensorrt|sglang|llama-cpp-python|auto-gptq|autoawq|exllamav2|mxnet|spconv|mmcv|detectron2|"
    r"torch-scatter|torch-sparse|torch-cluster|pyg-lib|cuquantum|kornia-rs|onnxruntime-training|lightgbm|xgboost|"
    r"catboost|opencv-contrib-python-rolling)(?:$|-)"
)

_FRAMEWORKS = frozenset(
    {"torch", "torchvision", "torchaudio", "tensorflow", "tensorflow-cpu", "tensorflow-gpu", "jax", "jaxlib",
     "onnxruntime", "onnxruntime-gpu", "paddlepaddle", "paddlepaddle-gpu"}
)  # fmt: skip


class CudaBaseCpuFramework(Rule):
    """A CUDA base image, but every ML framework installed is a CPU build."""

    id = "ML504"
    name = "cuda-base-cpu-framework"
    severity = Severity.WARNING
    summary = "a CUDA base image is used but only CPU builds of the frameworks are installed"
    tags = ("gpu", "size")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for facts in _shipped_facts(ctx):
            if facts.base.kind != "nvidia-cuda" or facts.opaque or facts.compiles_cuda:
                continue
            installs = facts.all_installs
            cpu = [i for i in _definite(installs) if i.build == "cpu"]
            if not cpu:
                continue
            gpu = [
                i
                for i in installs
                if i.build == "cuda" or i.pip_cuda_libs or i.system_cuda or _GPU_NAME.search(i.package)
                or (i.package in _FRAMEWORKS and i.build is None)
            ]  # fmt: skip
            if gpu:
                continue
            names = ", ".join(f"`{i.spec}`" for i in cpu[:3])
            yield self.problem(
                cpu[0].at,
                f"base image `{facts.base.reference}` ships CUDA (gigabytes), but the frameworks installed are CPU "
                f"builds ({names}): use a plain base such as `python:3.12-slim`, or install the GPU builds",
            )
