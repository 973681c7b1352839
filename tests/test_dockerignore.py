"""Docker's .dockerignore semantics: cases from moby/patternmatcher's own test suite (patternmatcher_test.go),
written as tables, plus ignorefile.ReadAll and BuildKit's directory pruning."""

from __future__ import annotations

import pytest

from dockerlint_ml.dockerignore import BadPattern, PatternMatcher, go_clean, read_ignore

EXACT, INEXACT, FAIL = "exact", "inexact", "fail"

# TestMatches: (pattern, path, expected). exact: MatchesExact is true; inexact: only a parent matches.
MATCHES = [
    ("**", "file", EXACT),
    ("**", "file/", EXACT),
    ("**/", "file", EXACT),
    ("**/", "file/", EXACT),
    ("**", "/", EXACT),
    ("**/", "/", EXACT),
    ("**", "dir/file", EXACT),
    ("**/", "dir/file", EXACT),
    ("**", "dir/file/", EXACT),
    ("**/", "dir/file/", EXACT),
    ("**/**", "dir/file", EXACT),
    ("**/**", "dir/file/", EXACT),
    ("dir/**", "dir/file", EXACT),
    ("dir/**", "dir/file/", EXACT),
    ("dir/**", "dir/dir2/file", EXACT),
    ("dir/**", "dir/dir2/file/", EXACT),
    ("**/dir", "dir", EXACT),
    ("**/dir", "dir/file", INEXACT),
    ("**/dir2/*", "dir/dir2/file", EXACT),
    ("**/dir2/*", "dir/dir2/file/", INEXACT),
    ("**/dir2/**", "dir/dir2/dir3/file", EXACT),
    ("**/dir2/**", "dir/dir2/dir3/file/", EXACT),
    ("**file", "file", EXACT),
    ("**file", "dir/file", EXACT),
    ("**/file", "dir/file", EXACT),
    ("**file", "dir/dir/file", EXACT),
    ("**/file", "dir/dir/file", EXACT),
    ("**/file*", "dir/dir/file", EXACT),
    ("**/file*", "dir/dir/file.txt", EXACT),
    ("**/file*txt", "dir/dir/file.txt", EXACT),
    ("**/file*.txt", "dir/dir/file.txt", EXACT),
    ("**/file*.txt*", "dir/dir/file.txt", EXACT),
    ("**/**/*.txt", "dir/dir/file.txt", EXACT),
    ("**/**/*.txt2", "dir/dir/file.txt", FAIL),
    ("**/*.txt", "file.txt", EXACT),
    ("**/**/*.txt", "file.txt", EXACT),
    ("a**/*.txt", "a/file.txt", EXACT),
    ("a**/*.txt", "a/dir/file.txt", EXACT),
    ("a**/*.txt", "a/dir/dir/file.txt", EXACT),
    ("a/*.txt", "a/dir/file.txt", FAIL),
    ("a/*.txt", "a/file.txt", EXACT),
    ("a/*.txt**", "a/file.txt", EXACT),
    ("a[b-d]e", "ae", FAIL),
    ("a[b-d]e", "ace", EXACT),
    ("a[b-d]e", "aae", FAIL),
    ("a[^b-d]e", "aze", EXACT),
    (".*", ".foo", EXACT),
    (".*", "foo", FAIL),
    ("abc.def", "abcdef", FAIL),
    ("abc.def", "abc.def", EXACT),
    ("abc.def", "abcZdef", FAIL),
    ("abc?def", "abcZdef", EXACT),
    ("abc?def", "abcdef", FAIL),
    ("**/foo/bar", "foo/bar", EXACT),
    ("**/foo/bar", "dir/foo/bar", EXACT),
    ("**/foo/bar", "dir/dir2/foo/bar", EXACT),
    ("abc/**", "abc", FAIL),
    ("abc/**", "abc/def", EXACT),
    ("abc/**", "abc/def/ghi", EXACT),
    ("**/.foo", ".foo", EXACT),
    ("**/.foo", "bar.foo", FAIL),
    ("a(b)c/def", "a(b)c/def", EXACT),
    ("a(b)c/def", "a(b)c/xyz", FAIL),
    ("a.|)$(}+{bc", "a.|)$(}+{bc", EXACT),
    (
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        EXACT,
    ),
    ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", EXACT),
    ("a\\\\", "a\\", EXACT),
    ("a\\*b", "a*b", EXACT),
]

