"""The one requirement parser (dockerlint_ml/analysis/packages.py) and the three views of it its callers use:
``parse_requirement`` (stage facts), ``project_name`` (ML203/ML206 via ``rules.common.requirement_name``) and
``requirement_pinned`` (ML703)."""

from __future__ import annotations

import pytest

from dockerlint_ml.analysis.packages import (
    is_direct_reference,
    normalize,
    parse,
    parse_conda_spec,
    parse_requirement,
    project_name,
    requirement_lines,
    requirement_pinned,
    vcs_without_ref,
)
from dockerlint_ml.model import Span, Word
from dockerlint_ml.rules.common import requirement_name


def test_parse_splits_name_extras_specifier_marker():
    requirement = parse("  Jax[cuda12, TPU] >=0.4,<0.5 ; sys_platform == 'linux' ")
    assert requirement is not None
    assert (requirement.name, requirement.key) == ("Jax", "jax")
    assert requirement.extras == ("cuda12", "TPU")
    assert requirement.specifier == ">=0.4,<0.5"
    assert requirement.clauses == ((">=", "0.4"), ("<", "0.5"))
    assert requirement.marker == "sys_platform == 'linux'"
    assert requirement.url is None


def test_parse_name_at_url_and_not_a_name():
    requirement = parse("pkg @ https://example.com/pkg-1.0.zip")
    assert requirement is not None and requirement.key == "pkg"
    assert requirement.url == "https://example.com/pkg-1.0.zip"
    assert requirement.clauses is None  # `@ url` is not a version clause
    assert parse("./wheels/x.whl") is None and parse("-r") is None and parse("") is None
    assert parse("torch").clauses == () and parse("torch").marker is None


@pytest.mark.parametrize(
    ("name", "normalized"), [("Torch_Vision", "torch-vision"), ("a.b__c-d", "a-b-c-d"), ("NUMPY", "numpy")]
)
def test_normalize_pep_503(name, normalized):
    assert normalize(name) == normalized


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jax[cuda12]>=0.4", "jax"),
        ("Torch_Vision==0.16.*", "torch-vision"),
        ("torch ; python_version < '3.12'", "torch"),
        ("pkg @ file:pkg", "pkg"),
        ("./wheels/torch.whl", None),
        ("/src", None),
        ("https://example.com/pkg-1.0.tar.gz", None),
        ("pkg-1.0.zip", None),
        ("torch @ https://x/torch.whl", None),
        ("git+https://github.com/x/y", None),
        ("-e", None),
    ],
)
def test_project_name(text, expected):
    assert project_name(text) == expected


def test_requirement_name_of_a_word():
    def word(text):
        return Word(text, text, Span(1, 1, 1, 1 + len(text)))

    assert requirement_name(word("jax[cuda12]>=0.4")) == "jax"
    assert requirement_name(word("tensorflow${TF_POSTFIX}")) is None  # unexpanded variable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("torch~=2.1.0", ("torch", (), "2.1.*", None)),
        ("torch===2.1.0", ("torch", (), "2.1.0", None)),
        ("jax[CUDA12]==0.4", ("jax", ("cuda12",), "0.4", None)),
        ("torch>=2,<3", ("torch", (), None, None)),
        ("torch @ https://x/torch.whl", None),
        ("torch==2.1.0+cpu ; platform_machine == 'x86_64'", ("torch", (), "2.1.0", "cpu")),
    ],
)
def test_parse_requirement_versions(text, expected):
    assert parse_requirement(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("numpy~=1.26", True),
        ("transformers>=4.41,<5", True),
        ("numpy<=2", True),
        ("pandas>=2", False),
        ("x!=1", False),
        ('torch==2.3.1; python_version >= "3.9"', True),
        ('torch; python_version >= "3.9"', False),
        ("pkg @ https://example.com/pkg-1.0.zip", True),
        ("git+https://github.com/org/repo.git@v1.2#egg=repo", True),
        ("git+https://github.com/org/repo.git", False),
        ("repo @ git+https://github.com/org/repo.git", False),
        ("~/src/pkg", True),
        ("torch>=1,foo", None),  # a clause that is not `<op> <version>`: not understood
    ],
)
def test_requirement_pinned(text, expected):
    assert requirement_pinned(text) is expected


def test_vcs_and_direct_references():
    assert vcs_without_ref("git+ssh://git@github.com/org/repo.git")  # the `git@` is the user, not a ref
    assert not vcs_without_ref("git+ssh://git@github.com/org/repo.git@abc123")
    assert not vcs_without_ref("torch")
    assert all(map(is_direct_reference, [".", "./x", "x.whl", "x.tgz", "x.tar.bz2", "a @ b", "C:\\x"]))
    assert not is_direct_reference("torch==2.1")


@pytest.mark.parametrize(
    ("text", "facts", "name", "pinned"),
    [
        # callers that disagreed before the parser was shared keep their own answers (see the module docstring)
        ("pkg.tgz", ("pkg-tgz", (), None, None), "pkg-tgz", True),  # only ML703 knows .tgz/.tar.bz2 archives
        ("pkg@1.0", ("pkg", (), None, None), "pkg", True),  # ML703: any `@` is a direct reference
        ("torch-", None, None, False),  # ML703 takes a trailing separator as part of the name
        ("torch foo", None, "torch", None),  # project_name only looks at the character after the name
        ("jax[cuda12", None, "jax", None),
        ("torch\t==1", ("torch", (), "1", None), None, True),
    ],
)
def test_caller_leniency_is_kept(text, facts, name, pinned):
    assert parse_requirement(text) == facts
    assert project_name(text) == name
    assert requirement_pinned(text) is pinned


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pytorch-cuda=12.1", ("pytorch-cuda", "12.1")),
        ("conda-forge::NumPy==1.26.4", ("numpy", "1.26.4")),
        ("'python=3.11=h123'", ("python", "3.11")),
        ("cudatoolkit", ("cudatoolkit", None)),
        ("numpy>=1.2", None),
    ],
)
def test_parse_conda_spec(text, expected):
    assert parse_conda_spec(text) == expected


def test_requirement_lines():
    text = "# pinned\n-i https://idx/simple\ntorch==2.1 \\\n  --hash=sha256:abc\n-r other.txt\nnumpy  # comment\n"
    assert requirement_lines(text) == [
        ("-i", "https://idx/simple"),
        ("", "torch==2.1"),
        ("-r", "other.txt"),
        ("", "numpy"),
    ]
