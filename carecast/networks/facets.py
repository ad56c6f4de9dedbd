"""Bluesky rich-text facets (app.bsky.richtext.facet) with UTF-8 byte offsets.

PLACEHOLDER — replaced by the implementation that passes conformance/bluesky/facets.json.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def detect_facets(text: str, resolve_handle: Callable[[str], str | None]) -> list[dict[str, Any]]:
    return []
