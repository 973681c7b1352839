"""Credential files known by name or path: what ML303 flags in a COPY source and ML803 finds in the build
context (one list for both)."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

from ..lazy_re import lazy

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
_TEMPLATE = lazy(r"example|sample|template|tmpl|\.dist\b|\.defaults?\b", re.IGNORECASE)

_PUBLIC_PEM = lazy(r"cert|crt|(?:^|[-_.])ca(?:[-_.]|$)|chain|bundle|root|pub", re.IGNORECASE)


_BRACKET = lazy(r"\[([^\]!^][^\]]*)\]")  # a positive class; `[!x]`/`[^x]` are not expanded
_MAX_EXPANSIONS = 64


def _class_members(body: str) -> list[str]:
    """The characters of a bracket class body: ``o`` -> [o], ``ab`` -> [a, b], ``a-c`` -> [a, b, c]."""
    members: list[str] = []
    index = 0
    while index < len(body):
        if index + 2 < len(body) and body[index + 1] == "-":
            low, high = ord(body[index]), ord(body[index + 2])
            members.extend(chr(code) for code in range(low, min(high, low + _MAX_EXPANSIONS) + 1))
            index += 3
        else:
            members.append(body[index])
            index += 1
    return members


def expand_brackets(text: str) -> list[str]:
    """The names a glob's bracket classes stand for: ``cwallet.ss[o]`` -> ``[cwallet.sso]``, ``id_[rd]sa`` ->
    ``[id_rsa, id_dsa]``; ``[text]`` when it has none or would stand for more than a few dozen names. A COPY
    source written as a glob (to dodge "file not found") is a credential when one of its names is one."""
    expansions = [""]
    position = 0
    for match in _BRACKET.finditer(text):
        members = _class_members(match.group(1))
        if len(expansions) * len(members) > _MAX_EXPANSIONS:
            return [text]
        literal = text[position : match.start()]
        expansions = [done + literal + member for done in expansions for member in members]
        position = match.end()
    return [done + text[position:] for done in expansions]


def secret_file_kind(path: str) -> str | None:
    """Why ``path`` (a COPY/ADD source, possibly a bracket glob such as ``cwallet.ss[o]``) is a credential file,
    or None."""
    if "$" in path or "://" in path:
        return None
    if "[" in path:
        written = "/" + path.strip().strip("/")
        for name in expand_brackets(path):
            kind = _name_kind(name)
            if kind is not None:  # name the source as written
                return kind if kind.startswith("the ") else f"`{written.rsplit('/', 1)[-1]}`"
        return None
    return _name_kind(path)


def _name_kind(path: str) -> str | None:
    normalized = "/" + path.strip().strip("/")
    base = normalized.rsplit("/", 1)[-1]
    if not base or base in (".", ".."):
        return None
    lowered = base.lower()
    if _TEMPLATE.search(lowered) or lowered.endswith(".pub"):
        return None
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


def is_dotenv(path: str) -> bool:
    """A dotenv file (`.env`, `.env.local`, `prod.env`): KEY=VALUE lines, often a committed template."""
    name = path.rsplit("/", 1)[-1].lower()
    return name == ".env" or name.startswith(".env.") or name.endswith(".env")


def dotenv_holds_secret(text: str) -> bool:
    """Whether a dotenv file sets a credential: a secret-named key with a literal value (`HF_TOKEN=hf_x...`,
    `DB_PASSWORD=hunter2`) or a value in a known token format. A template (`API_KEY=`, `PORT=7860`) does not."""
    from .secrets import find_credential, is_literal_secret_value, is_secret_name

    for line in text.splitlines():
        key, equals, value = line.strip().removeprefix("export ").partition("=")
        if not equals or key.startswith("#"):
            continue
        value = value.strip().strip("\"'")
        if (is_secret_name(key.strip()) and is_literal_secret_value(value)) or find_credential(value):
            return True
    return False
