"""Threads' rules (https://developers.facebook.com/docs/threads/posts): 500 characters, where
"emojis are counted as the number of UTF-8 bytes", at most 5 links, carousels of 20."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from carecast.networks.base import MediaFile, Network, Problem

LINK = re.compile(r"https?://\S+|(?<![\w@.])(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/\S*)?", re.IGNORECASE)
MAX_LINKS = 5
_JOINERS = {"\u200d", "\ufe0f", "\ufe0e"}  # zero-width joiner and variation selectors


def is_emoji(char: str) -> bool:
    """Emoji and their joiners: pictographs (So) and anything beyond the basic plane."""
    return char in _JOINERS or ord(char) >= 0x1F000 or unicodedata.category(char) == "So"


def threads_length(text: str) -> int:
    """Characters, except that every emoji counts its UTF-8 bytes (👍 is 4, ❤️ is 6)."""
    text = unicodedata.normalize("NFC", text)
    return sum(len(char.encode()) if is_emoji(char) else 1 for char in text)


class Threads(Network):
    name = "threads"
    label = "Threads"
    text_limit = 500
    max_images = 20
    max_image_bytes = 8_000_000
    image_types = ("image/jpeg", "image/png")
    connector_class = "carecast.networks.threads.connector:ThreadsConnector"
    preview_template = "networks/threads/preview.html"

    def count_text(self, text: str) -> int:
        return threads_length(text)

    def check(
        self, text: str, media: list[MediaFile], config: dict[str, Any] | None = None
    ) -> list[Problem]:
        from django.utils.translation import gettext as _

        problems = super().check(text, media, config)
        links = len(LINK.findall(text))
        if links > MAX_LINKS:
            message = _("At most %(n)d links (%(used)d used).")
            problems.append(Problem("links", message % {"n": MAX_LINKS, "used": links}))
        return problems