MULTI = [
    (["**", "!util/docker/web"], "util/docker/web/foo", FAIL),
    (["**", "!util/docker/web", "util/docker/web/foo"], "util/docker/web/foo", EXACT),
    (
        ["**", "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"],
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        FAIL,
    ),
    (["**", "!dist/*.whl"], "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", FAIL),
    # the single-case tests at the top of patternmatcher_test.go
    (["*"], "fileutils.go", EXACT),
    (["*.go"], "fileutils.go", EXACT),
    (["!fileutils.go", "*.go"], "fileutils.go", EXACT),
    (["docs", "!docs/README.md"], "docs/README.md", FAIL),
    (["docs/", "!docs/README.md"], "docs/README.md", FAIL),
    (["docs/*", "!docs/README.md"], "docs/README.md", FAIL),
    (["*.go", "!fileutils.go"], "fileutils.go", FAIL),
    (["*.go"], ".", FAIL),
    ([], "/any/path/there", FAIL),
]

# TestMatch: Go's filepath.Match cases through Matches (None: the pattern is rejected)
GO_MATCH = [
    ("abc", "abc", True),
    ("*", "abc", True),
    ("*c", "abc", True),
    ("a*", "a", True),
    ("a*", "abc", True),
    ("a*", "ab/c", True),
    ("a*/b", "abc/b", True),
    ("a*/b", "a/c/b", False),
    ("a*b*c*d*e*/f", "axbxcxdxe/f", True),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/f", True),
    ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", False),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", False),
    ("a*b?c*x", "abxbbxdbxebxczzx", True),
    ("a*b?c*x", "abxbbxdbxebxczzy", False),
    ("ab[c]", "abc", True),
    ("ab[b-d]", "abc", True),
    ("ab[e-g]", "abc", False),
    ("ab[^c]", "abc", False),
    ("ab[^b-d]", "abc", False),
    ("ab[^e-g]", "abc", True),
    ("a\\*b", "a*b", True),
    ("a\\*b", "ab", False),
    ("a?b", "a\u263ab", True),
    ("a[^a]b", "a\u263ab", True),
    ("a???b", "a\u263ab", False),
    ("a[^a][^a][^a]b", "a\u263ab", False),
    ("[a-\u03b6]*", "\u03b1", True),
    ("*[a-\u03b6]", "A", False),
    ("a?b", "a/b", False),
    ("a*b", "a/b", False),
    ("[\\]a]", "]", True),
    ("[\\-]", "-", True),
    ("[x\\-]", "x", True),
    ("[x\\-]", "-", True),
    ("[x\\-]", "z", False),
    ("[\\-x]", "x", True),
    ("[\\-x]", "-", True),
    ("[\\-x]", "a", False),
    ("[]a]", "]", None),
    ("[-]", "-", None),
    ("[x-]", "x", None),
    ("[x-]", "-", None),
    ("[x-]", "z", None),
    ("[-x]", "x", None),
    ("[-x]", "-", None),
    ("[-x]", "a", None),
    ("\\", "a", None),
    ("[a-b-c]", "a", None),
    ("[", "a", None),
    ("[^", "a", None),
    ("[^bc", "a", None),
    ("a[", "a", None),
    ("a[", "ab", None),
    ("*x", "xxx", True),
]

# TestCompile: the match kind moby picks
COMPILE = [
    ("*", "regexp"),
    ("file*", "regexp"),
    ("**", "suffix"),
    ("**/**", "regexp"),
    ("dir/**", "prefix"),
    ("**/dir", "suffix"),
    ("**/dir2/*", "regexp"),
    ("**file", "suffix"),
    ("a[b-d]e", "regexp"),
    (".*", "regexp"),
    ("abc.def", "exact"),
    ("abc/def", "exact"),
]


@pytest.mark.parametrize(("pattern", "path", "expected"), MATCHES)
def test_moby_matches(pattern, path, expected):
    matcher = PatternMatcher([pattern])
    assert matcher.matches_exact(path) is (expected == EXACT)
    assert matcher.excluded(path) is (expected != FAIL)


