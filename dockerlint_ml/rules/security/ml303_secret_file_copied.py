"""ML303 secret-file-copied: a credential file is copied into the image.

Reference page: rules/ML303.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from fnmatch import fnmatchcase

from ...model import Severity
from ..base import Problem, Rule, RuleContext
from ..common import copy_source_words
from ._shared import SECRET_MOUNT_HINT

# ML303


#: Credential files by base name (glob, case-insensitive).
SECRET_FILE_PATTERNS = (
    ".env",
    ".env.*",
    "*.pem",
    "*.p12",
    "*.pfx",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    ".netrc",
    "_netrc",
    ".npmrc",
    ".pypirc",
    ".pgpass",
    ".htpasswd",
    ".git-credentials",
    ".dockercfg",
    "credentials*.json",
    "*_credentials.json",
    "kaggle.json",
    "service-account*.json",
    "service_account*.json",
    "secrets.toml",
    "secrets.json",
    "secrets.yaml",
    "secrets.yml",
    "secrets.env",
    "cwallet.sso",  # Oracle auto-login wallet: opens the database without a password
    "ewallet.p12",
    "kubeconfig",
    "*.kubeconfig",
)

#: Directories whose whole content is credentials.
SECRET_DIRS = frozenset({".aws", ".ssh", ".gnupg", ".kube", ".docker"})

#: Credential files known by their path (`~/.aws/credentials`, `~/.docker/config.json`, the HF token file).
SECRET_PATH_SUFFIXES = ("/.aws/credentials", "/.docker/config.json", "huggingface/token", "/.kube/config")

#: Templates that carry no secret: `.env.example`, `secrets.sample.toml`, `id_rsa.pub`, CA bundles...
_TEMPLATE = re.compile(r"example|sample|template|tmpl|\.dist\b|\.defaults?\b", re.IGNORECASE)

_PUBLIC_PEM = re.compile(r"cert|crt|(?:^|[-_.])ca(?:[-_.]|$)|chain|bundle|root|pub", re.IGNORECASE)


def secret_file_kind(path: str) -> str | None:
    """Why ``path`` (a COPY/ADD source) is a credential file, or None."""
    if "$" in path or "://" in path:
        return None
    normalized = "/" + path.strip().strip("/")
    base = normalized.rsplit("/", 1)[-1]
    if not base or base in (".", ".."):
        return None
    lowered = base.lower()
    if _TEMPLATE.search(lowered) or lowered.endswith(".pub"):
        return None
    if "[" in lowered:  # `cwallet.ss[o]`: a one-character class is written to dodge "not found"; read it plainly
        lowered = re.sub(r"\[(.)\]", r"\1", lowered)
    components = [c for c in normalized.lower().split("/") if c]
    for component in components:
        if component in SECRET_DIRS:
            return f"the `{component}/` directory"
    if any(normalized.lower().endswith(suffix) for suffix in SECRET_PATH_SUFFIXES):
        return f"`{base}`"
    for pattern in SECRET_FILE_PATTERNS:
        if fnmatchcase(lowered, pattern):
            if pattern in ("*.pem",) and _PUBLIC_PEM.search(lowered.removesuffix(".pem")):
                return None  # a certificate or CA bundle, not a private key
            return f"`{base}`"
    return None


class SecretFileCopied(Rule):
    """``COPY``/``ADD`` of a credential file from the build context (`.env`, private keys, `.netrc`,
    `.pypirc`, `kaggle.json`, cloud credentials...). Copying the whole context (`COPY . .`) is not reported:
    what it contains depends on `.dockerignore`."""

    id = "ML303"
    name = "secret-file-copied"
    severity = Severity.ERROR
    summary = "a credential file is copied into the image"
    tags = ("security", "secrets")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("COPY", "ADD"):
            if instruction.flag("from") is not None:
                continue  # comes from another stage or image, not from the build context
            for source in copy_source_words(instruction):
                kind = secret_file_kind(source.text)
                if kind is None:
                    continue
                yield self.problem(
                    source,
                    f"{instruction.keyword} of {kind} puts credentials in an image layer (deleting it later does "
                    f"not remove it): keep it out of the image and use {SECRET_MOUNT_HINT}, or mount it at run "
                    "time; add it to `.dockerignore`",
                )
