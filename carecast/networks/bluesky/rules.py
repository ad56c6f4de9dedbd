"""Bluesky's rules: 300 graphemes and 3,000 UTF-8 bytes; the client sends facets itself.

The connector (atproto SDK) lives in ``connector.py`` and is imported on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from carecast.networks import textcount
from carecast.networks.base import Network
from carecast.networks.bluesky import facets as facet_detection


class Bluesky(Network):
    name = "bluesky"
    label = "Bluesky"
    text_limit = 300
    max_image_bytes = 2_000_000
    alt_text_limit = 2_000
    connector_class = "carecast.networks.bluesky.connector:BlueskyConnector"
    preview_template = "networks/bluesky/preview.html"

    def count_text(self, text: str) -> int:
        return textcount.grapheme_length(text)

    def facets(
        self, text: str, resolve_handle: Callable[[str], str | None]
    ) -> list[dict[str, Any]]:
        return facet_detection.detect_facets(text, resolve_handle)
