"""Autofix safety: ML204's `rm -rf /var/lib/apt/lists/*` must never delete package lists that a later RUN of
the same stage lineage installs from without its own `apt-get update` (DeepSpeed's image broke that way)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockerlint_ml.fix import fix_source
from dockerlint_ml.lint import Linter
from dockerlint_ml.model import Dockerfile
from dockerlint_ml.parse import parse_text
from dockerlint_ml.registry import builtin_rules
from dockerlint_ml.rules.size import is_apt_update
from dockerlint_ml.settings import Settings

SELECT = ("ML204", "ML205")
LINTER = Linter(Settings(select=SELECT, extend_select=SELECT), builtin_rules())

_TOOLS = ["apt-get", "apt", "sudo apt-get"]
_PACKAGES = ["curl", "git", "libnuma-dev", "python3"]
_MOUNTS = ["", "--mount=type=cache,target=/var/cache/apt ", "--mount=type=cache,target=/var/lib/apt "]


@st.composite
def apt_run(draw) -> str:
    tool = draw(st.sampled_from(_TOOLS))
    parts = []
    if draw(st.booleans()):
        parts.append(f"{tool} update")
    for _ in range(draw(st.integers(0, 2))):
        parts.append(f"{tool} install -y {draw(st.sampled_from(_PACKAGES))}")
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["apt-get clean", "echo ok"])))
    if draw(st.booleans()):
        cleanup = "rm -rf /var/lib/apt/lists/*"
        parts.insert(draw(st.integers(0, len(parts))), cleanup)
    if not parts:
        parts = ["echo nothing"]
    mount = draw(st.sampled_from(_MOUNTS))
    style = draw(st.sampled_from([" && ", " \\\n    && ", "; "]))
    return f"RUN {mount}{style.join(parts)}"


@st.composite
def apt_dockerfiles(draw) -> str:
    lines = ["FROM ubuntu:22.04 AS base", *draw(st.lists(apt_run(), min_size=1, max_size=5))]
    if draw(st.booleans()):
        lines += ["FROM base AS child", *draw(st.lists(apt_run(), max_size=3))]
    if draw(st.booleans()):
        lines += ["FROM base", *draw(st.lists(apt_run(), max_size=2))]
    return "\n".join(lines) + "\n"


def _lists_cached(instruction) -> bool:
    return any(
        m.get("type") == "cache" and m.get("target", "").rstrip("/") in ("/var/lib/apt", "/var/lib/apt/lists")
        for m in instruction.mounts()
    )


def _removes_lists(command) -> bool:
    return command.name == "rm" and any(w.text.startswith("/var/lib/apt") for w in command.words[1:])


def satisfied_installs(document: Dockerfile) -> dict[tuple[int, int, int], bool]:
    """For each apt install (stage, position in the stage, ordinal in its RUN): whether an `apt-get update` of
    the file ran before it (same RUN or an earlier RUN of the lineage) and no `rm` of the lists came after it."""
    out: dict[tuple[int, int, int], bool] = {}
    for stage in document.stages:
        fresh = False  # lists from the base image: not something the file fetched
        for member in document.lineage(stage):
            for position, instruction in enumerate(member.body):
                if instruction.keyword != "RUN":
                    continue
                cached = _lists_cached(instruction)
                state = False if cached else fresh  # a cache mount brings its own lists
                ordinal = 0
                for command in instruction.commands:
                    if is_apt_update(command):
                        state = True
                    elif _removes_lists(command):
                        state = False
                    elif command.tool == "apt-get" and command.subcommand == "install":
                        if member is stage:
                            out[(stage.index, position, ordinal)] = state
                        ordinal += 1
                if not cached:
                    fresh = state
    return out


_SAFETY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SAFETY
@given(apt_dockerfiles())
def test_fixes_never_remove_lists_a_later_install_needs(text):
    new, _result, _count = fix_source(text.encode(), "Dockerfile", LINTER, False)
    before, after = satisfied_installs(parse_text(text)), satisfied_installs(parse_text(new))
    assert before.keys() == after.keys()
    broken = [key for key, ok in before.items() if ok and not after[key]]
    assert not broken, (text, new)


def test_the_property_sees_a_broken_fix():
    """The check above can fail: appending the rm blindly (the old fix) breaks the later install."""
    text = "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git\n"
    blind = text.replace("curl\n", "curl && rm -rf /var/lib/apt/lists/*\n")
    assert satisfied_installs(parse_text(text))[(0, 1, 0)] is True
    assert satisfied_installs(parse_text(blind))[(0, 1, 0)] is False
    new, _result, _count = fix_source(text.encode(), "Dockerfile", LINTER, False)
    assert "rm -rf" not in new and satisfied_installs(parse_text(new))[(0, 1, 0)] is True


def test_safe_fix_is_still_applied_when_nothing_later_needs_the_lists():
    text = (
        "FROM ubuntu:22.04 AS base\n"
        "RUN apt-get update && apt-get install -y curl\n"
        "RUN apt-get update && apt-get install -y git\n"
        "FROM base\n"
        "RUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y vim\n"
    )
    new, _result, _count = fix_source(text.encode(), "Dockerfile", LINTER, False)
    assert new.count("rm -rf /var/lib/apt/lists/*") == 2
