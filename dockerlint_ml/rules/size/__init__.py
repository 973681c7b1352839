"""ML2xx: image size.

One module per rule (``mlNNN_<name>.py``); ``RULES`` is discovered from them, ordered by ID. The names
below are re-exported so the old import paths keep working.
"""

from __future__ import annotations

from ..base import rules_in_package
from ._shared import (
    APT_LISTS,
    CONDA_TOOLS,
    PIP_CACHE_DIRS,
    RPM_TOOLS,
    append_clean,
    apt_spelling,
    is_apt_update,
    is_conda_install,
)
from .ml201_fat_base_image import DEBIAN_CODENAMES, FatBaseImage
from .ml202_devel_image_in_final_stage import DevelImageInFinalStage
from .ml203_alpine_with_ml_wheels import AlpineWithMlWheels
from .ml204_apt_lists_not_removed import AptListsNotRemoved, apt_lists_needed_later
from .ml205_apt_recommends import AptRecommends
from .ml206_pip_cache_kept import BUILD_TOOLING, PipCacheKept
from .ml207_conda_cache_kept import CondaCacheKept
from .ml208_os_package_cache_kept import OsPackageCacheKept
from .ml209_cleanup_in_later_layer import CleanupInLaterLayer
from .ml210_build_tools_in_final_stage import BuildToolsInFinalStage

__all__ = [
    "APT_LISTS",
    "BUILD_TOOLING",
    "CONDA_TOOLS",
    "DEBIAN_CODENAMES",
    "PIP_CACHE_DIRS",
    "RPM_TOOLS",
    "AlpineWithMlWheels",
    "AptListsNotRemoved",
    "AptRecommends",
    "BuildToolsInFinalStage",
    "CleanupInLaterLayer",
    "CondaCacheKept",
    "DevelImageInFinalStage",
    "FatBaseImage",
    "OsPackageCacheKept",
    "PipCacheKept",
    "append_clean",
    "apt_lists_needed_later",
    "apt_spelling",
    "is_apt_update",
    "is_conda_install",
]

RULES = rules_in_package(__name__, __path__)
