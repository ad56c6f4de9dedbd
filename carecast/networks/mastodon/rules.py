"""Mastodon's rules: 500 characters by default (the instance's own limit when known), URLs as 23."""

from __future__ import annotations

from typing import Any

from carecast.networks import textcount
from carecast.networks.base import Network


class Mastodon(Network):
    name = "mastodon"
    label = "Mastodon"
    text_limit = 500
    max_image_bytes = 16 * 1024 * 1024
    connector_class = "carecast.networks.mastodon.connector:MastodonConnector"
    preview_template = "networks/mastodon/preview.html"

    def count_text(self, text: str, url_length: int = 23) -> int:
        return textcount.mastodon_length(text, url_length)

    def limit_for(self, config: dict[str, Any] | None = None) -> int:
        return super().limit_for(config)
