"""ML7xx: reproducibility. The same Dockerfile should build the same image next month.

One module per rule (``mlNNN_<name>.py``); ``RULES`` is discovered from them, ordered by ID. The names
below are re-exported so the old import paths keep working.
"""

from __future__ import annotations

from ..base import rules_in_package
from ._shared import ArgOrigin, arg_origin
from .ml701_base_image_unpinned import BaseImageUnpinned, moving_tag
from .ml702_base_image_no_digest import BaseImageNoDigest
from .ml703_pip_unpinned import PipUnpinned, requirement_pinned
from .ml704_apt_unpinned import AptUnpinned
from .ml705_eol_base_image import EolBaseImage
from .ml706_unpinned_remote_download import UnpinnedRemoteDownload

__all__ = [
    "AptUnpinned",
    "ArgOrigin",
    "BaseImageNoDigest",
    "BaseImageUnpinned",
    "EolBaseImage",
    "PipUnpinned",
    "UnpinnedRemoteDownload",
    "arg_origin",
    "moving_tag",
    "requirement_pinned",
]

RULES = rules_in_package(__name__, __path__)
