"""URLs in shell commands: which words a download command fetches, their host and path, how to show them."""

from __future__ import annotations

import re

from ..model import ShellCommand, Word

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from urllib.parse import SplitResult

_ARCHIVE_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip", ".tar")


def split_url(url: str) -> SplitResult:
    """``urllib.parse.urlsplit`` (raises ValueError on a malformed URL), imported on first use: urllib.parse
    and the ipaddress module it pulls in cost ~2 ms of every start-up, and most Dockerfiles need neither."""
    from urllib.parse import urlsplit

    return urlsplit(url)


def url_words(command: ShellCommand) -> list[Word]:
    """The URLs a ``curl``/``wget`` command downloads (its positionals and ``--url`` values)."""
    invocation = command.invocation
    if invocation is None or command.tool not in ("curl", "wget"):
        return []
    words = list(invocation.positionals)
    words.extend(o.value for o in invocation.options if o.name == "--url" and o.value is not None)
    return [w for w in words if "://" in w.text or w.text.startswith(("$", "www."))]


def url_host(url: str) -> str:
    """The lowercased host of a URL (a scheme-less ``www.x.org/...`` counts as https), "" when none."""
    try:
        return (split_url(url if "://" in url else "https://" + url).hostname or "").lower()
    except ValueError:
        return ""


def url_path_segments(url: str) -> list[str]:
    """Lowercased path segments of a URL, archive suffixes removed (``/archive/master.zip`` -> ``master``)."""
    try:
        path = split_url(url if "://" in url else "https://" + url).path
    except ValueError:
        return []
    segments = []
    for segment in path.lower().split("/"):
        for suffix in _ARCHIVE_SUFFIXES:
            if segment.endswith(suffix) and len(segment) > len(suffix):
                segment = segment[: -len(suffix)]
                break
        if segment:
            segments.append(segment)
    return segments


def redact(url: str) -> str:
    """A URL for a message, without its userinfo (``https://user:token@host`` leaks a credential)."""
    return re.sub(r"(://)[^/@\s]+@", r"\1***@", url)


MOVING_URL_SEGMENTS = frozenset({"latest", "master", "main"})


def moving_url_segment(url: str) -> str | None:
    """The ``latest``/``master``/``main`` path segment of a URL, if any. ``main`` as a Debian/Ubuntu archive
    component (``/pool/main/o/openssl/…``, ``/dists/<suite>/main/binary-amd64/…``) names no branch."""
    segments = url_path_segments(url)
    for index, segment in enumerate(segments):
        if segment not in MOVING_URL_SEGMENTS:
            continue
        before, after = segments[:index], segments[index + 1 : index + 2]
        if segment == "main" and (
            (before[-1:] == ["pool"] and bool(after) and re.fullmatch(r"(lib)?[a-z0-9]", after[0]) is not None)
            or (before[-2:-1] == ["dists"] and bool(after) and after[0].startswith(("binary-", "source", "i18n")))
        ):
            continue
        return segment
    return None
