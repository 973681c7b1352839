"""Unit tests for ``dockerlint_ml.analysis``: the helpers several rule families share (URLs, git refs,
model downloads). Each helper gets a case that matches and a near miss that must not."""

from __future__ import annotations

import pytest

from dockerlint_ml.analysis.commands import (
    installs_packages,
    is_apt,
    is_conda_install,
    is_os_package_install,
    is_python_install,
    is_rpm_install,
    os_package_name,
)
from dockerlint_ml.analysis.downloads import (
    ModelDownload,
    is_model_clone,
    is_model_file,
    is_model_url,
    model_artifact_kind,
    model_downloads,
)
from dockerlint_ml.analysis.env import env_flag, env_off, last_env_values, python_env_flag
from dockerlint_ml.analysis.git import git_clone_pinned, is_pinned_ref, is_sha_or_release
from dockerlint_ml.analysis.paths import root_opened, under_root, workdir_before
from dockerlint_ml.analysis.urls import (
    moving_url_segment,
    redact,
    url_host,
    url_path_segments,
    url_words,
)
from dockerlint_ml.model import Instruction, ShellCommand, Word

from .conftest import parse


def run(script: str, *, preamble: str = "") -> Instruction:
    """The RUN instruction of ``FROM python:3.11`` + ``preamble`` + ``RUN script``."""
    return parse(f"FROM python:3.11\n{preamble}RUN {script}\n").instructions[-1]


def command(script: str) -> ShellCommand:
    return run(script).commands[0]


def clone_of(instruction: Instruction) -> ShellCommand:
    return next(c for c in instruction.commands if c.tool == "git" and c.subcommand == "clone")


def word(text: str) -> Word:
    """A ref as it appears in a git command."""
    return command(f"git checkout {text}").invocation.positionals[0]


# ---------------------------------------------------------------------------------------------------------
# urls


def test_url_words_curl_wget_and_url_option():
    assert [w.text for w in url_words(command("curl -fsSL https://example.com/a.tar.gz -o /tmp/a"))] == [
        "https://example.com/a.tar.gz"
    ]
    assert [w.text for w in url_words(command("wget --url=https://x.org/b.zip -q"))] == ["https://x.org/b.zip"]
    assert [w.text for w in url_words(command("curl -O www.example.org/x"))] == ["www.example.org/x"]


def test_url_words_near_misses():
    assert url_words(command("curl -o out localfile")) == []  # not a URL
    assert url_words(command("git clone https://github.com/org/repo")) == []  # not a download tool


def test_url_host():
    assert url_host("https://HuggingFace.co/org/m") == "huggingface.co"
    assert url_host("www.Example.org/x") == "www.example.org"  # no scheme: read as https
    assert url_host("http://[bad") == ""  # invalid URL


def test_url_path_segments():
    assert url_path_segments("https://github.com/O/R/archive/master.zip") == ["o", "r", "archive", "master"]
    assert url_path_segments("https://x.org/a/v1.tar.gz") == ["a", "v1"]
    assert url_path_segments("https://x.org/.zip") == [".zip"]  # only a suffix: kept
    assert url_path_segments("http://[bad") == []


def test_redact():
    assert redact("https://user:token@host/x") == "https://***@host/x"
    assert redact("https://host/path@v1") == "https://host/path@v1"  # an @ in the path is no userinfo


def test_moving_url_segment():
    assert moving_url_segment("https://github.com/o/r/releases/latest/download/a") == "latest"
    assert moving_url_segment("https://github.com/o/r/archive/master.zip") == "master"
    assert moving_url_segment("https://github.com/o/r/archive/v1.2.zip") is None
    # `main` as a Debian archive component names no branch
    assert moving_url_segment("http://deb.debian.org/debian/pool/main/o/openssl/x.deb") is None
    assert moving_url_segment("http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Packages") is None
    assert moving_url_segment("https://raw.githubusercontent.com/o/r/main/install.sh") == "main"


# ---------------------------------------------------------------------------------------------------------
# git


def test_is_pinned_ref():
    assert is_pinned_ref(word("0123abc")) is True  # a short sha
    assert is_pinned_ref(word("v1.2.3")) is True
    assert is_pinned_ref(word("refs/tags/2024.05")) is True
    assert is_pinned_ref(word("main")) is False
    assert is_pinned_ref(word("refs/heads/release")) is False
    assert is_pinned_ref(word("feature-branch")) is False  # no digit: a branch name
    assert is_pinned_ref(None) is False


