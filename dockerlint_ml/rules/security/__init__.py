"""ML3xx: security.

Rules about what the image *is* (who it runs as, whether it ships an SSH server, world-writable files)
look at shipped stages; rules about secrets look at every stage (a literal credential leaks through version
control and build history wherever it stands) and at global ARGs and ONBUILD triggers too.

One module per rule (``mlNNN_<name>.py``); ``RULES`` is discovered from them, ordered by ID. The names
below are re-exported so the old import paths keep working.
"""

from __future__ import annotations

from ..base import rules_in_package
from ._shared import (
    CREDENTIAL_FORMATS,
    KEY_QUALIFIERS,
    NON_SECRET_ANY_PARTS,
    NON_SECRET_LAST_PARTS,
    NON_SECRET_VALUES,
    SECRET_MOUNT_HINT,
    SECRET_PART_SUFFIXES,
    SECRET_PARTS,
    URL_PASSWORD,
    find_credential,
    is_literal_secret_value,
    is_secret_name,
    mask,
    url_password,
)
from .ml301_runs_as_root import RunsAsRoot
from .ml302_secret_in_env_or_arg import SecretInEnvOrArg
from .ml303_secret_file_copied import (
    SECRET_DIRS,
    SECRET_FILE_PATTERNS,
    SECRET_PATH_SUFFIXES,
    SecretFileCopied,
    secret_file_kind,
)
from .ml304_secret_in_run import ATTACHED_P_TOOLS, PASSWORD_P_TOOLS, SECRET_OPTIONS, SecretInRun
from .ml305_pipe_to_shell import INTERPRETERS, PipeToShell
from .ml306_tls_verification_disabled import TlsVerificationDisabled
from .ml307_add_instead_of_copy import ARCHIVE_SUFFIXES, AddInsteadOfCopy
from .ml308_sudo_in_run import SudoInRun
from .ml309_world_writable import WorldWritable, world_writable_mode
from .ml310_ssh_exposed import SSH_SERVER_PACKAGES, SshExposed

__all__ = [
    "ARCHIVE_SUFFIXES",
    "ATTACHED_P_TOOLS",
    "CREDENTIAL_FORMATS",
    "INTERPRETERS",
    "KEY_QUALIFIERS",
    "NON_SECRET_ANY_PARTS",
    "NON_SECRET_LAST_PARTS",
    "NON_SECRET_VALUES",
    "PASSWORD_P_TOOLS",
    "SECRET_DIRS",
    "SECRET_FILE_PATTERNS",
    "SECRET_MOUNT_HINT",
    "SECRET_OPTIONS",
    "SECRET_PARTS",
    "SECRET_PART_SUFFIXES",
    "SECRET_PATH_SUFFIXES",
    "SSH_SERVER_PACKAGES",
    "URL_PASSWORD",
    "AddInsteadOfCopy",
    "PipeToShell",
    "RunsAsRoot",
    "SecretFileCopied",
    "SecretInEnvOrArg",
    "SecretInRun",
    "SshExposed",
    "SudoInRun",
    "TlsVerificationDisabled",
    "WorldWritable",
    "find_credential",
    "is_literal_secret_value",
    "is_secret_name",
    "mask",
    "secret_file_kind",
    "url_password",
    "world_writable_mode",
]

RULES = rules_in_package(__name__, __path__)
