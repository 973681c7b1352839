"""What a secret looks like, by variable name and by value format: shared by the security rules (ML302,
ML304, ML313...) and the build-context rules (ML803 reads `.env` files for values these recognise)."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

from ..lazy_re import lazy

# Credentials: what a secret looks like by name and by format


#: Known credential formats, matched anywhere in a value or shell word, whatever the variable is called.
CREDENTIAL_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, lazy(pattern))
    for kind, pattern in (
        ("private key", r"-----BEGIN[A-Z ]*PRIVATE KEY"),
        ("AWS access key", r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?![A-Z0-9])"),
        ("Hugging Face token", r"(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,}(?![A-Za-z0-9])"),
        ("GitHub token", r"(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,}(?![A-Za-z0-9])"),
        ("GitHub token", r"(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,}"),
        ("GitLab token", r"(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}"),
        ("API key", r"(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{20,}"),
        ("Slack token", r"(?<![A-Za-z0-9_])xox[abprs]-[A-Za-z0-9-]{10,}"),
        ("Google API key", r"(?<![A-Za-z0-9_])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])"),
        ("Stripe key", r"(?<![A-Za-z0-9_])[rs]k_live_[A-Za-z0-9]{20,}"),
        ("npm token", r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])"),
        ("PyPI token", r"(?<![A-Za-z0-9_])pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{20,}"),
        ("Replicate token", r"(?<![A-Za-z0-9_])r8_[A-Za-z0-9]{37}(?![A-Za-z0-9])"),
    )
)

#: The shortest text any format matches (a Slack token; a test keeps it true): most shell words are shorter,
#: and skipping them spares 13 scans each (~1 ms per lint of a 300-line file, which the language server repeats
#: on every edit). One combined pattern would do it too, but compiling it costs 1.5 ms of start-up.
SHORTEST_CREDENTIAL = 15

#: Formats whose prefix is short enough that ordinary words could start with it: the match must also mix
#: upper and lower case (real tokens are random; `hf_hub_download...` and `sk-learn-...` are not).
_NEEDS_MIXED_CASE = frozenset({"Hugging Face token", "API key"})

#: ``scheme://user:password@host`` with a literal password (not ``$VAR``/``${VAR}``).
URL_PASSWORD = lazy(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://([^/\s:@]*):([^/\s@]+)@")


def _mixed(text: str) -> bool:
    return any(c.islower() for c in text) and any(c.isupper() for c in text)


def find_credential(text: str) -> tuple[str, str] | None:
    """``(kind, matched text)`` for the first known credential format in ``text``."""
    if len(text) < SHORTEST_CREDENTIAL:
        return None
    for kind, pattern in CREDENTIAL_FORMATS:
        for match in pattern.finditer(text):
            found = match.group(0)
            if kind == "AWS access key" and found.endswith("EXAMPLE"):  # AWS's documentation key
                continue
            if kind in _NEEDS_MIXED_CASE and not _mixed(found[3:]):
                continue
            if kind == "API key" and not any(c.isdigit() for c in found):
                continue
            return kind, found
    return None


def url_password(text: str) -> str | None:
    """The literal password of a URL with userinfo (``https://user:tok@host``), or None."""
    for match in URL_PASSWORD.finditer(text):
        password = match.group(2)
        if "$" not in password and "$" not in match.group(1):
            return password
    return None


def mask(value: str) -> str:
    """Enough of a secret to recognize it, never the secret: ``hf_A…`` (nothing at all if it is short)."""
    value = value.strip()
    if value.startswith("-----BEGIN"):
        return "-----BEGIN …"
    return f"{value[:4]}…" if len(value) >= 12 else "…"


#: Name parts that make a variable a credential when a part *ends* with them (`HF_TOKEN`, `NGROK_AUTHTOKEN`,
#: `CLIENT_SECRET`, `PGPASSWORD`, `OPENAI_APIKEY`); `TOKENS`/`TOKENIZER` do not end with TOKEN.
SECRET_PART_SUFFIXES = (
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "APIKEY",
    "ACCESSKEY",
    "SECRETKEY",
    "PRIVATEKEY",
)

#: Parts that are credentials only as a whole part (`DB_PASS`, `GITHUB_PAT`, `GOOGLE_CREDENTIALS`).
SECRET_PARTS = frozenset({"PASS", "PAT", "CREDS", "CREDENTIAL", "CREDENTIALS", "SECRETS"})

#: `<QUALIFIER>_KEY` is a credential (`API_KEY`, `ACCESS_KEY`, `PRIVATE_KEY`...); plain `KEY`/`GPG_KEY`
#: (the python image's release-signing fingerprint) is not.
KEY_QUALIFIERS = frozenset(
    {"API", "ACCESS", "SECRET", "PRIVATE", "ENCRYPTION", "SIGNING", "MASTER", "AUTH", "LICENSE", "ACCOUNT", "SSH"}
)

#: A last name part that says the variable holds something *about* a credential, not the credential:
#: `PASSWORD_FILE`, `HF_TOKEN_PATH`, `SECRET_KEY_FILE`, `TOKEN_LIMIT`, `MAX_TOKEN_LENGTH`, `TOKEN_URL`...
NON_SECRET_LAST_PARTS = frozenset(
    {
        "FILE",
        "FILES",
        "PATH",
        "DIR",
        "DIRECTORY",
        "LOCATION",
        "MOUNT",
        "LENGTH",
        "LEN",
        "LIMIT",
        "COUNT",
        "SIZE",
        "MIN",
        "MAX",
        "URL",
        "URI",
        "ENDPOINT",
        "HOST",
        "PORT",
        "NAME",
        "ID",
        "TYPE",
        "HEADER",
        "PREFIX",
        "ENABLED",
        "REQUIRED",
        "TTL",
        "TIMEOUT",
        "EXPIRY",
        "EXPIRES",
        "LIFETIME",
        "VERSION",
        "ALGORITHM",
        "FORMAT",
        "MODE",
        "USER",
        "USERNAME",
    }
)

#: A part that makes the variable a quantity or a switch: `MAX_TOKEN`, `NUM_TOKEN`, `USE_AUTH_TOKEN`,
#: `HF_HUB_DISABLE_IMPLICIT_TOKEN`.
NON_SECRET_ANY_PARTS = frozenset({"MAX", "MIN", "NUM", "N", "USE", "ENABLE", "DISABLE", "NO"})

#: Values that cannot be a credential: switches and "unset" spellings.
NON_SECRET_VALUES = frozenset(
    {"true", "false", "yes", "no", "on", "off", "0", "1", "none", "null", "nil", "undefined", "''", '""'}
)


def _name_parts(name: str) -> list[str]:
    return [part for part in re.split(r"[^A-Z0-9]+", name.upper()) if part]


def is_secret_name(name: str, extra_patterns: tuple[str, ...] = ()) -> bool:
    """Whether a variable name looks like it holds a credential (see the constants above)."""
    upper = name.upper()
    if any(fnmatchcase(upper, pattern.upper()) for pattern in extra_patterns):
        return True
    parts = _name_parts(name)
    if not parts or parts[-1] in NON_SECRET_LAST_PARTS or NON_SECRET_ANY_PARTS.intersection(parts):
        return False
    for index, part in enumerate(parts):
        if part in SECRET_PARTS or part.endswith(SECRET_PART_SUFFIXES):
            return True
        if part == "KEY" and index > 0 and parts[index - 1] in KEY_QUALIFIERS:
            return True
    return False


def is_literal_secret_value(value: str | None) -> bool:
    """A value that is a literal (not empty, not a `$VAR` reference, not a switch, a path or a plain URL)."""
    if value is None:
        return False
    value = value.strip()
    if not value or "$" in value or value.lower() in NON_SECRET_VALUES:
        return False
    if value.startswith(("/", "~/", "./", "../", "file:")):  # `GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/x`
        return False
    return not (re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*://", value) and url_password(value) is None)
