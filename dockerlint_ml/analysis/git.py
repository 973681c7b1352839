"""git refs and clones: whether a ``git clone`` ends on a fixed commit."""

from __future__ import annotations

import re

from ..lazy_re import lazy
from ..model import Instruction, ShellCommand, Word, memo
from ..variables import expand_word

#: a full (40-hex) commit sha as git prints it: what a download pinned to a commit names
FULL_SHA = lazy(r"[0-9a-f]{40}")
#: a commit sha, abbreviated or full, any case
COMMIT_SHA = lazy(r"[0-9a-fA-F]{7,40}")
#: a release tag: ``v1.2``, ``2.0.1rc1``, ``1.2.3-post1``
RELEASE_TAG = lazy(r"v?\d+(?:\.\d+)+[\w.+-]*")


def is_sha_or_release(ref: str) -> bool:
    """Whether a ref is a full commit sha or a release tag (stricter than :func:`is_pinned_ref`, which takes
    any ref with a digit in it)."""
    return bool(FULL_SHA.fullmatch(ref) or RELEASE_TAG.fullmatch(ref))


_MOVING_REFS = frozenset({"main", "master", "latest", "head", "develop", "dev", "trunk", "nightly", "stable"})


def is_pinned_ref(word: Word | None, scope: dict[str, str | None] | None = None) -> bool | None:
    """Whether a git ref names a fixed commit: a commit sha or a version-like tag (``v1.2.3``, ``2024.05``).

    Branch names (``main``, ``dev``) are not pinned. A ref built from a variable whose value is unknown
    returns None (cannot tell)."""
    if word is None:
        return False
    text = word.text
    if word.has_expansion:
        expanded = expand_word(word.text, scope or {})
        if expanded is None or "$" in expanded:  # `ARG REF=v${VERSION}` with VERSION unknown keeps `${VERSION}`
            return None
        text = expanded
    text = text.removeprefix("refs/tags/")
    if text.lower() in _MOVING_REFS or text.startswith("refs/heads/"):
        return False
    return bool(COMMIT_SHA.fullmatch(text) or re.search(r"\d", text))


_CHECKOUT_SUBCOMMANDS = frozenset({"checkout", "switch", "reset", "fetch"})


def git_clone_pinned(instruction: Instruction, clone: ShellCommand) -> bool | None:
    """Whether a ``git clone`` ends on a fixed commit: ``--branch/-b <tag>``, ``--revision <sha>``, or a later
    ``git checkout/switch/reset --hard/fetch <sha|tag>`` in the same RUN. None when a variable hides the ref."""
    invocation = clone.invocation
    assert invocation is not None
    scope = dict(instruction.scope)
    results: list[bool | None] = []
    for option in invocation.options:
        if option.name in ("-b", "--branch", "--revision"):
            results.append(is_pinned_ref(option.value, scope))
    found = set(results) | _later_checkouts(instruction, clone, scope)
    if True in found:
        return True
    if None in found:
        return None
    return False


def _later_checkouts(instruction: Instruction, clone: ShellCommand, scope: dict) -> frozenset[bool | None]:
    """What the ``git checkout/switch/reset/fetch`` refs after ``clone`` in the same RUN pin (True, False,
    None per ref), as a set. Computed once per RUN from the end and cached on the instruction, so a RUN of
    thousands of clones stays linear. ``scope`` is the instruction's own scope (as a dict)."""

    def suffixes() -> list[frozenset[bool | None]]:
        commands = instruction.commands
        suffix: list[frozenset[bool | None]] = [frozenset()] * (len(commands) + 1)
        for index in range(len(commands) - 1, -1, -1):
            command = commands[index]
            suffix[index] = suffix[index + 1]
            if command.tool != "git" or command.subcommand not in _CHECKOUT_SUBCOMMANDS or command.invocation is None:
                continue
            refs = list(command.invocation.positionals)
            if command.subcommand == "fetch":
                refs = refs[1:]  # `git fetch origin <sha>`: the first positional is the remote
            suffix[index] = suffix[index] | {is_pinned_ref(ref, scope) for ref in refs}
        return suffix

    index = instruction.position(clone)
    return frozenset() if index is None else memo(instruction, "git_later_checkouts", suffixes)[index + 1]
