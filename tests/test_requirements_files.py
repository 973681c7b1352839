"""The one requirements-file walker (analysis/requirements_files.py) and its readers: the GPU facts and ML904."""

from __future__ import annotations

from pathlib import Path

from dockerlint_ml.analysis.requirements_files import requirements_files, requirements_install
from dockerlint_ml.context import BuildContext
from dockerlint_ml.facts import dockerfile_facts

from .conftest import parse
from .rules.policy.helpers import lines, policy_lint


def _context(tmp_path: Path, files: dict[str, str]) -> BuildContext:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return BuildContext(tmp_path)


def _walk(tmp_path: Path, files: dict[str, str], dockerfile: str, command: int = -1, context: bool = True):
    parsed = parse(dockerfile)
    stage = parsed.stages[-1]
    run = [i for i in stage.instructions if i.keyword == "RUN"][-1]
    build_context = _context(tmp_path, files) if context else None
    return requirements_files([stage], run, run.commands[command], build_context)


def _facts(tmp_path: Path, files: dict[str, str], dockerfile: str):
    parsed = parse(dockerfile)
    return dockerfile_facts(parsed, _context(tmp_path, files), frozenset({len(parsed.stages) - 1}))[-1]


def test_nested_files_resolve_from_the_including_file_in_the_image(tmp_path):
    # two context directories copied into one image directory: `-r torch.txt` is /app/torch.txt, which is
    # reqs/gpu/torch.txt; the context's reqs/torch.txt (next to base.txt there) is not in the image
    files = {
        "reqs/base.txt": "--extra-index-url https://mirror.example/simple\nnumpy==1.26.4 --hash=sha256:abc\n"
        "-r torch.txt\n-c constraints.txt\n",
        "reqs/gpu/torch.txt": "-r base.txt\ntorch==2.3.1+cu121\n",
        "reqs/torch.txt": "torch==2.1.0+cu118\n",
    }
    dockerfile = "FROM python:3.11\nCOPY reqs/base.txt reqs/gpu/torch.txt /app/\nRUN pip install -r /app/base.txt\n"
    walk = _walk(tmp_path, files, dockerfile)
    assert walk is not None and walk.complete
    assert [(f.path, f.image_path) for f in walk.files] == [
        ("reqs/base.txt", "/app/base.txt"),
        ("reqs/gpu/torch.txt", "/app/torch.txt"),  # the cycle back to base.txt is read once
    ]
    base, torch = walk.files
    assert base.requirements == ["numpy==1.26.4"] and torch.requirements == ["torch==2.3.1+cu121"]
    assert base.options("--extra-index-url") == [("--extra-index-url", "https://mirror.example/simple")]
    assert base.options("--hash") == [("--hash", "sha256:abc")] and base.options("-c") == [("-c", "constraints.txt")]
    assert all(f.at.text == "/app/base.txt" for f in walk.files)
    found = _facts(tmp_path / "f", files, dockerfile.replace("python:3.11", "nvidia/cuda:12.1.1-runtime-ubuntu22.04"))
    torch_install = next(i for i in found.installs if i.package == "torch")
    assert (torch_install.cuda.short, torch_install.via) == ("12.1", "reqs/gpu/torch.txt")


