"""Instagram's rules: a caption of 2,200 characters, 30 hashtags, 20 mentions, 1–10 images."""

from __future__ import annotations

import re
from typing import Any

from carecast.networks.base import MediaFile, Network, Problem

HASHTAG = re.compile(r"(?<!\w)#\w+")
MENTION = re.compile(r"(?<![\w@])@[\w.]+")
MAX_HASHTAGS, MAX_MENTIONS = 30, 20


class Instagram(Network):
    name = "instagram"
    label = "Instagram"
    text_limit = 2_200
    max_images = 10  # a carousel
    max_image_bytes = 8_000_000
    image_types = ("image/jpeg",)  # the content publishing API takes JPEG only
    connector_class = "carecast.networks.instagram.connector:InstagramConnector"
    preview_template = "networks/instagram/preview.html"

    def check(
        self, text: str, media: list[MediaFile], config: dict[str, Any] | None = None
    ) -> list[Problem]:
        from django.utils.translation import gettext as _

        problems = super().check(text, media, config)
        if not media:
            problems.append(Problem("needs_image", _("Instagram needs at least one image.")))
        tags, mentions = len(HASHTAG.findall(text)), len(MENTION.findall(text))
        if tags > MAX_HASHTAGS:
            message = _("At most %(n)d hashtags (%(used)d used).")
            problems.append(Problem("hashtags", message % {"n": MAX_HASHTAGS, "used": tags}))
        if mentions > MAX_MENTIONS:
            message = _("At most %(n)d @mentions (%(used)d used).")
            problems.append(Problem("mentions", message % {"n": MAX_MENTIONS, "used": mentions}))
        return problems
