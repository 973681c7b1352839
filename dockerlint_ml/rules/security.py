"""ML3xx: security.

Rules about what the image *is* (who it runs as, whether it ships an SSH server, world-writable files)
look at shipped stages; rules about secrets look at every stage (a literal credential leaks through version
control and build history wherever it stands) and at global ARGs and ONBUILD triggers too.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from fnmatch import fnmatchcase
from typing import Any, ClassVar

from ..baseimages import known_base
from ..model import ImageRef, Instruction, Severity, ShellCommand, Span, Stage, Word
from ..roles import SERVICES
from ..runtime import startup as container_startup
from ..shell import SHELLS
from ..text import expand
from .base import Problem, Rule, RuleContext
from .common import copy_sources, final_user, is_root_user, workdir_before

SECRET_MOUNT_HINT = "`RUN --mount=type=secret,id=...` (BuildKit secrets never enter a layer or the history)"

# ---------------------------------------------------------------------------------------------------------
# Credentials: what a secret looks like by name and by format


#: Known credential formats, matched anywhere in a value or shell word, whatever the variable is called.
CREDENTIAL_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
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
#: Formats whose prefix is short enough that ordinary words could start with it: the match must also mix
#: upper and lower case (real tokens are random; `hf_hub_download...` and `sk-learn-...` are not).
_NEEDS_MIXED_CASE = frozenset({"Hugging Face token", "API key"})

#: ``scheme://user:password@host`` with a literal password (not ``$VAR``/``${VAR}``).
URL_PASSWORD = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://([^/\s:@]*):([^/\s@]+)@")


def _mixed(text: str) -> bool:
    return any(c.islower() for c in text) and any(c.isupper() for c in text)


def find_credential(text: str) -> tuple[str, str] | None:
    """``(kind, matched text)`` for the first known credential format in ``text``."""
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


def _env_arg_instructions(ctx: RuleContext) -> Iterator[Instruction]:
    """Every ENV/ARG of the file: global ARGs, every stage, and ONBUILD triggers."""
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword in ("ENV", "ARG"):
            yield instruction
        elif instruction.onbuild is not None and instruction.onbuild.keyword in ("ENV", "ARG"):
            yield instruction.onbuild


# ---------------------------------------------------------------------------------------------------------
# ML301


#: Runtime directories an unprivileged user must be able to write (hub caches, model dirs).
_WRITABLE_ENV = ("HF_HOME", "HUGGINGFACE_HUB_CACHE", "HF_HUB_CACHE", "TRANSFORMERS_CACHE", "TORCH_HOME",
                 "XDG_CACHE_HOME", "MODEL_DIR", "MODEL_PATH", "MODEL_STORE")  # fmt: skip


def _runtime_dirs(ctx: RuleContext) -> list[str]:
    """Directories the image writes at run time, from ENV (hub caches, model dirs) and VOLUME."""
    final = ctx.final_stage
    found: list[str] = []
    workdirs = [i for stage in (ctx.lineage(final) if final else []) for i in stage.of("WORKDIR")]
    if workdirs:  # the program's working directory: servers and jobs write there (caches, logs, outputs)
        base = ctx.base_image
        base_workdir = (base.workdir or "/") if base is not None else None
        workdir = workdir_before(ctx.dockerfile, final, workdirs[-1], base_workdir) if final else None
        last = workdirs[-1]
        text, resolved = expand(last.arguments[0].text, last.scope) if last.arguments else ("", False)
        path = text if text.startswith("/") else (posixpath.join(workdir, text) if workdir and resolved else "")
        if resolved and path and path != "/":
            found.append(posixpath.normpath(path))
    for stage in ctx.lineage(final) if final else []:
        for instruction in stage.of("ENV", "VOLUME"):
            if instruction.keyword == "ENV":
                values = [v for k, v, _ in instruction.pairs() if k in _WRITABLE_ENV and v]
            else:
                values = list(instruction.exec_form or (w.text for w in instruction.arguments))
            for value in values:
                text, resolved = expand(value.strip("\"'"), instruction.scope)
                if resolved and text.startswith("/") and text not in found:
                    found.append(text)
    return found


def _relative_paths_at_start(ctx: RuleContext) -> bool:
    """The CMD/ENTRYPOINT names relative paths (`python Serving/app.py lac_model/`) and no WORKDIR is set."""
    final = ctx.final_stage
    lineage = ctx.lineage(final) if final else []
    if any(stage.of("WORKDIR") for stage in lineage):
        return False
    for _at, argv in container_startup(lineage).argvs():
        if any("/" in arg and not arg.startswith(("/", "-", "$", "http")) for arg in argv[1:]):
            return True
    return False


def _paths_under_root(ctx: RuleContext) -> list[str]:
    """Entries of PATH/PYTHONPATH/LD_LIBRARY_PATH (or a VIRTUAL_ENV) under /root in the final image."""
    final = ctx.final_stage
    found: list[str] = []
    for stage in ctx.lineage(final) if final else []:
        for instruction in stage.of("ENV"):
            for key, value, _word in instruction.pairs():
                if key not in ("PATH", "PYTHONPATH", "LD_LIBRARY_PATH", "VIRTUAL_ENV", "PYTHONHOME") or not value:
                    continue
                text = expand(value.strip("\"'"), instruction.scope)[0]
                for entry in text.split(":"):
                    if entry.startswith("/root/") and entry not in found:
                        found.append(entry.rstrip("/"))
    return found


def _is_alpine(image: ImageRef | None) -> bool:
    """Alpine has busybox `adduser`, no `useradd`."""
    if image is None:
        return False
    return image.name == "alpine" or "alpine" in (image.tag or "").split("-") or (image.tag or "").startswith("alpine")


def _free_uid(taken: Iterable[int]) -> int:
    uid, used = 1000, set(taken)
    while uid in used:
        uid += 1
    return uid


class RunsAsRoot(Rule):
    """The image runs as root: the final stage (with the stages it is built ``FROM``) sets no ``USER``, or
    the last ``USER`` is ``root``/``0``. A ``USER`` given by a variable of unknown value, or a base image
    known to run as non-root (base-image knowledge: jupyter's ``jovyan``, torchserve's ``model-server``,
    ``*:nonroot`` distroless, chainguard), keeps the rule silent. Only for images that run a service or a
    job (roles ``serving`` and ``batch``): a dev container, CI runner, training rig or base image runs as
    root by design."""

    id = "ML301"
    name = "runs-as-root"
    severity = Severity.WARNING
    summary = "the image runs as root"
    tags = ("security",)
    roles = SERVICES

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        final = ctx.final_stage
        if final is None:
            return
        found = final_user(ctx)
        if found is None:
            image = ctx.lineage(final)[0].image
            if image is None or not image.resolved:
                return  # FROM an unknown image (ARG without value): it may set its own USER
            if image.is_scratch and not any(
                i.keyword in ("CMD", "ENTRYPOINT") for stage in ctx.lineage(final) for i in stage.body
            ):
                return  # a scratch stage with nothing to run only carries files out (`--output`, `COPY --from`)
            if image.tag and "nonroot" in image.tag.lower():
                return
            base = ctx.base_image
            if base is not None and (base.user or base.dev_user):
                return  # the base runs as (or hands the session to) its own unprivileged user
            yield self.problem(
                final.from_instruction,
                "the image runs as root (no `USER` in the final stage): " + self._advice(ctx, image.is_scratch),
            )
            return
        last, user = found
        if user is None or not is_root_user(user):
            return
        base = ctx.base_image
        if base is not None and base.user and not is_root_user(base.user):
            advice = f"switch back to the base image's user after the steps that need root: `USER {base.user}`"
        else:
            advice = "switch to an unprivileged user after the steps that need root: " + self._advice(ctx, False)
        yield self.problem(last, f"the image runs as root (`USER {last.arguments[0].text}` is the last USER): {advice}")

    @staticmethod
    def _advice(ctx: RuleContext, scratch: bool) -> str:
        base = ctx.base_image
        image = ctx.lineage(ctx.final_stage)[0].image if ctx.final_stage else None
        no_shell = scratch or (image is not None and "distroless" in (image.registry or "") + image.repository)
        if no_shell:
            return "the image has no shell or `useradd`, so set a numeric user: `USER 65532:65532`"
        taken = dict(base.uids) if base is not None else {}
        uid = _free_uid(taken)
        note = f" (uid 1000 is `{taken[1000]}` in `{base.key}`)" if base is not None and 1000 in taken else ""
        create = f"adduser -D -u {uid} app" if _is_alpine(image) else f"useradd --create-home --uid {uid} app"
        advice = f"create an unprivileged user and switch to it before CMD, e.g. `RUN {create}` then `USER app`{note}"
        dirs = _runtime_dirs(ctx)
        under_root = _paths_under_root(ctx)
        if under_root:
            advice += (
                f"; first move `{under_root[0]}` out of /root (mode 700: an unprivileged user cannot read it, "
                "and the image's PATH/LD_LIBRARY_PATH point there)"
            )
        elif _relative_paths_at_start(ctx):
            advice += ", and run it from a `WORKDIR` that user owns (its command uses relative paths)"
        if dirs:
            shown = " ".join(dirs)
            advice += (
                f", and give it the directories it may write at run time (its WORKDIR, caches, volumes): "
                f"`RUN mkdir -p {shown} && chown app {shown}`"
            )
        return advice


# ---------------------------------------------------------------------------------------------------------
# ML302


_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeio" else "a"


def _copied_credential(value: str | None, instruction: Instruction, extra: tuple[str, ...]) -> str | None:
    """The credential-named ARG/ENV that ``ENV X=$NAME`` copies (declared earlier in scope), or None."""
    for name in _REFERENCE.findall(value or ""):
        if name in instruction.scope and is_secret_name(name, extra):
            return name
    return None


class SecretInEnvOrArg(Rule):
    """A credential in ``ENV``/``ARG``: a credential-looking name with a literal value, or any value in a
    known credential format. ``ARG`` of a credential without a literal default is a warning: the value
    passed with ``--build-arg`` is still recorded in the image history."""

    id = "ML302"
    name = "secret-in-env-or-arg"
    severity = Severity.ERROR
    summary = "a credential is set with ENV or ARG"
    tags = ("security", "secrets")
    options: ClassVar[dict[str, Any]] = {"extra-secret-names": []}

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        extra = tuple(str(p) for p in ctx.options(self).get("extra-secret-names") or ())
        global_args = set(ctx.dockerfile.global_args)
        for instruction in _env_arg_instructions(ctx):
            keyword = instruction.keyword
            for name, value, word in instruction.pairs():
                found = find_credential(value) if value else None
                password = url_password(value) if value else None
                if found is not None:
                    kind, secret = found
                    yield self.problem(
                        word,
                        f"`{keyword} {name}` holds {_article(kind)} {kind} (`{mask(secret)}`): anyone with the image "
                        f"or the Dockerfile can read it; revoke it and pass it at build time with {SECRET_MOUNT_HINT} "
                        "or at run time (`docker run -e`, a mounted secret)",
                    )
                elif password is not None:
                    yield self.problem(
                        word,
                        f"`{keyword} {name}` holds a URL with a password (`{mask(password)}`): pass the credential "
                        f"with {SECRET_MOUNT_HINT} or at run time instead",
                    )
                elif keyword == "ENV" and (copied := _copied_credential(value, instruction, extra)):
                    yield self.problem(
                        word,
                        f"`ENV {name}` copies the credential `{copied}` into the environment: an ENV value is stored "
                        "in the image config (`docker inspect` shows it) and every container inherits it; read it "
                        f"only in the RUN that needs it with {SECRET_MOUNT_HINT}, e.g. "
                        f"`RUN --mount=type=secret,id={copied.lower()},env={copied} ...`",
                    )
                elif not is_secret_name(name, extra):
                    continue
                elif is_literal_secret_value(value):
                    assert value is not None
                    yield self.problem(
                        word,
                        f"`{keyword} {name}` sets a credential to a literal value (`{mask(value)}`): it is stored in "
                        f"the image and the Dockerfile; pass it with {SECRET_MOUNT_HINT} or at run time "
                        "(`docker run -e`, a mounted secret)",
                    )
                elif (
                    keyword == "ARG"
                    and (value is None or not value.strip() or "$" in value)
                    and not (instruction.stage_index is not None and name in global_args)
                ):
                    yield self.problem(
                        word,
                        f"`ARG {name}` receives a credential with `--build-arg`, which is recorded in the image "
                        f"history (`docker history`): use {SECRET_MOUNT_HINT}, e.g. "
                        f"`RUN --mount=type=secret,id={name.lower()},env={name} ...`",
                        severity=Severity.WARNING,
                    )


# ---------------------------------------------------------------------------------------------------------
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
            for source in copy_sources(instruction):
                kind = secret_file_kind(source.text)
                if kind is None:
                    continue
                yield self.problem(
                    source,
                    f"{instruction.keyword} of {kind} puts credentials in an image layer (deleting it later does "
                    f"not remove it): keep it out of the image and use {SECRET_MOUNT_HINT}, or mount it at run "
                    "time; add it to `.dockerignore`",
                )


# ---------------------------------------------------------------------------------------------------------
# ML304


#: Options whose value is a credential in any tool (`--token hf_...`, `--password=...`).
SECRET_OPTIONS = frozenset(
    {
        "--token",
        "--password",
        "--passwd",
        "--api-key",
        "--apikey",
        "--api-token",
        "--auth-token",
        "--access-token",
        "--client-secret",
        "--secret-key",
        "--http-password",
        "--ftp-password",
        "--proxy-password",
    }
)
#: Tools where `-p VALUE` is a password (elsewhere `-p` is a port, a prefix or `mkdir -p`).
PASSWORD_P_TOOLS = frozenset({"docker", "podman", "buildah", "skopeo", "twine", "helm", "nerdctl", "crane"})
#: `-pVALUE` (attached only) is a password for these.
ATTACHED_P_TOOLS = frozenset({"mysql", "mariadb", "mysqldump", "mysqladmin"})
#: `echo ... > FILE` with literal content writes a credential when FILE is one of these and the content has
#: the marker (`.npmrc` with only `registry=` is configuration, not a secret).
CREDENTIAL_FILE_WRITES = (
    (re.compile(r"(?:^|/)[._]netrc$"), "password"),
    (re.compile(r"(?:^|/)\.pypirc$"), "password"),
    (re.compile(r"(?:^|/)\.npmrc$"), "_auth"),
    (re.compile(r"(?:^|/)\.git-credentials$"), "@"),
    (re.compile(r"huggingface/token$"), ""),
    (re.compile(r"(?:^|/)kaggle\.json$"), "key"),
    (re.compile(r"(?:^|/)\.aws/credentials$"), "secret"),
    (re.compile(r"(?:^|/)\.docker/config\.json$"), "auth"),
)


def _literal(word: Word | None) -> bool:
    """A literal credential value: not a `$VAR` reference, and not empty, a switch, a path or a plain URL."""
    return word is not None and not word.has_expansion and is_literal_secret_value(word.text)


def _option_values(command: ShellCommand) -> Iterator[tuple[str, Word]]:
    """``(option, value word)`` for every ``--opt VALUE`` / ``--opt=VALUE`` of any command."""
    words = command.words
    for index, word in enumerate(words[1:], start=1):
        text = word.text
        if not text.startswith("-"):
            continue
        name, equals, value = text.partition("=")
        if equals:
            yield name, Word(value, word.raw, word.span)
        elif index + 1 < len(words):
            yield name, words[index + 1]


class SecretInRun(Rule):
    """A RUN command line that carries a literal credential: URL userinfo with a password, `--token`/
    `--password` with a literal value, `wandb login KEY`, a token in a known format anywhere, or `echo` of a
    literal into a credential file. `$VAR` references are not literals (the ARG they come from is ML302's)."""

    id = "ML304"
    name = "secret-in-run"
    severity = Severity.ERROR
    summary = "a RUN command line carries a literal credential"
    tags = ("security", "secrets")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN"):
            seen: set[Span] = set()  # a wrapped command (`sudo docker login -p ...`) shares its words
            for command in instruction.commands:
                for word, secret, what in self._findings(command):
                    if word.span in seen:
                        continue
                    seen.add(word.span)
                    yield self.problem(
                        word,
                        f"RUN carries {what} (`{mask(secret)}`): the command line is stored in the image history "
                        f"and the Dockerfile; use {SECRET_MOUNT_HINT} and read it from the secret file or env",
                    )

    def _findings(self, command: ShellCommand) -> Iterator[tuple[Word, str, str]]:
        words = command.words
        nested = command.name in SHELLS or command.name == "su"
        for word in words[1:]:
            if nested and any(c.isspace() for c in word.text):
                continue  # the script of `sh -c '...'`: its own commands are checked, not the string
            found = find_credential(word.text)
            if found is not None:
                yield word, found[1], f"a {found[0]}"
            password = url_password(word.text)
            if password is not None:
                yield word, password, "a URL with a password"
        for name, value in command.assignments:
            found = find_credential(value)
            if (
                found is not None
                or url_password(value) is not None
                or (is_secret_name(name) and is_literal_secret_value(value))
            ):
                # `export NAME=...` has the assignment among its words; `NAME=... cmd` does not
                at = next((w for w in words[1:] if w.raw.startswith(f"{name}=")), None)
                yield at or Word(value, value, command.span), value, f"a credential in `{name}=`"
        for option, value in _option_values(command):
            if option in SECRET_OPTIONS and _literal(value):
                yield value, value.text, f"a literal `{option}`"
            elif option in ("-u", "--user") and command.name == "curl" and _literal(value):
                _user, colon, password = value.text.partition(":")
                if colon and password:
                    yield value, password, "a literal `curl --user user:password`"
        name = command.name
        argv = command.argv
        if name in PASSWORD_P_TOOLS:
            for index, word in enumerate(words[1:-1], start=1):
                if word.text == "-p" and _literal(words[index + 1]):
                    yield words[index + 1], words[index + 1].text, "a literal `-p` password"
        if name in ATTACHED_P_TOOLS:
            for word in words[1:]:
                if word.text.startswith("-p") and len(word.text) > 2 and _literal(word):
                    yield word, word.text[2:], "a literal `-p` password"
        if command.tool == "wandb" and command.subcommand == "login" and command.invocation:
            key = next(iter(command.invocation.positionals), None)
            if _literal(key):
                assert key is not None
                yield key, key.text, "a literal `wandb login` key"
        if (
            name == "aws"
            and argv[1:3] == ("configure", "set")
            and len(words) > 4
            and is_secret_name(argv[3].rsplit(".", 1)[-1])
            and _literal(words[4])
        ):
            yield words[4], words[4].text, f"a literal `{argv[3]}`"
        if command.tool == "poetry" and command.subcommand == "config" and command.invocation:
            positionals = command.invocation.positionals
            key = positionals[0].text if positionals else ""
            position = 2 if key.startswith("http-basic.") else 1 if key.startswith("pypi-token.") else 0
            if position and len(positionals) > position and _literal(positionals[position]):
                yield positionals[position], positionals[position].text, f"a literal `poetry config {key}` credential"
        for index, word in enumerate(words[1:], start=1):  # npm/yarn `//registry/:_authToken=VALUE`
            key, equals, value = word.text.partition("=")
            if key.endswith(("_authToken", "_auth", "_password")):
                if equals and value and "$" not in word.raw:
                    yield word, value, "a literal registry token"
                elif not equals and index + 1 < len(words) and _literal(words[index + 1]):
                    yield words[index + 1], words[index + 1].text, "a literal registry token"
        if name in ("echo", "printf") and command.redirects:
            content = " ".join(w.text for w in words[1:] if not w.text.startswith("-"))
            if not content or any(w.has_expansion for w in words[1:]):
                return
            for redirect in command.redirects:
                if not redirect.operator.startswith(">"):
                    continue
                for pattern, marker in CREDENTIAL_FILE_WRITES:
                    if pattern.search(redirect.target) and marker in content.lower():
                        yield words[1], content, f"a literal written to `{redirect.target}`"


# ---------------------------------------------------------------------------------------------------------
# ML305


INTERPRETERS = re.compile(r"(?:sh|bash|dash|zsh|ash|ksh|python[\d.]*|perl|ruby|node|php)")


def _inline_letters(name: str) -> str:
    """Option letters that give an interpreter its program inline, so stdin is data, not code."""
    if name.startswith("python"):
        return "cm"  # `| python3 -c "import json,sys; ..."`, `| python -m json.tool`
    if name in ("perl", "ruby"):
        return "eE"
    if name == "node":
        return "ep"
    if name == "php":
        return "r"
    return "c"  # shells


def _downloads_to_stdout(command: ShellCommand) -> bool:
    invocation = command.invocation
    if invocation is None or not invocation.positionals:
        return False
    if command.tool == "curl":
        if invocation.has_flag("-O", "--remote-name", "--remote-name-all"):
            return False
        return all(value == "-" for value in invocation.values("-o", "--output"))
    if command.tool == "wget":
        return "-" in invocation.values("-O", "--output-document")
    return False


def _runs_stdin(command: ShellCommand) -> bool:
    """Whether an interpreter reads its program from stdin (`sh`, `bash -s -- args`, `python3 -`)."""
    if not INTERPRETERS.fullmatch(command.name):
        return False
    inline = _inline_letters(command.name)
    for word in command.words[1:]:
        text = word.text
        if text in ("-", "-s", "/dev/stdin"):
            return True
        if text in ("--eval", "--print", "--command"):
            return False
        if text.startswith("--"):
            continue
        if text.startswith("-"):
            if any(letter in inline for letter in text[1:]):
                return False
            if "s" in text[1:] and command.name.endswith("sh"):
                return True
            continue
        return False  # a script file: stdin is its input
    return True


_SUBSTITUTED_DOWNLOAD = re.compile(r"^[\"']?(?:\$\(|<\()\s*(?:curl|wget)\b")


#: Installers with a pinned, verifiable alternative: URL fragment -> advice.
_PINNED_INSTALLERS = (
    ("astral.sh/uv", "copy a pinned uv from its image instead: "
     "`COPY --from=ghcr.io/astral-sh/uv:<version> /uv /uvx /bin/`"),
    ("astral.sh/ruff", "copy a pinned ruff from its image: `COPY --from=ghcr.io/astral-sh/ruff:<version> /ruff /bin/`"),
    ("sh.rustup.rs", "download `rustup-init` for your target from static.rust-lang.org, check it against its "
     "published `.sha256`, and run it with `--default-toolchain <version>`"),
    ("install.python-poetry.org", "install a pinned Poetry with pip instead "
     "(`pip install --no-cache-dir poetry==<version>`)"),
    ("get.docker.com", "install Docker from its apt repository with the signed key instead"),
    ("deb.nodesource.com", "use a pinned `node:<version>` stage (`COPY --from=node:<version>-slim ...`) "
     "or the signed apt repository"),
)  # fmt: skip


def _pinned_alternative(download: ShellCommand) -> str:
    urls = " ".join(word.text for word in download.words[1:])
    for fragment, advice in _PINNED_INSTALLERS:
        if fragment in urls:
            return advice
    return "download to a file, check its sha256 (or signature), then run it"


class PipeToShell(Rule):
    """A download executed unseen: `curl … | sh`, `wget -O- … | bash`, `| python`, or `sh -c "$(curl …)"` /
    `bash <(curl …)`. `curl … | python -c "…json…"` (stdin is data) is not reported."""

    id = "ML305"
    name = "pipe-to-shell"
    severity = Severity.WARNING
    summary = "a download is piped into a shell or interpreter"
    tags = ("security", "supply-chain")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("RUN"):
            commands = instruction.commands
            pipelines: dict[int, list[ShellCommand]] = {}  # by pipeline id: linear for a RUN of 50 000 commands
            for command in commands:
                pipelines.setdefault(command.pipeline, []).append(command)
            for download in commands:
                if not _downloads_to_stdout(download):
                    continue
                runner = next(
                    (c for c in pipelines[download.pipeline] if c.pipe_index > download.pipe_index and _runs_stdin(c)),
                    None,
                )
                if runner is not None:
                    yield self.problem(
                        download.span.cover(runner.span),
                        f"`{download.name} … | {runner.name}` runs whatever the server returns, unverified: "
                        + _pinned_alternative(download),
                    )
            for command in commands:
                if INTERPRETERS.fullmatch(command.name) and any(
                    _SUBSTITUTED_DOWNLOAD.match(w.raw) for w in command.words[1:]
                ):
                    yield self.problem(
                        command,
                        f"`{command.name}` runs a script straight from a download, unverified: download to a file, "
                        "check its sha256 (or signature), then run it",
                    )


# ---------------------------------------------------------------------------------------------------------
# ML306


_FALSE = frozenset({"false", "0", "no", "off"})


def _insecure_env(name: str, value: str | None) -> bool:
    """Whether an environment variable turns TLS verification off."""
    if value is None or "$" in value:
        return False
    value = value.strip().strip("'\"").lower()
    name = name.upper()
    if name in ("PIP_TRUSTED_HOST", "UV_INSECURE_HOST"):
        return bool(value)
    if name in ("PYTHONHTTPSVERIFY", "NODE_TLS_REJECT_UNAUTHORIZED"):
        return value == "0"
    if name == "GIT_SSL_NO_VERIFY":  # git only checks that it is set
        return bool(value)
    if name in ("NPM_CONFIG_STRICT_SSL", "CONDA_SSL_VERIFY", "YARN_STRICT_SSL", "CURL_INSECURE"):
        return value in _FALSE
    return False


_GIT_SSL_KEY = re.compile(r"http\.(?:.+\.)?sslverify", re.IGNORECASE)
_APT_VERIFY = re.compile(r"Acquire::https?::(?:.+::)?Verify-(?:Peer|Host)\s*=?\s*\"?(?:false|0|no)", re.IGNORECASE)


class TlsVerificationDisabled(Rule):
    """TLS certificate checks turned off for a download tool or package manager, in a RUN command or through
    ENV/ARG: `curl -k`, `wget --no-check-certificate`, pip/uv `--trusted-host`, `PIP_TRUSTED_HOST`,
    `PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY`, git `http.sslVerify false`, npm/yarn `strict-ssl false`,
    conda `ssl_verify false`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, apt `Verify-Peer=false`."""

    id = "ML306"
    name = "tls-verification-disabled"
    severity = Severity.ERROR
    summary = "TLS certificate verification is disabled"
    tags = ("security", "supply-chain")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        fix = "fix the certificate chain instead (install the CA into the system store, or point the tool at it)"
        for instruction in _env_arg_instructions(ctx):
            for name, value, word in instruction.pairs():
                if _insecure_env(name, value):
                    yield self.problem(
                        word, f"`{instruction.keyword} {name}={value}` disables TLS certificate checks: {fix}"
                    )
        for _instruction, command in ctx.commands():
            for name, value in command.assignments:
                if _insecure_env(name, value):
                    yield self.problem(command, f"`{name}={value}` disables TLS certificate checks: {fix}")
            if command.name == "env":
                for word in command.words[1:]:
                    name, equals, value = word.text.partition("=")
                    if equals and _insecure_env(name, value):
                        yield self.problem(word, f"`{word.text}` disables TLS certificate checks: {fix}")
            found = self._insecure(command)
            if found is not None:
                at, what = found
                yield self.problem(at, f"{what} disables TLS certificate checks: {fix}")

    def _insecure(self, command: ShellCommand) -> tuple[ShellCommand | Word | Span, str] | None:
        invocation = command.invocation
        argv = [w.text for w in command.words]
        lowered = [a.lower() for a in argv]
        tool = command.tool
        if invocation is not None:
            if tool == "curl":
                option = invocation.option("-k", "--insecure", "--proxy-insecure")
                if option is not None:
                    return option.span, f"`curl {option.name}`"
            if tool == "wget":
                option = invocation.option("--no-check-certificate")
                if option is not None:
                    return option.span, "`wget --no-check-certificate`"
            if tool in ("pip", "uv"):
                option = invocation.option("--trusted-host", "--allow-insecure-host")
                if option is not None:
                    return option.span, f"`{tool} {option.name}`"
                if command.subcommand == "config set" and invocation.positionals:
                    key = invocation.positionals[0].text
                    if key.endswith(".trusted-host"):
                        return invocation.positionals[0], f"`pip config set {key}`"
            if tool == "git":
                for value in invocation.values("-c"):
                    key, _, setting = value.partition("=")
                    if _GIT_SSL_KEY.fullmatch(key) and setting.lower() in _FALSE:
                        return command, f"`git -c {value}`"
                if command.subcommand == "config":
                    positionals = invocation.positionals
                    if (
                        len(positionals) >= 2
                        and _GIT_SSL_KEY.fullmatch(positionals[0].text)
                        and positionals[1].text.lower() in _FALSE
                    ):
                        return command, f"`git config {positionals[0].text} {positionals[1].text}`"
            if tool in ("conda", "mamba", "micromamba"):
                for index, text in enumerate(lowered[:-2]):
                    if text in ("--set", "set") and lowered[index + 1] == "ssl_verify" and lowered[index + 2] in _FALSE:
                        return command, f"`{command.name} config {text} ssl_verify {argv[index + 2]}`"
            if tool == "apt-get":
                for value in invocation.values("-o", "--option"):
                    if _APT_VERIFY.search(value):
                        return command, f"`apt-get -o {value}`"
        if command.name in ("npm", "yarn", "pnpm"):
            for index, text in enumerate(lowered):
                if text in ("strict-ssl", "--strict-ssl") and lowered[index + 1 : index + 2] in (["false"], ["0"]):
                    return command, f"`{command.name} … strict-ssl {argv[index + 1]}`"
                if text in ("strict-ssl=false", "--strict-ssl=false"):
                    return command, f"`{command.name} … {argv[index]}`"
        return None


# ---------------------------------------------------------------------------------------------------------
# ML307


#: What ADD extracts: tar archives, plain or compressed with gzip, bzip2 or xz (and zstd in newer BuildKit).
ARCHIVE_SUFFIXES = (
    ".tar",
    ".tar.gz",
    ".tgz",
    ".taz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tb2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
)
_GIT_REF_PINNED = re.compile(r"[0-9a-f]{40}|v?\d+(?:\.\d+)+[\w.+-]*")


def _is_git_source(source: str) -> bool:
    base = source.split("#", 1)[0]
    return source.startswith(("git@", "git://", "ssh://")) or base.endswith(".git")


class AddInsteadOfCopy(Rule):
    """``ADD`` used where ``COPY`` (or a verified download) serves: a local file that is not a tar archive to
    extract, a remote URL without ``--checksum``, a git source not pinned to a commit or version tag."""

    id = "ML307"
    name = "add-instead-of-copy"
    severity = Severity.WARNING
    summary = "ADD is used where COPY or a verified download serves"
    tags = ("security", "best-practice")

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for instruction in ctx.instructions("ADD"):
            checksum = instruction.flag("checksum") is not None
            local_reported = False
            for source in copy_sources(instruction):
                text, resolved = expand(source.text, instruction.scope)
                if not resolved:
                    continue  # unknown source: cannot tell
                if _is_git_source(text):
                    ref = text.partition("#")[2].split(":", 1)[0]
                    if not checksum and not _GIT_REF_PINNED.fullmatch(ref):
                        yield self.problem(
                            source,
                            "ADD of a git repository that is not pinned: the build gets whatever the branch holds "
                            "today; add `#<commit sha>` or a version tag (and `--checksum=<commit sha>`)",
                        )
                elif re.match(r"(?:https?|ftp)://", text, re.IGNORECASE):
                    if not checksum:
                        yield self.problem(
                            source,
                            "ADD of a remote URL without `--checksum`: the download is not verified; add "
                            "`--checksum=sha256:<digest>` or `RUN curl -fsSLO <url> && echo '<sha256>  <file>' | "
                            "sha256sum -c`",
                        )
                elif not text.lower().endswith(ARCHIVE_SUFFIXES) and not local_reported:
                    local_reported = True
                    note = " (ADD does not extract .zip)" if text.lower().endswith(".zip") else ""
                    yield self.problem(
                        source,
                        f"ADD of a local file or directory that is not a tar archive to extract{note}: use COPY, "
                        "which does only what it says",
                    )


# ---------------------------------------------------------------------------------------------------------
# ML308


class SudoInRun(Rule):
    """``sudo`` in a RUN that runs as a non-root user: build steps already run as the current ``USER``; switch
    users with ``USER``. A ``sudo`` while the build still runs as root is a no-op and is not reported; one
    finding per RUN."""

    id = "ML308"
    name = "sudo-in-run"
    severity = Severity.WARNING
    summary = "sudo is used in RUN"
    tags = ("security",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        for stage in ctx.dockerfile.stages:
            user = self._inherited_user(ctx, stage)
            for instruction in stage.body:
                if instruction.keyword == "USER" and instruction.arguments:
                    text, resolved = expand(instruction.arguments[0].text, instruction.scope)
                    user = text if resolved else None
                    continue
                if instruction.keyword != "RUN" or (user is not None and is_root_user(user)):
                    continue
                command = next((c for c in instruction.commands if c.name == "sudo"), None)
                if command is not None:
                    who = f"`{user}`" if user else "the current user"
                    yield self.problem(
                        command.words[0],
                        f"`sudo` in RUN (running as {who}): put `USER root` before the privileged steps and "
                        "`USER <app>` after them, and do not ship sudo in the image",
                    )

    @staticmethod
    def _inherited_user(ctx: RuleContext, stage: Stage) -> str | None:
        """The user a stage starts as: its parent stage's last USER, else the base image's (root when known)."""
        lineage = ctx.lineage(stage)[:-1]
        for parent in reversed(lineage):
            users = parent.of("USER")
            if users and users[-1].arguments:
                text, resolved = expand(users[-1].arguments[0].text, users[-1].scope)
                return text if resolved else None
        root = lineage[0] if lineage else stage
        base = known_base(root.image)
        if base is not None:
            return base.user or "root"
        return "root" if root.image is not None and root.image.resolved else None


# ---------------------------------------------------------------------------------------------------------
# ML309


def world_writable_mode(mode: str) -> bool:
    """Whether a chmod mode gives write permission to others (`777`, `0666`, `a+w`, `o+rwx`, `ugo+rwx`).
    The sticky bit (`1777`, as on /tmp) is the accepted way to share a directory and is not reported."""
    mode = mode.strip()
    if re.fullmatch(r"[0-7]{1,4}", mode):
        digits = mode.zfill(4)
        return bool(int(digits[-1]) & 2) and not (int(digits[0]) & 1)
    for clause in mode.split(","):
        match = re.fullmatch(r"([ugoa]*)((?:[-+=][rwxXst]*)+)", clause)
        if match is None:
            continue
        who, actions = match.groups()
        if not who or not ("o" in who or "a" in who):
            continue
        for op, perms in re.findall(r"([-+=])([rwxXst]*)", actions):
            if op in "+=" and "w" in perms and "t" not in perms:
                return True
    return False


class WorldWritable(Rule):
    """Files made writable by every user in a shipped stage: `chmod 777`/`0666`/`a+w`/`o+w` (also `-R`),
    `mkdir -m 777`, `install -m 777`, `COPY --chmod=777`/`ADD --chmod=...`. Sticky-bit modes (`1777`) pass."""

    id = "ML309"
    name = "world-writable"
    severity = Severity.WARNING
    summary = "files are made world-writable"
    tags = ("security",)

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        advice = (
            "give the files to the runtime user instead (`chown app:app`, `COPY --chown=app:app`) "
            "and keep them 755/644 (775 with a shared group if needed)"
        )
        for instruction in ctx.instructions("COPY", "ADD", shipped_only=True):
            for flag in instruction.flags:
                if flag.name == "chmod" and flag.value and world_writable_mode(flag.value):
                    yield self.problem(
                        flag, f"`{instruction.keyword} --chmod={flag.value}` makes files world-writable: {advice}"
                    )
        for _instruction, command in ctx.commands(shipped_only=True):
            mode = self._mode(command)
            if mode is not None and world_writable_mode(mode.text) and not mode.has_expansion:
                yield self.problem(mode, f"`{command.name} {mode.text}` makes files world-writable: {advice}")

    @staticmethod
    def _mode(command: ShellCommand) -> Word | None:
        words = command.words
        if command.name == "chmod":
            return next(
                (w for w in words[1:] if not w.text.startswith("-") or re.fullmatch(r"-[rwxXst]+", w.text)), None
            )
        if command.name in ("mkdir", "install"):
            for index, word in enumerate(words[1:], start=1):
                if word.text in ("-m", "--mode") and index + 1 < len(words):
                    return words[index + 1]
                if word.text.startswith("--mode="):
                    return Word(word.text.partition("=")[2], word.raw, word.span)
                if word.text.startswith("-m") and len(word.text) > 2 and not word.text.startswith("--"):
                    return Word(word.text[2:], word.raw, word.span)
        return None


# ---------------------------------------------------------------------------------------------------------
# ML310


SSH_SERVER_PACKAGES = {
    "apt-get": frozenset({"openssh-server", "ssh", "dropbear", "dropbear-bin"}),
    "apk": frozenset({"openssh", "openssh-server", "dropbear"}),
    "yum": frozenset({"openssh-server", "dropbear"}),
    "dnf": frozenset({"openssh-server", "dropbear"}),
    "microdnf": frozenset({"openssh-server", "dropbear"}),
    "zypper": frozenset({"openssh-server", "openssh", "dropbear"}),
}
_INSTALL_SUBCOMMANDS = frozenset({"install", "add"})


def _package_name(text: str) -> str:
    """`openssh-server=1:9.2p1-2` / `openssh~9` / `openssh-server-8.7p1` -> the bare name (best effort)."""
    return re.split(r"[=~<>]", text, maxsplit=1)[0].lower()


def _exposes_ssh(port: str) -> bool:
    number, _, protocol = port.partition("/")
    if protocol and protocol.lower() != "tcp":
        return False
    low, dash, high = number.partition("-")
    if not low.isdigit() or (dash and not high.isdigit()):
        return False
    return int(low) == 22 if not dash else int(low) <= 22 <= int(high)


class SshExposed(Rule):
    """The image exposes port 22 (an `EXPOSE` in the final stage or a stage it is built from) or installs an
    SSH server (`openssh-server`, Debian's `ssh` metapackage, Alpine's `openssh`, `dropbear`) in a shipped
    stage. The SSH client (`openssh-client`, `git` over ssh) is fine."""

    id = "ML310"
    name = "ssh-exposed"
    severity = Severity.WARNING
    summary = "the image exposes or installs an SSH server"
    tags = ("security",)
    #: a dev pod or a multi-node training image uses sshd on purpose
    roles = SERVICES

    def check(self, ctx: RuleContext) -> Iterator[Problem]:
        final = ctx.final_stage
        if final is None:
            return
        yield from self._first(ctx, final)

    def _first(self, ctx: RuleContext, final: Stage) -> Iterator[Problem]:
        """One finding per image: the EXPOSE of port 22 if there is one, else the SSH server install."""
        for stage in ctx.lineage(final):
            for instruction in stage.of("EXPOSE"):
                for word in instruction.arguments:
                    port, resolved = expand(word.text, instruction.scope)
                    if resolved and _exposes_ssh(port):
                        yield self.problem(
                            word,
                            f"`EXPOSE {word.text}` publishes SSH: do not run sshd in a deployed model container; "
                            "use `docker exec`/`kubectl exec` to get a shell",
                        )
                        return
        for _instruction, command in ctx.commands(shipped_only=True):
            packages = SSH_SERVER_PACKAGES.get(command.tool or "")
            if not packages or command.subcommand not in _INSTALL_SUBCOMMANDS or command.invocation is None:
                continue
            for word in command.invocation.positionals:
                if _package_name(word.text) in packages:
                    yield self.problem(
                        word,
                        f"`{word.text}` installs an SSH server in the image: it is attack surface with keys or "
                        "passwords to manage; use `docker exec`/`kubectl exec` (install `openssh-client` if you "
                        "only need git over ssh)",
                    )
                    return


RULES: list[type[Rule]] = [
    RunsAsRoot,
    SecretInEnvOrArg,
    SecretFileCopied,
    SecretInRun,
    PipeToShell,
    TlsVerificationDisabled,
    AddInsteadOfCopy,
    SudoInRun,
    WorldWritable,
    SshExposed,
]
