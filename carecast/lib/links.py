"""Links that come from outside (networks, feeds): only http(s) may become an ``href``.

A comment's URL or a question's link is whatever a network (or a server pretending to be
one) sent; ``javascript:`` or ``data:`` there would run in the moderator's session.
"""

from __future__ import annotations

from urllib.parse import urlsplit

SAFE_SCHEMES = {"http", "https"}


def http_url(value: object) -> str:
    """``value`` if it is an absolute http(s) URL with a host, else an empty string."""
    text = str(value or "").strip()
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return ""  # browsers drop tabs and newlines inside schemes ("java\tscript:")
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    return text if parts.scheme.lower() in SAFE_SCHEMES and parts.netloc else ""