def test_a_nested_file_the_image_does_not_hold_is_not_read(tmp_path):
    files = {"requirements.txt": "-r gpu.txt\nnumpy==1.26.4\n", "gpu.txt": "torch==2.1.0+cu118\n"}
    dockerfile = (
        "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    )
    walk = _walk(tmp_path, files, dockerfile)
    assert walk is not None and not walk.complete
    assert [u.label for u in walk.unread] == ["-r gpu.txt in requirements.txt"]
    assert (
        requirements_install([parse(dockerfile).stages[0]], *_run_and_command(dockerfile), BuildContext(tmp_path))
        is None
    )
    facts = _facts(tmp_path, files, dockerfile)
    assert [i.package for i in facts.installs] == ["numpy"]  # the context's gpu.txt was read before: not in the image
    assert facts.opaque == ["-r gpu.txt in requirements.txt"]


def _run_and_command(dockerfile: str):
    run = [i for i in parse(dockerfile).stages[0].instructions if i.keyword == "RUN"][-1]
    return run, run.commands[-1]


def test_cd_in_the_run_is_where_the_file_is_read(tmp_path):
    files = {"serve/requirements.txt": "torch==2.3.1+cu121\n", "requirements.txt": "torch==2.1.0+cu118\n"}
    dockerfile = """
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        COPY . /src
        WORKDIR /src
        RUN cd serve && pip install -r requirements.txt
        """
    walk = _walk(tmp_path, files, dockerfile)
    assert [f.path for f in walk.files] == ["serve/requirements.txt"]
    assert {(i.package, i.cuda.short) for i in _facts(tmp_path, files, dockerfile).installs} == {("torch", "12.1")}
    unknown_cd = dockerfile.replace("cd serve", "cd $DIR")
    assert [u.label for u in _walk(tmp_path, files, unknown_cd).unread] == ["-r requirements.txt (line 4)"]


def test_what_is_not_read(tmp_path):
    files = {"requirements.txt": "numpy\n", "pyproject.toml": "[project]\nname = 'x'\n"}
    dockerfile = """
        FROM python:3.11
        COPY . .
        RUN pip install -r https://example.com/req.txt -r pyproject.toml -r ${UNSET}.txt -r missing.txt \\
            -r requirements.txt
        """
    walk = _walk(tmp_path, files, dockerfile)
    assert [u.written for u in walk.unread] == [
        "https://example.com/req.txt",
        "pyproject.toml",
        "${UNSET}.txt",
        "missing.txt",
    ]
    assert [f.path for f in walk.files] == ["requirements.txt"] and not walk.complete
    assert _walk(tmp_path, files, "FROM python:3.11\nRUN pip install numpy\n") is None
    no_context = _walk(
        tmp_path, files, "FROM python:3.11\nCOPY . .\nRUN pip install -r requirements.txt\n", context=False
    )
    assert no_context is not None and no_context.files == () and len(no_context.unread) == 1


def test_include_chains_stop_at_the_limit(tmp_path):
    files = {f"r{n}.txt": f"-r r{n + 1}.txt\npkg{n}==1.0\n" for n in range(30)}
    walk = _walk(tmp_path, files, "FROM python:3.11\nCOPY . .\nRUN pip install -r r0.txt\n")
    assert len(walk.files) == 16 and not walk.complete


def test_a_file_the_build_rewrites_is_an_unknown_install_in_the_facts(tmp_path):
    files = {"requirements.txt": "torch==2.1.0+cu118\n"}
    dockerfile = """
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        COPY requirements.txt .
        RUN sed -i 's/cu118/cu121/' requirements.txt
        RUN pip install -r requirements.txt
        """
    assert _walk(tmp_path, files, dockerfile).rewritten
    facts = _facts(tmp_path, files, dockerfile)
    assert facts.installs == [] and facts.opaque == ["-r requirements.txt (line 4), rewritten in the build"]
    untouched = _facts(tmp_path / "u", files, dockerfile.replace("sed -i 's/cu118/cu121/'", "cat"))
    assert untouched.opaque == ["-r requirements.txt (line 4), rewritten in the build"]  # any mention counts
    kept = _facts(tmp_path / "k", files, dockerfile.replace("RUN sed -i 's/cu118/cu121/' requirements.txt\n", ""))
    assert [i.package for i in kept.installs] == ["torch"] and kept.opaque == []


def test_ml904_reads_nested_files_where_the_run_reads_them(tmp_path):
    policy = '[policy]\nallowed-indexes = ["https://pypi.corp/simple"]\n'
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "requirements.txt").write_text("-r base.txt\nnumpy==1.26.4\n")
    (tmp_path / "app" / "base.txt").write_text("--extra-index-url https://evil.example/simple\nscipy==1.13.0\n")
    text = "FROM python:3.11-slim\nCOPY app /app\nRUN cd /app && pip install -r requirements.txt\n"
    findings = [f for f in policy_lint(tmp_path, policy, text) if f.rule == "ML904"]
    assert lines(findings, "ML904") == [3]
    assert "--extra-index-url in app/base.txt" in findings[0].message
    assert findings[0].span.column == text.splitlines()[2].index("requirements.txt") + 1
