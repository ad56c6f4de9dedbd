"""The feed channel's rules: up to 5,000 characters and one image per entry."""

from __future__ import annotations

from carecast.networks.base import Network


class Feed(Network):
    name = "feed"
    label = "RSS/Atom"
    text_limit = 5_000
    max_images = 1
    connector_class = "carecast.networks.feed.connector:FeedConnector"
