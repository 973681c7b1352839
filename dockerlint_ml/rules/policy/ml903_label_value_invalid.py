"""ML903 label-value-invalid: a label's value breaks its type in the policy's `label-schema`.

Reference page: rules/ML903.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...analysis.urls import split_url
from ...lazy_re import lazy
from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ._shared import final_lineage, labels

# semver.org's own regular expression (2.0.0)
_SEMVER = lazy(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
_HASH = lazy(r"(?:sha256:)?[0-9a-fA-F]{7,64}")
_RFC3339 = lazy(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")
_ADDRESS = r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>.]+"
#: an address, or a mailbox with a display name (`Jupyter Project <jupyter@googlegroups.com>`)
_EMAIL = lazy(rf"{_ADDRESS}|[^<>@]*<{_ADDRESS}>")

#: what each type means, for messages
_EXPECTED = {
    "text": "a non-empty text",
    "url": "an http(s) URL",
    "semver": "a semantic version (`1.4.2`)",
    "hash": "a commit or content hash (7-64 hex digits)",
    "rfc3339": "an RFC 3339 date-time (`2024-05-01T12:00:00Z`)",
    "spdx": "an SPDX license expression (`Apache-2.0`, `MIT OR Apache-2.0`)",
    "email": "an e-mail address",
}


def _valid_url(value: str) -> bool:
    try:
        parts = split_url(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def _valid_rfc3339(value: str) -> bool:
    from datetime import datetime  # only with an rfc3339 label schema (start-up time)

    if not _RFC3339.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _valid_spdx(value: str) -> bool:
    from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

    try:
        canonicalize_license_expression(value)
    except InvalidLicenseExpression:
        return False
    return True


def valid(kind: str, value: str) -> bool:
    """Whether ``value`` is of the ``label-schema`` type ``kind``."""
    if kind.startswith("regex:"):
        return re.fullmatch(kind[len("regex:") :], value) is not None
    checks = {
        "text": lambda v: bool(v.strip()),
        "url": _valid_url,
        "semver": lambda v: _SEMVER.fullmatch(v) is not None,
        "hash": lambda v: _HASH.fullmatch(v) is not None,
        "rfc3339": _valid_rfc3339,
        "spdx": _valid_spdx,
        "email": lambda v: _EMAIL.fullmatch(v) is not None,
    }
    return checks[kind](value)


class LabelValueInvalid(Rule):
    """The LABELs of the shipped image (final stage and its FROM lineage) are checked against ``label-schema``;
    with ``strict-labels = true``, a label the schema does not name is reported too. Values with an unknown
    variable are left alone."""

    id = "ML903"
    name = "label-value-invalid"
    severity = Severity.WARNING
    summary = "a label's value breaks its type in the policy's `label-schema` (or, strict, is not in it)"
    tags = ("policy", "metadata")
    policy_keys = ("label-schema",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        policy = ctx.policy
        if policy is None or not policy.configured("label-schema"):
            return
        schema = policy.label_schema
        for label in labels(final_lineage(ctx)):
            if label.key is None:
                continue
            kind = schema.get(label.key)
            if kind is None:
                if policy.strict_labels:
                    allowed = ", ".join(f"`{name}`" for name in schema) or "none"
                    yield self.problem(
                        label.word,
                        f"label `{label.key}` is not in `label-schema` and `strict-labels` is on "
                        f"{policy.where('strict-labels')}: remove it or use a label the schema names ({allowed})",
                        policy_key="strict-labels",
                    )
                continue
            if label.value is None or valid(kind, label.value):
                continue
            expected = _EXPECTED.get(kind, f"a value matching `{kind[len('regex:') :]}`")
            yield self.problem(
                label.word,
                f"label `{label.key}={label.value}` is not {expected}, as `label-schema` requires "
                f"{policy.where('label-schema')}: set a valid value",
                policy_key="label-schema",
            )