def test_is_pinned_ref_through_variables():
    assert is_pinned_ref(word("$REF"), {"REF": "v2.0"}) is True
    assert is_pinned_ref(word("$REF"), {"REF": "main"}) is False
    assert is_pinned_ref(word("$REF"), {}) is None  # unknown value: cannot tell
    assert is_pinned_ref(word("v${VERSION}"), {}) is None


def test_git_clone_pinned():
    pinned = run("git clone https://github.com/org/repo && cd repo && git checkout 0123abc")
    assert git_clone_pinned(pinned, clone_of(pinned)) is True
    tag = run("git clone --branch v1.4 https://github.com/org/repo")
    assert git_clone_pinned(tag, clone_of(tag)) is True
    fetched = run("git clone https://github.com/org/repo && git -C repo fetch origin 0123abcd")
    assert git_clone_pinned(fetched, clone_of(fetched)) is True


def test_git_clone_pinned_near_misses():
    branch = run("git clone -b main https://github.com/org/repo")
    assert git_clone_pinned(branch, clone_of(branch)) is False
    bare = run("git clone https://github.com/org/repo")
    assert git_clone_pinned(bare, clone_of(bare)) is False
    before = run("git checkout 0123abc && git clone https://github.com/org/repo")  # the checkout is not after it
    assert git_clone_pinned(before, clone_of(before)) is False
    hidden = run("git clone -b $REF https://github.com/org/repo", preamble="ARG REF\n")
    assert git_clone_pinned(hidden, clone_of(hidden)) is None


# ---------------------------------------------------------------------------------------------------------
# downloads: model files and URLs


@pytest.mark.parametrize("name", ["model.pt", "w.SAFETENSORS", "resnet.onnx", "llama.gguf"])
def test_is_model_file(name):
    assert is_model_file(name)


@pytest.mark.parametrize("name", [".pt", "model.py", "weights.json", "pt"])
def test_is_model_file_near_misses(name):
    assert not is_model_file(name)


def test_is_model_url():
    assert is_model_url("https://huggingface.co/org/m/resolve/main/config.json")  # a Hub download, any file
    assert is_model_url("https://example.com/releases/v1/model.onnx")
    assert is_model_url("example.com/m.pt")
    assert not is_model_url("https://huggingface.co/org/m/blob/main/config.json")
    assert not is_model_url("https://example.com/model.onnx/index.html")
    assert not is_model_url("https://example.com/get-pip.py")


def test_is_model_clone():
    assert is_model_clone(command("git clone https://huggingface.co/org/model"))
    assert not is_model_clone(command("git clone https://huggingface.co/datasets/org/x"))
    assert not is_model_clone(command("git clone https://huggingface.co/spaces/org/demo"))
    assert not is_model_clone(command("git clone https://github.com/org/model"))
    assert not is_model_clone(command("git pull https://huggingface.co/org/model"))


def test_model_artifact_kind():
    assert model_artifact_kind("m.pt", False) == ("file", ["m.pt"])
    assert model_artifact_kind("models/", False) == ("directory", ["models"])
    assert model_artifact_kind("/app/models/", False) == ("directory", ["app", "models"])
    assert model_artifact_kind("/root/.cache/huggingface", True) == ("cache", ["root", ".cache", "huggingface"])
    assert model_artifact_kind("https://example.com/w/m.bin", False) == ("file", ["w", "m.bin"])


def test_model_artifact_kind_near_misses():
    assert model_artifact_kind("config.json", False) is None  # another file
    assert model_artifact_kind("models/config.json", False) is None
    assert model_artifact_kind("src/models/", False) is None  # a relative path: only its first component counts
    assert model_artifact_kind("app/", False) is None
    assert model_artifact_kind(".", False) is None
    assert model_artifact_kind("src/models/", True) == ("directory", ["src", "models"])  # from a stage: any part


# ---------------------------------------------------------------------------------------------------------
# downloads: the build-time model download detector


