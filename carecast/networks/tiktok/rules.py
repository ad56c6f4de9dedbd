"""TikTok's rules: one video with a caption of up to 2,200 UTF-16 code units, and the
choices TikTok's Direct Post guidelines require the person to make for every post.

https://developers.tiktok.com/doc/content-posting-api-reference-direct-post (``post_info``)
and the UX guidelines it links: the privacy level is picked by the person from the
creator's options (no default), comment/duet/stitch are toggles (off where the creator
disabled them), commercial content is disclosed (your brand / branded content), and the
person confirms TikTok's Music Usage Confirmation before the post goes out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from carecast.networks.base import MediaFile, Network, Problem

VIDEO_TYPES = ("video/mp4", "video/quicktime", "video/webm")
PRIVACY_LEVELS = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY")
# The file limit of a FILE_UPLOAD (media transfer guide: 1,000 chunks of at most 64 MB, but
# TikTok accepts videos up to 4 GB).
MAX_VIDEO_BYTES = 4 * 1024**3


def privacy_label(level: str) -> str:
    """TikTok's words for a privacy level, as its own app shows them."""
    from django.utils.translation import pgettext

    labels = {
        "PUBLIC_TO_EVERYONE": pgettext("tiktok audience", "Everyone"),
        "MUTUAL_FOLLOW_FRIENDS": pgettext("tiktok audience", "Friends"),
        "FOLLOWER_OF_CREATOR": pgettext("tiktok audience", "Followers"),
        "SELF_ONLY": pgettext("tiktok audience", "Only me"),
    }
    return labels.get(level, level)


class TikTok(Network):
    name = "tiktok"
    label = "TikTok"
    text_limit = 2_200
    max_images = 1  # one video per post
    max_image_bytes = MAX_VIDEO_BYTES
    image_types = VIDEO_TYPES
    connector_class = "carecast.networks.tiktok.connector:TikTokConnector"
    preview_template = "networks/tiktok/preview.html"
    options_template = "networks/tiktok/options.html"

    def count_text(self, text: str) -> int:
        # TikTok counts the caption in UTF-16 runes: an emoji outside the BMP counts twice.
        return len(text.encode("utf-16-le")) // 2

    def check(
        self, text: str, media: list[MediaFile], config: dict[str, Any] | None = None
    ) -> list[Problem]:
        from django.utils.translation import gettext as _

        problems = super().check(text, media, config)
        if not any(item.mime_type in VIDEO_TYPES for item in media):
            problems.append(Problem("video_missing", _("TikTok needs exactly one video.")))
        return [p for p in problems if p.code not in ("empty", "alt_missing")]

    def option_context(self, config: Mapping[str, Any]) -> dict[str, Any]:
        """For the composer: the creator's levels (stored at sign-in, read again before each
        post), the interactions the creator turned off, whether the app is still unaudited."""
        levels = list(config.get("privacy_level_options") or PRIVACY_LEVELS)
        return {
            "privacy": [(level, privacy_label(level)) for level in levels],
            "unaudited": levels == ["SELF_ONLY"],
            "nickname": str(config.get("creator_nickname") or ""),
            "comment_disabled": bool(config.get("comment_disabled")),
            "duet_disabled": bool(config.get("duet_disabled")),
            "stitch_disabled": bool(config.get("stitch_disabled")),
        }

    def check_options(
        self, options: Mapping[str, Any], config: dict[str, Any] | None = None
    ) -> list[Problem]:
        """What TikTok requires the person to have chosen before the post can go out."""
        from django.utils.translation import gettext as _

        problems = []
        level = str(options.get("privacy_level") or "")
        allowed = list((config or {}).get("privacy_level_options") or PRIVACY_LEVELS)
        if not level:
            problems.append(
                Problem("privacy_missing", _("Choose who can watch this video on TikTok."))
            )
        elif level not in allowed:
            names = ", ".join(privacy_label(a) for a in allowed)
            problems.append(
                Problem(
                    "privacy_not_offered",
                    _("This TikTok account offers only: %(levels)s.") % {"levels": names},
                )
            )
        if not options.get("music_confirmed"):
            problems.append(
                Problem(
                    "music_confirmation",
                    _("Confirm TikTok's Music Usage Confirmation before posting."),
                )
            )
        if options.get("disclose") and not (
            options.get("brand_organic") or options.get("brand_content")
        ):
            problems.append(
                Problem(
                    "disclosure_incomplete",
                    _("Say whether the video promotes your own brand or someone else's."),
                )
            )
        if options.get("brand_content") and level == "SELF_ONLY":
            problems.append(
                Problem(
                    "branded_private",
                    _("Branded content cannot be private on TikTok: choose another audience."),
                )
            )
        return problems
