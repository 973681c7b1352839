"""ML6xx: model artifacts. Where the weights come from, whether they are versioned, where they are cached.

One module per rule (``mlNNN_<name>.py``); ``RULES`` is discovered from them, ordered by ID. The names
below are re-exported so the old import paths keep working.
"""

from __future__ import annotations

from ...analysis.downloads import ModelDownload, model_artifact_kind, model_downloads  # moved to analysis/
from ..base import rules_in_package
from .ml601_model_artifact_baked import ModelArtifactBaked
from .ml602_model_downloaded_at_build import ModelDownloadedAtBuild
from .ml603_model_cache_unwritable import CACHE_VARIABLES, ModelCacheUnwritable

__all__ = [
    "CACHE_VARIABLES",
    "ModelArtifactBaked",
    "ModelCacheUnwritable",
    "ModelDownload",
    "ModelDownloadedAtBuild",
    "model_artifact_kind",
    "model_downloads",
]

RULES = rules_in_package(__name__, __path__)