def test_model_downloads_url_git_cli_python():
    [hub] = model_downloads(run("curl -L https://huggingface.co/org/m/resolve/main/model.safetensors -o m"))
    assert hub.pinned is False and "/resolve/main/" in hub.how_to_pin
    sha = "0123456789abcdef0123456789abcdef01234567"
    [pinned] = model_downloads(run(f"curl -LO https://huggingface.co/org/m/resolve/{sha}/model.safetensors"))
    assert pinned.pinned is True
    [clone] = model_downloads(run("git clone https://huggingface.co/org/model"))
    assert clone == ModelDownload(
        clone.span,
        "`git clone https://huggingface.co/org/model`",
        False,
        "`git checkout <commit sha>` after the clone",
    )
    [cli] = model_downloads(run(f"huggingface-cli download org/m --revision {sha}"))
    assert (cli.description, cli.pinned) == ("`huggingface-cli download org/m`", True)
    [python] = model_downloads(
        run("python -c \"from transformers import AutoModel; AutoModel.from_pretrained('org/m')\"")
    )
    assert python.pinned is False and python.description == "`python -c` with `from_pretrained(...)`"


def test_model_downloads_near_misses():
    assert model_downloads(run("curl -fsSL https://example.com/get-pip.py -o get-pip.py")) == []
    assert model_downloads(run("git clone https://huggingface.co/datasets/org/x")) == []
    assert model_downloads(run("GIT_LFS_SKIP_SMUDGE=1 git clone https://huggingface.co/org/model")) == []
    assert (
        model_downloads(run("python -c \"from transformers import AutoModel; AutoModel.from_pretrained('/m')\"")) == []
    )
    copy = parse("FROM python:3.11\nCOPY https://huggingface.co/org/m/resolve/main/m.pt /m\n").instructions[-1]
    assert model_downloads(copy) == []  # not a RUN


def test_model_downloads_heredoc_and_order():
    instruction = parse(
        "FROM python:3.11\n"
        "RUN curl -LO https://example.com/releases/download/v1/m.onnx && python3 <<EOF\n"
        "from huggingface_hub import snapshot_download\n"
        "snapshot_download('org/m', revision=REV)\n"
        "EOF\n"
    ).instructions[-1]
    found = model_downloads(instruction)
    assert [(d.span.line, d.pinned) for d in found] == [(2, True), (4, None)]
    assert found[1].description == "`snapshot_download(...)` in the heredoc script"


# ---------------------------------------------------------------------------------------------------------
# commands: tool sets, install predicates, OS package names


@pytest.mark.parametrize(
    ("script", "os_install", "conda_install"),
    [
        ("apt-get install -y curl", True, False),
        ("apk add curl", True, False),
        ("dnf groupinstall 'Development Tools'", True, False),
        ("microdnf install curl", True, False),
        ("zypper install curl", True, False),
        ("mamba env create -f environment.yml", False, True),
        ("apt-get update", False, False),  # near miss: apt-get, not an install
        ("apk del curl", False, False),
        ("conda clean -afy", False, False),
    ],
)
def test_install_predicates(script, os_install, conda_install):
    found = command(script)
    assert is_os_package_install(found) is os_install
    assert is_conda_install(found) is conda_install
    assert installs_packages(found) is (os_install or conda_install)


def test_apt_rpm_and_python_predicates():
    assert is_apt(command("apt update")) and is_apt(command("apt-get update"), ("update",))
    assert not is_apt(command("apt-get update"), ("install",))
    assert is_rpm_install(command("yum localinstall x.rpm")) and not is_rpm_install(command("yum clean all"))
    assert is_python_install(command("python -m pip install x")) and is_python_install(command("uv pip install x"))
    assert not is_python_install(command("pip download x"))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("openssh-server=1:9.2p1-2", "openssh-server"),
        ("gcc>=12", "gcc"),
        ("curl~8", "curl"),
        ("libc6:amd64", "libc6"),
        ("curl[build=h1]", "curl"),
        (" Curl ", "curl"),
        ("Development Tools", "development tools"),  # a yum group keeps its space
        ("gcc-12", "gcc-12"),  # near miss: a dash is part of the name
    ],
)
def test_os_package_name(text, name):
    assert os_package_name(text) == name


def test_os_package_name_conda_ends_at_whitespace():
    assert os_package_name("curl 8.5", conda=True) == "curl"
    assert os_package_name("curl 8.5") == "curl 8.5"


