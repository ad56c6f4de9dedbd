"""X's rules: 280 weighted characters (twitter-text v3), every URL 23."""

from __future__ import annotations

from carecast.networks import textcount
from carecast.networks.base import Network


class X(Network):
    name = "x"
    label = "X"
    text_limit = 280
    connector_class = "carecast.networks.x.connector:XConnector"
    preview_template = "networks/x/preview.html"

    def count_text(self, text: str) -> int:
        return textcount.x_weighted_length(text)
