"""Helpers that several rules of the security family use (no other family imports them)."""

from __future__ import annotations

from collections.abc import Iterator

from ...analysis.secrets import (
    CREDENTIAL_FORMATS as CREDENTIAL_FORMATS,
)
from ...analysis.secrets import (
    KEY_QUALIFIERS as KEY_QUALIFIERS,
)
from ...analysis.secrets import (
    NON_SECRET_ANY_PARTS as NON_SECRET_ANY_PARTS,
)
from ...analysis.secrets import (
    NON_SECRET_LAST_PARTS as NON_SECRET_LAST_PARTS,
)
from ...analysis.secrets import (
    NON_SECRET_VALUES as NON_SECRET_VALUES,
)
from ...analysis.secrets import (
    SECRET_PART_SUFFIXES as SECRET_PART_SUFFIXES,
)
from ...analysis.secrets import (
    SECRET_PARTS as SECRET_PARTS,
)
from ...analysis.secrets import (
    SHORTEST_CREDENTIAL as SHORTEST_CREDENTIAL,
)
from ...analysis.secrets import (
    URL_PASSWORD as URL_PASSWORD,
)
from ...analysis.secrets import (
    find_credential as find_credential,
)
from ...analysis.secrets import (
    is_literal_secret_value as is_literal_secret_value,
)
from ...analysis.secrets import (
    is_secret_name as is_secret_name,
)
from ...analysis.secrets import (
    mask as mask,
)
from ...analysis.secrets import (
    url_password as url_password,
)
from ...lazy_re import lazy
from ...model import Instruction
from ..base import RuleContext

SECRET_MOUNT_HINT = "`RUN --mount=type=secret,id=...` (BuildKit secrets never enter a layer or the history)"


def _env_arg_instructions(ctx: RuleContext) -> Iterator[Instruction]:
    """Every ENV/ARG of the file: global ARGs, every stage, and ONBUILD triggers."""
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword in ("ENV", "ARG"):
            yield instruction
        elif instruction.onbuild is not None and instruction.onbuild.keyword in ("ENV", "ARG"):
            yield instruction.onbuild


#: credential files a RUN may write, by path suffix (``~`` and ``/root`` alike): the path to name in messages,
#: and the text that marks literal content as a credential (``.npmrc`` with only ``registry=`` is configuration)
CREDENTIAL_FILES = (
    (lazy(r"(?:^|/)[._]netrc$"), "~/.netrc", "password"),
    (lazy(r"(?:^|/)\.pypirc$"), "~/.pypirc", "password"),
    (lazy(r"(?:^|/)\.npmrc$"), "~/.npmrc", "_auth"),
    (lazy(r"(?:^|/)\.git-credentials$"), "~/.git-credentials", "@"),
    (lazy(r"huggingface/token$"), "~/.cache/huggingface/token", ""),
    (lazy(r"(?:^|/)kaggle\.json$"), "~/.kaggle/kaggle.json", "key"),
    (lazy(r"(?:^|/)\.aws/credentials$"), "~/.aws/credentials", "secret"),
    (lazy(r"(?:^|/)\.docker/config\.json$"), "~/.docker/config.json", "auth"),
)