# ---------------------------------------------------------------------------------------------------------
# env: boolean values and the last ENV value


@pytest.mark.parametrize(
    ("value", "flag", "off"),
    [
        (None, None, False),
        ("", False, False),
        ("0", False, True),
        ("False", False, True),
        (" off ", False, True),
        ("no", False, True),
        ("1", True, False),
        ("yes", True, False),
        ("anything", True, False),
    ],
)
def test_env_flag_and_env_off(value, flag, off):
    assert env_flag(value) is flag
    assert env_off(value) is off


@pytest.mark.parametrize(
    ("value", "flag"),
    [
        *[(None, None), ("", False), (" ", False), ("0", False), ("00", False), ("+0", False), ("1", True)],
        *[("false", True), ("no", True), ("2", True)],  # CPython: any non-empty value but an integer 0 is on
    ],
)
def test_python_env_flag(value, flag):
    assert python_env_flag(value) is flag


def test_last_env_values_follows_the_lineage_and_expands():
    dockerfile = parse(
        "FROM python:3.11 AS base\nENV HF_HOME=/root/.cache A=1\n"
        "FROM base\nARG DIR=/srv\nENV HF_HOME=$DIR/hf\nENV B=$UNKNOWN\n"
    )
    values = last_env_values(dockerfile.lineage(dockerfile.stages[-1]))
    assert {name: value for name, (value, _word) in values.items()} == {"HF_HOME": "/srv/hf", "A": "1", "B": "$UNKNOWN"}
    assert values["HF_HOME"][1].span.line == 5
    assert last_env_values(dockerfile.lineage(dockerfile.stages[0]))["HF_HOME"][0] == "/root/.cache"


# ---------------------------------------------------------------------------------------------------------
# paths: WORKDIR, /root


def _workdir_at_last(text: str, base: str | None = "/", **options) -> str | None:
    dockerfile = parse(text)
    stage = dockerfile.stages[-1]
    return workdir_before(dockerfile, stage, stage.instructions[-1], base, **options)


def test_workdir_before_joins_normalizes_and_follows_the_lineage():
    text = "FROM python AS base\nWORKDIR /app/\nFROM base\nWORKDIR src/../lib\nRUN true\n"
    assert _workdir_at_last(text) == "/app/lib"
    assert _workdir_at_last("FROM python\nRUN true\n") == "/"
    assert _workdir_at_last("FROM python\nRUN true\n", "/srv") == "/srv"


def test_workdir_before_unknown_base_and_variables():
    relative = "FROM python\nWORKDIR app\nRUN true\n"
    assert _workdir_at_last(relative) == "/app"
    assert _workdir_at_last(relative, None) is None  # relative to an unknown base
    variable = "FROM python\nARG DIR=/srv\nWORKDIR $DIR\nRUN true\n"
    assert _workdir_at_last(variable) == "/srv"
    assert _workdir_at_last(variable, expand_variables=False) is None  # the fix does not guess
    assert _workdir_at_last("FROM python\nWORKDIR $NOPE\nRUN true\n") is None


def test_under_root():
    assert under_root("/root") and under_root("/root/.local")
    assert not under_root("/rootfs") and not under_root("/home/root")


@pytest.mark.parametrize(
    ("script", "opened"),
    [
        ("chmod 755 /root", True),
        ("chown -R app /root/", True),
        ("sudo chmod a+rx /root", True),
        ("/bin/chown app:app /root", True),
        ("chown -R app /root/.cache", False),  # near miss: /root itself stays mode 700
        ("chmod 755 /rootfs", False),
        ("ls /root", False),
    ],
)
def test_root_opened(script, opened):
    assert root_opened(run(script).commands) is opened


# ---------------------------------------------------------------------------------------------------------
# git: commit shas and release tags


@pytest.mark.parametrize(
    ("ref", "pinned"),
    [
        *[("a" * 40, True), ("v1.2.3", True), ("2024.05", True), ("1.2.3rc1", True)],
        *[("abc1234", False), ("main", False), ("v1", False), ("A" * 40, False)],  # near misses
    ],
)
def test_is_sha_or_release(ref, pinned):
    assert is_sha_or_release(ref) is pinned