@pytest.mark.parametrize(("patterns", "path", "expected"), MULTI)
def test_moby_multi_pattern(patterns, path, expected):
    assert PatternMatcher(patterns).excluded(path) is (expected != FAIL)


def _excluded_walking(matcher: PatternMatcher, path: str) -> bool:
    """MatchesUsingParentResults as a walker uses it: parent directories first, their results passed down."""
    parts = path.split("/")  # filepath.Dir keeps `dir/file` as the parent of `dir/file/`
    parent = None
    for i in range(len(parts) - 1):
        _, parent = matcher.matches("/".join(parts[: i + 1]), parent)
    return matcher.matches(path, parent)[0]


@pytest.mark.parametrize(("pattern", "path", "expected"), [c for c in MATCHES if not c[1].startswith("/")])
def test_moby_matches_using_parent_results(pattern, path, expected):
    assert _excluded_walking(PatternMatcher([pattern]), path) is (expected != FAIL)


@pytest.mark.parametrize(("pattern", "path", "expected"), GO_MATCH)
def test_go_filepath_match_cases(pattern, path, expected):
    if expected is None:
        with pytest.raises(BadPattern):
            PatternMatcher([pattern])
    else:
        assert PatternMatcher([pattern]).excluded(path) is expected


@pytest.mark.parametrize(("pattern", "kind"), COMPILE)
def test_compile_kind(pattern, kind):
    matcher = PatternMatcher([pattern])
    assert matcher.patterns[0].kind == kind


def test_lone_exclamation_is_rejected():
    with pytest.raises(BadPattern):
        PatternMatcher(["!"])


def test_exclusions_flag_and_trimming():
    assert PatternMatcher(["docs", "  !docs/README.md  "]).exclusions
    assert not PatternMatcher(["docs", "config", ""]).exclusions
    assert len(PatternMatcher(["docs", "config", ""]).patterns) == 2


@pytest.mark.parametrize(
    ("path", "cleaned"),
    [("", "."), ("a//b", "a/b"), ("./a/./b/", "a/b"), ("a/../b", "b"), ("../a", "../a"), ("/", "/"), ("/../a", "/a")],
)
def test_go_clean(path, cleaned):
    assert go_clean(path) == cleaned


def test_read_ignore_like_moby():
    text = "\ufeff# comment\n\n  *.pyc  \n /data\n!/data/keep\n ! spaced\r\n  # not a comment\n./a/../b\n/\n"
    assert read_ignore(text) == ["*.pyc", "data", "!data/keep", "!spaced", "# not a comment", "b", "/"]


@pytest.mark.parametrize(
    ("lines", "path", "excluded"),
    [
        (["data"], "data/train.parquet", True),
        (["data"], "src/data/x.py", False),  # anchored at the root, unlike .gitignore
        (["**/data"], "src/data/x.py", True),
        (["*.ckpt"], "runs/a.ckpt", False),  # `*` does not cross `/`
        (["**/*.ckpt"], "runs/a.ckpt", True),
        (["checkpoints/", "!checkpoints/best.pt"], "checkpoints/best.pt", False),
        (["checkpoints/", "!checkpoints/best.pt"], "checkpoints/last.pt", True),
        (["*", "!src", "!requirements.txt"], "src/app/main.py", False),
        (["*", "!src", "!requirements.txt"], "README.md", True),
        (["!keep", "keep"], "keep", True),  # last match wins
    ],
)
def test_ml_repo_cases(lines, path, excluded):
    assert PatternMatcher(read_ignore("\n".join(lines))).excluded(path) is excluded


def test_pruning_follows_buildkit():
    matcher = PatternMatcher(["data", "!data/keep.csv", "models", "!**/*.json"])
    assert matcher.may_reinclude_under("data")
    assert not matcher.may_reinclude_under("models")  # `!**/*.json` does not start with `models/`
    assert not PatternMatcher(["data"]).may_reinclude_under("data")


def test_deciding_pattern():
    matcher = PatternMatcher(["*.md", "models", "!README.md"])
    assert matcher.deciding_pattern("models/x.bin") == "models"
    assert matcher.deciding_pattern("README.md") == "!README.md"
