"""LinkedIn's rules: commentary of 3,000 characters in the "little" text format.

https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format:
``| { } @ [ ] ( ) < > # * _ ~`` and the backslash are reserved; unescaped, LinkedIn silently
cuts the post at the first one. ``escape_little`` escapes them, leaving URLs and #hashtags
as they are so that they still link.
"""

from __future__ import annotations

import re

from carecast.networks.base import Network

RESERVED = set("\\|{}@[]()<>#*_~")
_KEEP = re.compile(r"https?://\S+|(?<![\w#])#\w+")


def escape_little(text: str) -> str:
    """``text`` with every reserved character backslash-escaped, except in URLs and hashtags."""
    out, last = [], 0
    for found in _KEEP.finditer(text):
        out.append(_escape(text[last : found.start()]))
        out.append(found.group())
        last = found.end()
    out.append(_escape(text[last:]))
    return "".join(out)


def _escape(part: str) -> str:
    """Escape reserved characters; one already escaped by hand (``\\(``, as the compliance
    check advises) stays as it is, so it is never shown with a stray backslash."""
    out, index = [], 0
    while index < len(part):
        char = part[index]
        if char == "\\" and index + 1 < len(part) and part[index + 1] in RESERVED:
            out.append(part[index : index + 2])
            index += 2
            continue
        out.append(f"\\{char}" if char in RESERVED else char)
        index += 1
    return "".join(out)


def unescape_little(text: str) -> str:
    """What a person sees of a little-text commentary (for recognising our own post)."""
    return re.sub(r"\\(.)", r"\1", text)


class LinkedIn(Network):
    name = "linkedin"
    label = "LinkedIn"
    text_limit = 3_000
    max_images = 20  # multi-image posts
    max_image_bytes = 8_000_000
    alt_text_limit = 4_086
    image_types = ("image/jpeg", "image/png", "image/gif")
    connector_class = "carecast.networks.linkedin.connector:LinkedInConnector"
    preview_template = "networks/linkedin/preview.html"
