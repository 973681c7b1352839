"""Deterministic generator of realistic ML Dockerfiles, the input of the speed benchmarks.

Each file is put together from templates and seeded random choices: a base image family (python slim or
full, nvidia/cuda runtime or devel, pytorch/pytorch, tensorflow/tensorflow, ubuntu, miniconda/micromamba,
alpine), an optional build stage, apt/apk/pip/conda installs written as long ``\\`` continuation chains
(with comment lines between them now and then), ENV/ARG blocks, COPY, heredocs, users, health checks and
a CMD or ENTRYPOINT. About half of the choices are good practice and half typical mistakes, so that a
linter has real work on every file. Files are 30-120 lines long.

The same ``seed`` gives the same files, byte for byte, on every platform (``random.Random`` with a string
seed is stable across platforms and Python versions; only a change to the module's algorithms in some
future Python could alter them). File ``i`` depends only on ``(seed, i)``, so a smaller corpus is a prefix
of a larger one. Only the standard library is used and nothing touches the network.

    python benchmarks/corpus.py --out /tmp/corpus --count 1000 --seed 0
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

MIN_LINES = 30
MAX_LINES = 120

Lines = list[str]

# ---------------------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------------------

PYTHON_VERSIONS = ["3.8", "3.9", "3.10", "3.11", "3.11", "3.12", "3.12"]
DEBIAN_SUFFIXES = ["", "-bookworm", "-bookworm", "-bullseye"]
# (CUDA version, cuDNN tag part, Ubuntu releases with images)
CUDA_RELEASES = [
    ("11.8.0", "cudnn8", ["20.04", "22.04"]),
    ("12.1.1", "cudnn8", ["20.04", "22.04"]),
    ("12.2.2", "cudnn8", ["22.04"]),
    ("12.4.1", "cudnn", ["22.04"]),
    ("12.6.3", "cudnn", ["22.04", "24.04"]),
]
PYTORCH_TAGS = [
    "2.1.2-cuda11.8-cudnn8-runtime",
    "2.1.2-cuda12.1-cudnn8-devel",
    "2.3.1-cuda12.1-cudnn8-runtime",
    "2.4.1-cuda12.4-cudnn9-runtime",
    "2.5.1-cuda12.4-cudnn9-runtime",
    "2.5.1-cuda12.4-cudnn9-devel",
]
TENSORFLOW_TAGS = ["2.13.0-gpu", "2.15.0", "2.15.0-gpu", "2.16.1-gpu", "2.17.0", "latest-gpu"]
UBUNTU_RELEASES = ["20.04", "22.04", "22.04", "24.04"]
CONDA_IMAGES = [
    "continuumio/miniconda3:23.10.0-1",
    "continuumio/miniconda3:24.7.1-0",
    "continuumio/anaconda3:2024.06-1",
    "mambaorg/micromamba:1.5.8",
    "mambaorg/micromamba:1.5.8-bookworm-slim",
]
ALPINE_IMAGES = ["python:3.11-alpine3.19", "python:3.12-alpine3.20", "python:3.12-alpine3.22", "alpine:3.20"]
TORCH_CUDA_INDEXES = ["cu118", "cu121", "cu124", "cu126"]

APT_RUNTIME = [
    "ca-certificates",
    "curl",
    "wget",
    "git",
    "git-lfs",
    "libgomp1",
    "libgl1",
    "libglib2.0-0",
    "libsm6",
    "libxext6",
    "libxrender1",
    "ffmpeg",
    "libsndfile1",
    "tini",
    "procps",
    "unzip",
    "jq",
    "openssh-client",
    "locales",
    "tzdata",
    "libopenblas0",
    "libjpeg-turbo8",
    "libpng16-16",
    "poppler-utils",
    "tesseract-ocr",
]
APT_BUILD = [
    "build-essential",
    "cmake",
    "pkg-config",
    "ninja-build",
    "python3-dev",
    "libssl-dev",
    "libffi-dev",
    "libopenblas-dev",
    "liblapack-dev",
    "gfortran",
    "swig",
    "libpq-dev",
    "libhdf5-dev",
]
APK_RUNTIME = ["libstdc++", "libgomp", "openblas", "ca-certificates", "tini", "bash", "curl", "jpeg", "zlib"]
APK_BUILD = ["build-base", "linux-headers", "gfortran", "openblas-dev", "jpeg-dev", "zlib-dev", "cmake"]

PIP_PACKAGES: dict[str, list[str]] = {
    "numpy": ["1.24.4", "1.26.4", "2.0.2", "2.1.3"],
    "pandas": ["2.0.3", "2.1.4", "2.2.3"],
    "scipy": ["1.11.4", "1.13.1", "1.14.1"],
    "scikit-learn": ["1.3.2", "1.4.2", "1.5.2"],
    "transformers": ["4.36.2", "4.40.2", "4.44.2", "4.46.3"],
    "accelerate": ["0.25.0", "0.30.1", "0.34.2", "1.1.1"],
    "datasets": ["2.16.1", "2.19.2", "3.1.0"],
    "sentencepiece": ["0.1.99", "0.2.0"],
    "tokenizers": ["0.15.2", "0.19.1", "0.20.3"],
    "safetensors": ["0.4.3", "0.4.5"],
    "fastapi": ["0.104.1", "0.110.3", "0.115.5"],
    "uvicorn[standard]": ["0.24.0", "0.29.0", "0.32.1"],
    "gunicorn": ["21.2.0", "22.0.0", "23.0.0"],
    "pydantic": ["2.5.3", "2.7.4", "2.9.2"],
    "onnx": ["1.15.0", "1.16.2", "1.17.0"],
    "onnxruntime": ["1.16.3", "1.18.1", "1.20.1"],
    "opencv-python-headless": ["4.8.1.78", "4.9.0.80", "4.10.0.84"],
    "pillow": ["10.2.0", "10.4.0", "11.0.0"],
    "mlflow": ["2.9.2", "2.13.2", "2.17.2"],
    "wandb": ["0.16.6", "0.17.9", "0.18.7"],
    "lightgbm": ["4.1.0", "4.3.0", "4.5.0"],
    "xgboost": ["2.0.3", "2.1.3"],
    "matplotlib": ["3.8.4", "3.9.2"],
    "tqdm": ["4.66.4", "4.67.1"],
    "pyyaml": ["6.0.1", "6.0.2"],
    "requests": ["2.31.0", "2.32.3"],
    "boto3": ["1.34.131", "1.35.60"],
    "prometheus-client": ["0.20.0", "0.21.0"],
    "einops": ["0.7.0", "0.8.0"],
    "timm": ["0.9.16", "1.0.11"],
    "peft": ["0.10.0", "0.13.2"],
    "sentence-transformers": ["2.7.0", "3.3.1"],
    "gradio": ["4.31.5", "5.6.0"],
    "streamlit": ["1.35.0", "1.40.1"],
    "hydra-core": ["1.3.2"],
    "omegaconf": ["2.3.0"],
    "tensorboard": ["2.16.2", "2.18.0"],
    "evaluate": ["0.4.3"],
    "huggingface-hub": ["0.23.4", "0.26.2"],
}
APT_COMMENTS = {
    "libgl1": "OpenGL runtime for opencv",
    "libglib2.0-0": "glib for opencv",
    "ffmpeg": "audio/video decoding",
    "libsndfile1": "soundfile backend",
    "tini": "init process: reaps zombies, forwards signals",
    "git-lfs": "model repositories use LFS",
    "tesseract-ocr": "OCR engine",
    "build-essential": "compilers for packages without wheels",
    "libpq-dev": "psycopg build",
}
CONDA_PACKAGES = [
    "numpy",
    "pandas",
    "scikit-learn",
    "lightgbm",
    "pyarrow",
    "matplotlib",
    "jupyterlab",
    "optuna",
]

APP_NAMES = [
    "sentiment-api",
    "embedder",
    "churn-model",
    "vision-inference",
    "llm-gateway",
    "forecaster",
    "ocr-service",
    "reranker",
    "asr-worker",
    "recsys",
    "fraud-scorer",
    "trainer",
]
HF_MODELS = [
    "BAAI/bge-small-en-v1.5",
    "sentence-transformers/all-MiniLM-L6-v2",
    "distilbert-base-uncased",
    "mistralai/Mistral-7B-Instruct-v0.3",
    "openai/whisper-small",
    "google/flan-t5-base",
]
INSTRUCTIONS = [
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "HEALTHCHECK",
    "SHELL",
    "STOPSIGNAL",
]


@dataclass(frozen=True)
class Base:
    """A base image and what installing on it looks like."""

    family: str
    image: str
    pkg: str  # "apt", "apk" or "conda"
    python: str  # interpreter command available after the system setup
    needs_python: bool = False  # python3/pip must be installed with the OS package manager
    cuda: str | None = None  # CUDA version of the image, e.g. "12.1"


@dataclass
class Doc:
    """A Dockerfile under construction plus the facts later blocks depend on."""

    rng: random.Random
    base: Base
    serving: bool
    port: int
    app: str
    venv: bool = False
    uv: bool = False
    user: str | None = None
    builder: str | None = None
    wheels: bool = False
    global_args: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------------
# Small text helpers
# ---------------------------------------------------------------------------------------------------------


def _continued(lines: Sequence[str]) -> Lines:
    """Join instruction lines with ``\\`` continuations; comment lines inside the chain get none."""
    code = [i for i, line in enumerate(lines) if not line.lstrip().startswith("#")]
    last = code[-1] if code else -1
    return [line if i == last or i not in code else f"{line} \\" for i, line in enumerate(lines)]


def _run(commands: Sequence[Sequence[str]], rng: random.Random, mounts: Sequence[str] = ()) -> Lines:
    """A RUN instruction chaining ``commands`` with ``&&``; a command is its head line plus argument lines."""
    leading = rng.random() < 0.7  # "    && cmd" style, otherwise "cmd && \" style
    out: Lines = []
    if mounts:
        out.append(f"RUN {mounts[0]}")
        out.extend(f"    {mount}" for mount in mounts[1:])
    for index, command in enumerate(commands):
        head, *args = command
        if index == 0:
            out.append(f"    {head}" if mounts else f"RUN {head}")
        else:
            out.append(f"    && {head}" if leading else f"    {head}")
        out.extend(f"        {arg}" for arg in args)
        if not leading and index < len(commands) - 1:
            out[-1] += " &&"
    return _continued(out)


def _pick(rng: random.Random, pool: Sequence[str], low: int, high: int) -> list[str]:
    return rng.sample(list(pool), min(len(pool), rng.randint(low, high)))


def _pip_spec(rng: random.Random, name: str) -> str:
    version = rng.choice(PIP_PACKAGES[name])
    roll = rng.random()
    if roll < 0.75:
        spec = f"{name}=={version}"
    elif roll < 0.85:
        spec = f"{name}>={version}"
    elif roll < 0.9:
        spec = f"{name}~={version}"
    else:
        spec = name
    return f'"{spec}"' if "[" in spec or ">" in spec or "~" in spec else spec


def _exec_form(words: Sequence[str]) -> str:
    return "[" + ", ".join(f'"{word}"' for word in words) + "]"


# ---------------------------------------------------------------------------------------------------------
# Base images
# ---------------------------------------------------------------------------------------------------------


def _choose_base(rng: random.Random) -> Base:
    family = rng.choices(
        ["python-slim", "python-full", "cuda", "pytorch", "tensorflow", "ubuntu", "conda", "alpine"],
        weights=[30, 8, 20, 10, 8, 8, 10, 6],
    )[0]
    if family in ("python-slim", "python-full"):
        version = rng.choice(PYTHON_VERSIONS)
        suffix = rng.choice(DEBIAN_SUFFIXES)
        tag = f"{version}-slim{suffix}" if family == "python-slim" else f"{version}{suffix}"
        return Base(family, f"python:{tag}", "apt", "python")
    if family == "cuda":
        version, cudnn, releases = rng.choice(CUDA_RELEASES)
        flavor = rng.choice(["runtime", "runtime", "devel", "base"])
        cudnn_part = f"{cudnn}-" if flavor != "base" and rng.random() < 0.6 else ""
        image = f"nvidia/cuda:{version}-{cudnn_part}{flavor}-ubuntu{rng.choice(releases)}"
        return Base(family, image, "apt", "python3", needs_python=True, cuda=version.rsplit(".", 1)[0])
    if family == "pytorch":
        tag = rng.choice(PYTORCH_TAGS)
        torch_cuda = tag.split("-cuda", 1)[1].split("-", 1)[0]
        return Base(family, f"pytorch/pytorch:{tag}", "apt", "python", cuda=torch_cuda)
    if family == "tensorflow":
        tag = rng.choice(TENSORFLOW_TAGS)
        tf_cuda = "12.3" if "gpu" in tag else None
        return Base(family, f"tensorflow/tensorflow:{tag}", "apt", "python", cuda=tf_cuda)
    if family == "ubuntu":
        return Base(family, f"ubuntu:{rng.choice(UBUNTU_RELEASES)}", "apt", "python3", needs_python=True)
    if family == "conda":
        return Base(family, rng.choice(CONDA_IMAGES), "conda", "python")
    image = rng.choice(ALPINE_IMAGES)
    return Base(family, image, "apk", "python3", needs_python=image.startswith("alpine:"))


def _global_arg(doc: Doc, line: str) -> None:
    if line not in doc.global_args:
        doc.global_args.append(line)


def _from_line(doc: Doc, image: str, name: str | None, arg: str = "BASE_IMAGE") -> str:
    """The FROM line, sometimes with the image (or its CUDA version) passed through a global ARG."""
    rng = doc.rng
    alias = f" AS {name}" if name else ""
    roll = rng.random()
    if image.startswith("nvidia/cuda:") and roll < 0.35:
        version = image.split(":", 1)[1].split("-", 1)[0]
        rest = image.split(version, 1)[1]
        _global_arg(doc, f"ARG CUDA_VERSION={version}")
        return f"FROM nvidia/cuda:${{CUDA_VERSION}}{rest}{alias}"
    if roll < 0.2:
        _global_arg(doc, f"ARG {arg}={image}")
        return f"FROM ${{{arg}}}{alias}"
    return f"FROM {image}{alias}"


def _builder_image(doc: Doc) -> str:
    """The build stage's base: the devel or full flavour of the runtime base where one exists."""
    image, family = doc.base.image, doc.base.family
    if family == "cuda":
        return re.sub(r"-(runtime|base)-", "-devel-", image)
    if family == "pytorch":
        return image.replace("-runtime", "-devel")
    if family == "python-slim" and doc.rng.random() < 0.5:
        return image.replace("-slim", "")
    return image


