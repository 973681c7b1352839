"""hadolint rule codes → mllint rules, and hadolint's inline pragmas.

Data plus tiny functions: ``suppress.py`` imports this on the lint path, and only for files whose comments
mention ``hadolint``. The table follows ``anchors.md`` (each row tested against hadolint's own rule). A code
maps to the mllint rules that report the same condition; ``()`` means mllint has no equivalent. ShellCheck
(``SCxxxx``) codes have no equivalent either: mllint does not run ShellCheck.
"""

from __future__ import annotations

import re

#: code -> (what hadolint checks, mllint rules reporting it, note on a narrower mllint scope)
RULES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "DL1001": ("no inline ignore pragmas", (), ""),
    "DL3000": ("absolute WORKDIR", ("ML005",), ""),
    "DL3001": ("pointless commands (ssh, vim, service, …)", ("ML310",), "the SSH server only"),
    "DL3002": ("last USER is not root", ("ML301",), "shipped image only"),
    "DL3003": ("WORKDIR instead of cd", (), ""),
    "DL3004": ("no sudo", ("ML308",), ""),
    "DL3006": ("tag the base image", ("ML701",), ""),
    "DL3007": ("no :latest", ("ML701",), ""),
    "DL3008": ("pin apt-get versions", ("ML704",), "off by default"),
    "DL3009": ("delete apt lists", ("ML204",), ""),
    "DL3010": ("ADD to extract local archives", (), ""),
    "DL3011": ("valid EXPOSE port", (), ""),
    "DL3012": ("one HEALTHCHECK", ("ML004",), ""),
    "DL3013": ("pin pip versions", ("ML703",), ""),
    "DL3014": ("apt-get -y", (), ""),
    "DL3015": ("apt-get --no-install-recommends", ("ML205",), ""),
    "DL3016": ("pin npm versions", (), ""),
    "DL3018": ("pin apk versions", (), ""),
    "DL3019": ("apk add --no-cache", ("ML208",), ""),
    "DL3020": ("COPY instead of ADD", ("ML307",), ""),
    "DL3021": ("COPY with several sources: destination ends with /", (), ""),
    "DL3022": ("COPY --from a defined stage", ("ML002",), "not for a bare name that matches no stage"),
    "DL3023": ("COPY --from not its own stage", ("ML002",), ""),
    "DL3024": ("unique stage names", ("ML003",), ""),
    "DL3025": ("JSON form for CMD/ENTRYPOINT", ("ML403",), "shipped stage only"),
    "DL3026": ("trusted registries (config)", ("ML901",), ""),
    "DL3027": ("apt-get, not apt", (), ""),
    "DL3028": ("pin gem versions", (), ""),
    "DL3029": ("no FROM --platform", (), ""),
    "DL3030": ("yum -y", (), ""),
    "DL3032": ("yum clean all", ("ML208",), ""),
    "DL3033": ("pin yum versions", (), ""),
    "DL3034": ("zypper -n", (), ""),
    "DL3035": ("no zypper dist-upgrade", (), ""),
    "DL3036": ("zypper clean", ("ML208",), ""),
    "DL3037": ("pin zypper versions", (), ""),
    "DL3038": ("dnf -y", (), ""),
    "DL3040": ("dnf clean all", ("ML208",), ""),
    "DL3041": ("pin dnf versions", (), ""),
    "DL3042": ("pip --no-cache-dir", ("ML206",), ""),
    "DL3043": ("forbidden ONBUILD triggers", (), ""),
    "DL3044": ("ENV refers to itself", ("ML006",), ""),
    "DL3045": ("COPY to a relative path without WORKDIR", (), ""),
    "DL3046": ("useradd -l with a high UID", (), ""),
    "DL3047": ("wget --progress", (), ""),
    "DL3048": ("valid label keys", (), ""),
    "DL3049": ("required label missing (label-schema)", ("ML902",), ""),
    "DL3050": ("superfluous label (strict-labels)", ("ML903",), ""),
    "DL3051": ("empty label (label-schema)", ("ML903",), ""),
    "DL3052": ("label is not a URL", ("ML903",), ""),
    "DL3053": ("label is not an RFC 3339 time", ("ML903",), ""),
    "DL3054": ("label is not an SPDX licence", ("ML903",), ""),
    "DL3055": ("label is not a git hash", ("ML903",), ""),
    "DL3056": ("label is not semver", ("ML903",), ""),
    "DL3057": ("HEALTHCHECK missing", ("ML401",), "serving images only"),
    "DL3058": ("label is not an e-mail address", ("ML903",), ""),
    "DL3059": ("consecutive RUN", (), ""),
    "DL3060": ("yarn cache clean", (), ""),
    "DL3061": ("starts with FROM or ARG", ("ML001",), ""),
    "DL3062": ("pin go install versions", (), ""),
    "DL3063": ("reserved stage name", (), ""),
    "DL3064": ("secrets in ARG/ENV", ("ML302",), ""),
    "DL3065": ("redundant --platform=$TARGETPLATFORM", (), ""),
    "DL3066": ("non-numeric USER", (), ""),
    "DL3067": ("COPY --from=stage / /", (), ""),
    "DL4000": ("MAINTAINER is deprecated", (), ""),
    "DL4001": ("wget or curl, not both", (), ""),
    "DL4003": ("one CMD", ("ML004",), ""),
    "DL4004": ("one ENTRYPOINT", ("ML004",), ""),
    "DL4005": ("SHELL instead of ln /bin/sh", (), ""),
    "DL4006": ("set -o pipefail", ("ML317",), "downloads piped into another command only"),
}

# `# hadolint ignore=DL3008,SC2086` and `# hadolint global ignore=…`, as hadolint's Pragma.hs parses them
# (spaces around `=` and `,`; an inline `# reason` may follow the codes).
_PRAGMA = re.compile(
    r"#\s*hadolint[ \t]+(global[ \t]+)?ignore[ \t]*=[ \t]*([A-Za-z0-9]+(?:[ \t]*,[ \t]*[A-Za-z0-9]+)*)"
)


def ml_rules(code: str) -> tuple[str, ...]:
    """The mllint rules that report what hadolint's ``code`` reports; ``()`` for an unknown or unmapped code."""
    return RULES.get(code.strip().upper(), ("", (), ""))[1]


def sources(rule_id: str) -> tuple[str, ...]:
    """The hadolint codes that map to ``rule_id``."""
    return tuple(code for code, (_, rules, _) in RULES.items() if rule_id in rules)


def parse_pragma(comment: str) -> tuple[bool, tuple[str, ...]] | None:
    """``(is_global, codes)`` for a hadolint ignore pragma (codes as written, upper-cased), else None."""
    match = _PRAGMA.match(comment)
    if not match:
        return None
    return bool(match.group(1)), tuple(code.strip().upper() for code in match.group(2).split(","))


def markdown_table() -> str:
    """The README's DL→ML table."""
    lines = ["| hadolint | checks | mllint |", "|---|---|---|"]
    for code, (meaning, rules, note) in RULES.items():
        target = ", ".join(f"[{rule}](rules/{rule}.md)" for rule in rules) or "—"
        lines.append(f"| {code} | {meaning} | {target}{f' ({note})' if note else ''} |")
    return "\n".join(lines) + "\n"
