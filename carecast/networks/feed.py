"""Feed channel: an RSS/Atom feed of a channel's published posts, for the website to embed.

Publishing to a feed channel needs no remote call: the post becomes an entry of
the feed served at /feeds/<channel>/ (see ``render_feed``).
"""

from __future__ import annotations

from carecast.networks.base import Network


class Feed(Network):
    name = "feed"
    label = "RSS/Atom"
    text_limit = 5_000
    preview_template = "web/previews/generic.html"