# ---------------------------------------------------------------------------------------------------------
# Blocks: each returns the lines of one or a few instructions
# ---------------------------------------------------------------------------------------------------------


def _header(doc: Doc) -> Lines:
    rng = doc.rng
    kind = "inference service" if doc.serving else rng.choice(["training job", "batch job", "notebook image"])
    lines = [f"# {doc.app}: {kind} on {doc.base.image}"]
    if rng.random() < 0.5:
        lines.append(f"# Maintained by the {rng.choice(['ml-platform', 'search', 'vision', 'nlp'])} team.")
    if rng.random() < 0.3:
        lines.append("# Build: docker build -t " + doc.app + " .")
    return lines


def _labels(doc: Doc) -> Lines:
    rng = doc.rng
    pairs = [
        f'org.opencontainers.image.title="{doc.app}"',
        f'org.opencontainers.image.version="{rng.randint(0, 3)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"',
        'org.opencontainers.image.vendor="Example ML"',
        f'org.opencontainers.image.source="https://git.example.com/ml/{doc.app}"',
    ]
    pairs = pairs[: rng.randint(2, 4)]
    return _continued(["LABEL " + pairs[0], *(f"      {pair}" for pair in pairs[1:])])


def _env(doc: Doc) -> Lines:
    rng = doc.rng
    candidates = [
        "PYTHONDONTWRITEBYTECODE=1",
        "PIP_DISABLE_PIP_VERSION_CHECK=1",
        "LANG=C.UTF-8",
        "LC_ALL=C.UTF-8",
        "TZ=Etc/UTC",
        f"APP_HOME=/opt/{doc.app}",
        "OMP_NUM_THREADS=4",
        "HF_HUB_DISABLE_TELEMETRY=1",
        f"PORT={doc.port}",
        "LOG_LEVEL=info",
        "TOKENIZERS_PARALLELISM=false",
        "MALLOC_ARENA_MAX=2",
    ]
    pairs = _pick(rng, candidates, 2, 6)
    if rng.random() < 0.7:
        pairs.insert(0, "PYTHONUNBUFFERED=1")
    if rng.random() < 0.3:
        pairs.append("PIP_NO_CACHE_DIR=1")
    if rng.random() < 0.3:
        cache = rng.choice(["/root/.cache/huggingface", "/data/huggingface", "/var/cache/hf", "/models/hf"])
        pairs.append(f"HF_HOME={cache}")
    if doc.venv:
        pairs.append("VIRTUAL_ENV=/opt/venv")
        pairs.append("PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    if rng.random() < 0.3:
        return [f"ENV {pair}" for pair in pairs]
    return _continued(["ENV " + pairs[0], *(f"    {pair}" for pair in pairs[1:])])


def _apt_install(doc: Doc, packages: Sequence[str], *, final: bool) -> Lines:
    rng = doc.rng
    tidy = rng.random() < (0.75 if final else 0.4)
    flags = "-y --no-install-recommends" if tidy or rng.random() < 0.3 else "-y"
    package_lines: list[str] = []
    for package in packages:
        if package in APT_COMMENTS and rng.random() < 0.5:
            package_lines.append(f"# {APT_COMMENTS[package]}")
        package_lines.append(package)
    install = [f"apt-get install {flags}", *package_lines]
    if rng.random() < 0.1:  # the index refreshed in a layer of its own
        return ["RUN apt-get update", "", *_run([install], rng)]
    commands = [["apt-get update"], install]
    if tidy or rng.random() < 0.2:
        commands.append(["rm -rf /var/lib/apt/lists/*"])
        if rng.random() < 0.3:
            commands.insert(2, ["apt-get clean"])
    return _run(commands, rng)


def _apk_install(doc: Doc, packages: Sequence[str]) -> Lines:
    flag = "--no-cache " if doc.rng.random() < 0.6 else ""
    return _run([[f"apk add {flag}".rstrip(), *packages]], doc.rng)


def _system_packages(doc: Doc, *, final: bool, build: bool = False) -> Lines:
    rng, base = doc.rng, doc.base
    if base.pkg == "apk":
        packages = _pick(rng, APK_RUNTIME, 2, 5) + (_pick(rng, APK_BUILD, 2, 5) if build else [])
        if base.needs_python:
            packages = ["python3", "py3-pip", *packages]
        return _apk_install(doc, packages)
    packages = _pick(rng, APT_RUNTIME, 3, 9)
    if build or (final and rng.random() < 0.15):
        packages += _pick(rng, APT_BUILD, 2, 6)
    if base.needs_python:
        packages = ["python3", "python3-pip", *(["python3-venv"] if doc.venv else []), *packages]
    if rng.random() < 0.03:
        packages.append("openssh-server")
    lines = ["ARG DEBIAN_FRONTEND=noninteractive", ""] if rng.random() < 0.6 else []
    if base.family == "conda" and base.image.startswith("mambaorg"):
        lines += ["USER root", *_apt_install(doc, packages, final=final), "USER $MAMBA_USER"]
        return lines
    return lines + _apt_install(doc, packages, final=final)


def _pip_command(doc: Doc) -> str:
    rng = doc.rng
    if doc.venv:
        return rng.choice(["pip", "python -m pip", "/opt/venv/bin/pip"])
    if doc.base.python == "python3":
        return rng.choice(["pip3", "python3 -m pip"])
    if doc.base.family == "python-slim":
        return rng.choice(["pip", "pip", "python -m pip", "uv pip"])
    return "pip"


def _pip_flags(doc: Doc, command: str) -> tuple[str, list[str]]:
    """Cache handling of one pip invocation: a flag, a cache mount, or (a typical mistake) nothing."""
    rng = doc.rng
    roll = rng.random()
    if command.startswith("uv "):
        if roll < 0.5:
            return "--system ", ["--mount=type=cache,target=/root/.cache/uv"]
        return "--system --no-cache ", []
    if roll < 0.55:
        return "--no-cache-dir ", []
    if roll < 0.75:
        return "", ["--mount=type=cache,target=/root/.cache/pip"]
    return "", []


def _framework(doc: Doc) -> list[str]:
    """Deep-learning framework requirements fitting (or, sometimes, not fitting) the base image."""
    rng, base = doc.rng, doc.base
    if base.family in ("pytorch", "tensorflow") or rng.random() < 0.35:
        return []
    roll = rng.random()
    if roll < 0.55:
        version = rng.choice(["2.1.2", "2.3.1", "2.4.1", "2.5.1"])
        packages = [f"torch=={version}"]
        if rng.random() < 0.5:
            packages.append(rng.choice(["torchvision==0.19.1", "torchaudio==2.4.1", "torchvision==0.20.1"]))
        if base.cuda:
            index = rng.choice(TORCH_CUDA_INDEXES) if rng.random() < 0.7 else None
        else:
            index = "cpu" if rng.random() < 0.6 else None
        if index:
            packages += ["--index-url", f"https://download.pytorch.org/whl/{index}"]
        return packages
    if roll < 0.75:
        version = rng.choice(["2.13.1", "2.15.1", "2.16.2", "2.17.1"])
        extra = "[and-cuda]" if base.cuda and rng.random() < 0.5 else ""
        return [f'"tensorflow{extra}=={version}"' if extra else f"tensorflow=={version}"]
    if roll < 0.9:
        return [rng.choice(["onnxruntime-gpu==1.18.1", "onnxruntime-gpu==1.20.1", "onnxruntime==1.20.1"])]
    return ['"jax[cuda12]==0.4.35"' if base.cuda else "jax==0.4.35"]


def _pip_install(doc: Doc, *, requirements: str | None, names: int) -> Lines:
    rng = doc.rng
    command = _pip_command(doc)
    flags, mounts = _pip_flags(doc, command)
    lines: Lines = []
    if command.startswith("uv ") and not doc.uv:
        doc.uv = True
        lines.append("COPY --from=ghcr.io/astral-sh/uv:0.4.30 /uv /usr/local/bin/uv")
    commands: list[list[str]] = []
    if rng.random() < 0.25:
        upgrade = "pip==24.2" if rng.random() < 0.5 else "pip setuptools wheel"
        commands.append([f"{command} install {flags}--upgrade {upgrade}"])
    if requirements:
        commands.append([f"{command} install {flags}-r {requirements}"])
    if names:
        chosen = [_pip_spec(rng, name) for name in _pick(rng, sorted(PIP_PACKAGES), names, names + 6)]
        commands.append([f"{command} install {flags}".rstrip(), *chosen])
        framework = _framework(doc)
        if framework:
            commands.append([f"{command} install {flags}".rstrip(), *framework])
    if rng.random() < 0.1:
        commands.append([f"{doc.base.python} -m pip check"])
    return lines + _run(commands, rng, mounts)


def _conda_install(doc: Doc) -> Lines:
    rng = doc.rng
    tool = "micromamba" if doc.base.image.startswith("mambaorg") else rng.choice(["conda", "mamba", "conda"])
    clean = f"{tool} clean -afy" if tool != "micromamba" else "micromamba clean --all --yes"
    if rng.random() < 0.5:
        verb = "install -y -n base -f" if tool == "micromamba" else "env update -n base -f"
        lines = ["COPY environment.yml /tmp/environment.yml"]
        commands = [[f"{tool} {verb} /tmp/environment.yml"]]
    else:
        lines = []
        commands = [[f"{tool} install -y -c conda-forge", *_pick(rng, CONDA_PACKAGES, 3, 7)]]
    if rng.random() < 0.6:
        commands.append([clean])
    lines += _run(commands, rng)
    if rng.random() < 0.15:
        lines += ["", f"RUN {clean}"]
    return lines


def _heredoc(doc: Doc) -> Lines:
    rng = doc.rng
    python = doc.base.python
    if rng.random() < 0.5:
        return [
            "RUN <<EOF",
            "set -eux",
            f'{python} -c "import sys; print(sys.version)"',
            f"mkdir -p /opt/{doc.app}/logs /opt/{doc.app}/tmp",
            f"echo 'build: {rng.randint(1000, 9999)}' > /opt/{doc.app}/BUILD_INFO",
            "EOF",
        ]
    return [
        f"COPY <<EOF /etc/{doc.app}/logging.yaml",
        "version: 1",
        "handlers:",
        "  console:",
        "    class: logging.StreamHandler",
        "root:",
        f"  level: {rng.choice(['INFO', 'WARNING', 'DEBUG'])}",
        "  handlers: [console]",
        "EOF",
    ]


def _model_download(doc: Doc) -> Lines:
    rng = doc.rng
    model = rng.choice(HF_MODELS)
    target = f"/models/{model.rsplit('/', 1)[-1]}"
    if rng.random() < 0.5:
        revision = " --revision main" if rng.random() < 0.3 else ""
        return _run([[f"huggingface-cli download {model}{revision}", f"--local-dir {target}"]], rng)
    call = f"snapshot_download('{model}', local_dir='{target}')"
    code = f"from huggingface_hub import snapshot_download; {call}"
    return [f'RUN {doc.base.python} -c "{code}"']


def _user(doc: Doc) -> Lines:
    rng = doc.rng
    if doc.base.image.startswith("mambaorg"):
        doc.user = "$MAMBA_USER"
        return []
    if rng.random() < 0.3:  # a typical mistake: stays root
        return []
    name = rng.choice(["app", "appuser", "svc", "ml", "runner"])
    uid = rng.choice(["1000", "1001", "10001"])
    doc.user = name
    if doc.base.pkg == "apk":
        create = [f"addgroup -S -g {uid} {name}", f"adduser -S -D -u {uid} -G {name} {name}"]
    else:
        create = [
            f"groupadd --system --gid {uid} {name}",
            f"useradd --system --uid {uid} --gid {name} --create-home {name}",
        ]
    commands = [[command] for command in create]
    commands.append([f"chown -R {name}:{name} /opt/{doc.app}"])
    return _run(commands, rng)


def _healthcheck(doc: Doc) -> Lines:
    rng = doc.rng
    url = f"http://127.0.0.1:{doc.port}/health"
    options = f"--interval={rng.choice([15, 30, 60])}s --timeout={rng.choice([3, 5, 10])}s"
    if rng.random() < 0.3:
        options += f" --start-period={rng.choice([30, 60, 120, 600])}s"
    roll = rng.random()
    if roll < 0.45:
        code = f"import urllib.request; urllib.request.urlopen('{url}', timeout=3)"
        command = _exec_form([doc.base.python, "-c", code])
    elif roll < 0.85:
        command = f"curl -fsS {url} || exit 1"
    else:
        command = f"wget -qO- {url} || exit 1"
    return _continued([f"HEALTHCHECK {options}", f"    CMD {command}"])


def _serving_command(doc: Doc) -> list[str]:
    port = str(doc.port)
    return doc.rng.choice(
        [
            ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", port],
            ["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "-b", f"0.0.0.0:{port}", "app.main:app"],
            ["python", "-m", "vllm.entrypoints.openai.api_server", "--model", "/models/llm", "--port", port],
            ["streamlit", "run", "app.py", "--server.port", port, "--server.address", "0.0.0.0"],
            ["mlflow", "models", "serve", "-m", "/opt/model", "-h", "0.0.0.0", "-p", port, "--no-conda"],
            ["bentoml", "serve", "service:svc", "--port", port],
            ["torchserve", "--start", "--foreground", "--model-store", "/opt/model-store", "--models", "all"],
        ]
    )


def _batch_command(doc: Doc) -> list[str]:
    return doc.rng.choice(
        [
            ["python", "-m", "train", "--config", "configs/train.yaml"],
            ["torchrun", "--nproc_per_node=gpu", "train.py"],
            ["accelerate", "launch", "scripts/finetune.py"],
            ["python", "scripts/batch_predict.py", "--input", "/data/in", "--output", "/data/out"],
            ["jupyter", "lab", "--ip=0.0.0.0", "--no-browser"],
        ]
    )


def _start(doc: Doc) -> Lines:
    rng = doc.rng
    words = _serving_command(doc) if doc.serving else _batch_command(doc)
    lines: Lines = []
    if doc.base.image.startswith("mambaorg"):
        words = ["/usr/local/bin/_entrypoint.sh", *words]
    if rng.random() < 0.2:  # shell form
        return [f"CMD {' '.join(words)}"]
    if rng.random() < 0.3 and len(words) > 2:
        lines.append(f"ENTRYPOINT {_exec_form(words[:1])}")
        lines.append(f"CMD {_exec_form(words[1:])}")
        return lines
    return [f"CMD {_exec_form(words)}"]


# ---------------------------------------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------------------------------------


def _builder_stage(doc: Doc) -> Lines:
    """A throw-away stage that builds a venv or wheels; its untidiness does not ship."""
    rng = doc.rng
    name = rng.choice(["builder", "build", "deps", "wheels", "compile"])
    doc.builder = name
    doc.venv = True  # the stage builds /opt/venv, and the final stage uses it
    base = doc.base
    lines = [_from_line(doc, _builder_image(doc), name, arg="BUILDER_IMAGE"), ""]
    lines += [*_system_packages(doc, final=False, build=True), ""]
    python = base.python
    lines += [f"RUN {python} -m venv /opt/venv", "ENV PATH=/opt/venv/bin:/usr/local/bin:/usr/bin:/bin", ""]
    lines += ["WORKDIR /build", "COPY requirements.txt ."]
    lines += _pip_install(doc, requirements="requirements.txt", names=rng.choice([0, 0, 2]))
    if rng.random() < 0.5:
        lines += ["", "COPY pyproject.toml setup.py ./", "COPY src/ ./src/"]
        lines += _run([["pip wheel --no-deps --wheel-dir /wheels ."]], rng)
        doc.wheels = True
    return lines


def _filler(doc: Doc) -> Lines:
    """Extra, harmless-looking instructions used to reach the target length."""
    rng = doc.rng
    choice = rng.randrange(6)
    if choice == 0:
        return [f"# --- {rng.choice(['runtime configuration', 'assets', 'observability', 'caches'])} ---"]
    if choice == 1:
        subdirs = _pick(rng, ["data", "cache", "tmp", "out"], 2, 4)
        return _run([[f"mkdir -p /opt/{doc.app}/{sub}"] for sub in subdirs], rng)
    if choice == 2:
        return [f"ENV {rng.choice(['WORKERS', 'BATCH_SIZE', 'MAX_QUEUE'])}={rng.randint(1, 64)}"]
    if choice == 3:
        folder = rng.choice(["configs", "scripts", "assets", "templates"])
        return [f"COPY {folder}/ /opt/{doc.app}/{folder}/"]
    if choice == 4:
        return _labels(doc)
    return _pip_install(doc, requirements=None, names=2)


def _final_stage(doc: Doc, target: int, used: int) -> Lines:
    rng = doc.rng
    doc.uv = False  # a new stage: uv has to be copied in again before it is used
    name = rng.choice([None, None, "runtime", "final", "prod"]) if doc.builder else None
    head = [_from_line(doc, doc.base.image, name), ""]
    if rng.random() < 0.3:
        head += [*_labels(doc), ""]
    head += [*_env(doc), ""]
    body: list[Lines] = [_system_packages(doc, final=True)]
    if doc.base.pkg == "conda":
        body.append(_conda_install(doc))
    if doc.builder:
        body.append([f"COPY --from={doc.builder} /opt/venv /opt/venv"])
        if doc.wheels:
            mount = f"--mount=type=bind,from={doc.builder},source=/wheels,target=/tmp/wheels"
            body.append(_run([["/opt/venv/bin/pip install --no-cache-dir --no-deps /tmp/wheels/*.whl"]], rng, [mount]))
    elif doc.venv:
        body.append([f"RUN {doc.base.python} -m venv /opt/venv"])
    body.append([f"WORKDIR /opt/{doc.app}"])
    source_first = rng.random() < 0.25  # a typical mistake: the whole context before the install
    if source_first:
        body.append(["COPY . ."])
    if not doc.builder or rng.random() < 0.3:
        body.append(["COPY requirements.txt ."] if not source_first else [])
        body.append(_pip_install(doc, requirements="requirements.txt", names=rng.randint(2, 8)))
    if not source_first:
        body.append([f"COPY {rng.choice(['app/ ./app/', 'src/ ./src/', '. .'])}"])
    if rng.random() < 0.15:
        body.append(_heredoc(doc))
    if rng.random() < 0.12:
        body.append(_model_download(doc))
    body.append(_user(doc))
    tail: Lines = []
    if doc.user:
        tail.append(f"USER {doc.user}")
    if doc.serving:
        tail.append(f"EXPOSE {doc.port}")
        if rng.random() < 0.7:
            tail += ["", *_healthcheck(doc)]
    tail += ["", *_start(doc)]

    def size() -> int:
        return used + len(head) + sum(len(block) + 1 for block in body if block) + len(tail) + 1

    while size() < target:  # fillers go after the system packages and before the user set-up
        body.insert(rng.randint(1, len(body) - 1), _filler(doc))
    lines = list(head)
    for block in body:
        if block:
            lines += [*block, ""]
    return lines + tail


def _lowercase(lines: Lines) -> Lines:
    pattern = re.compile(r"^(" + "|".join(INSTRUCTIONS) + r")\b")
    return [pattern.sub(lambda match: match.group(1).lower(), line) for line in lines]


def render(seed: int, index: int) -> str:
    """The text of corpus file ``index`` for ``seed`` (independent of how many files are built)."""
    for attempt in range(100):
        rng = random.Random(f"mllint-corpus:{seed}:{index}:{attempt}")
        base = _choose_base(rng)
        serving = rng.random() < 0.6
        doc = Doc(rng, base, serving, rng.choice([8000, 8080, 5000, 7860, 8501, 3000]), rng.choice(APP_NAMES))
        doc.venv = base.needs_python and rng.random() < 0.5
        target = rng.randint(MIN_LINES, MAX_LINES)
        lines: Lines = ["# syntax=docker/dockerfile:1"] if rng.random() < 0.25 else []
        lines += [*_header(doc), ""]
        stages: Lines = []
        if base.pkg == "apt" and rng.random() < 0.3:
            stages += [*_builder_stage(doc), ""]
        stages += _final_stage(doc, target, len(lines) + len(stages) + 2)
        if doc.global_args:
            lines += [*doc.global_args, ""]
        lines += stages
        if rng.random() < 0.05:
            lines = _lowercase(lines)
        if MIN_LINES <= len(lines) <= MAX_LINES:
            return "\n".join(lines) + "\n"
    raise RuntimeError(f"could not generate a file of {MIN_LINES}-{MAX_LINES} lines for index {index}")


def build_corpus(directory: Path, count: int = 1000, seed: int = 0) -> list[Path]:
    """Write ``count`` Dockerfiles into ``directory`` (created if needed) and return their paths in order."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for index in range(count):
        path = directory / f"{index:05d}.Dockerfile"
        path.write_text(render(seed, index), encoding="utf-8", newline="\n")
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a deterministic corpus of ML Dockerfiles.")
    parser.add_argument("--out", type=Path, required=True, help="directory to write the files into")
    parser.add_argument("--count", type=int, default=1000, help="number of files (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be >= 0")
    paths = build_corpus(args.out, args.count, args.seed)
    total = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in paths)
    print(f"wrote {len(paths)} Dockerfiles ({total} lines) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
