"""X: 280 weighted characters (twitter-text v3), every URL 23."""

from __future__ import annotations

from carecast.networks import textcount
from carecast.networks.base import Connector, Network


class XConnector(Connector):
    """Client of the X API v2 over httpx."""


class X(Network):
    name = "x"
    label = "X"
    text_limit = 280
    connector_class = XConnector
    preview_template = "web/previews/x.html"

    def count_text(self, text: str) -> int:
        return textcount.x_weighted_length(text)
