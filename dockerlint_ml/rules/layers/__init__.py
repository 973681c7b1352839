"""ML1xx: build cache and layer order.

One module per rule (``mlNNN_<name>.py``); ``RULES`` is discovered from them, ordered by ID. The names
below are re-exported so the old import paths keep working.
"""

from __future__ import annotations

from ..base import rules_in_package
from ._shared import context_sources, is_manifest, is_source_copy
from .ml101_source_before_dependencies import SourceBeforeDependencies, manifest_origin
from .ml102_apt_update_alone import AptUpdateAlone
from .ml103_model_fetch_after_source import ModelFetchAfterSource

__all__ = [
    "AptUpdateAlone",
    "ModelFetchAfterSource",
    "SourceBeforeDependencies",
    "context_sources",
    "is_manifest",
    "is_source_copy",
    "manifest_origin",
]

RULES = rules_in_package(__name__, __path__)
