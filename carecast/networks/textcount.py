"""How each network counts text. Pure functions; see tests/networks/test_conformance_*.

PLACEHOLDER implementations — replaced by conformance-tested ones.
"""

from __future__ import annotations

import re

URL_RE = re.compile(r"https?://\S+")


def x_weighted_length(text: str) -> int:
    """twitter-text v3 weighted length (URLs count 23)."""
    return len(URL_RE.sub("x" * 23, text))


def mastodon_length(text: str, url_length: int = 23) -> int:
    """Mastodon: URLs count ``url_length``, remote mentions only by their local part."""
    return len(URL_RE.sub("x" * url_length, text))


def grapheme_length(text: str) -> int:
    """Extended grapheme clusters, as Bluesky counts them."""
    import regex

    return len(regex.findall(r"\X", text))
