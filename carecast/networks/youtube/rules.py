"""YouTube's rules for one uploaded video.

From https://developers.google.com/youtube/v3/docs/videos#properties: ``snippet.title`` at
most 100 characters, ``snippet.description`` at most 5,000 bytes, neither may contain ``<``
or ``>``; ``status.privacyStatus`` is public, unlisted or private;
``status.selfDeclaredMadeForKids`` is declared for every upload (COPPA).

Shorts (https://support.google.com/youtube/answer/15424877, since 15 October 2024): a
square or vertical video of up to three minutes is a Short. One longer than a minute with a
Content ID claim is blocked worldwide — the music check says so, not these rules.

Quota (https://developers.google.com/youtube/v3/determine_quota_cost): ``videos.insert``
costs 1,600 of the project's default 10,000 units a day.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings

from carecast.networks.base import MediaFile, Network, Problem

VIDEO_TYPES = ("video/mp4", "video/quicktime", "video/webm", "video/x-msvideo", "video/mpeg")
TITLE_LIMIT = 100
DESCRIPTION_BYTES = 5_000
PRIVACY = ("public", "unlisted", "private")
SHORTS_SECONDS = 180
INSERT_COST = 1_600
DEFAULT_DAILY_QUOTA = 10_000


def is_short(width: int, height: int, seconds: float) -> bool:
    """Whether YouTube will treat the upload as a Short (vertical or square, ≤ 3 minutes)."""
    return bool(width and height and height >= width and 0 < seconds <= SHORTS_SECONDS)


def uploads_per_day(quota: int = DEFAULT_DAILY_QUOTA) -> int:
    """How many videos the project's daily quota allows (other calls cost little)."""
    return quota // INSERT_COST


def language(options: Mapping[str, Any], default: str) -> str:
    """The video's language and its captions': the post's choice, else the organisation's
    (``default``, ``PostRequest.language``)."""
    return str(options.get("language") or "") or default


def title_and_description(text: str, title: str = "") -> tuple[str, str]:
    """The title (given, or the text's first line) and the description (the text)."""
    if not title:
        first = text.strip().splitlines()[0] if text.strip() else ""
        title = first[:TITLE_LIMIT]
    return title.strip(), text


class YouTube(Network):
    name = "youtube"
    label = "YouTube"
    text_limit = DESCRIPTION_BYTES
    max_images = 1
    max_image_bytes = 256 * 1024**3  # 256 GB per upload
    image_types = VIDEO_TYPES
    connector_class = "carecast.networks.youtube.connector:YouTubeConnector"
    preview_template = "networks/youtube/preview.html"
    options_template = "networks/youtube/options.html"

    def video_limits_key(self, item: MediaFile) -> str:
        """Shorts have their own limits row when the clip will be one."""
        probe = item.probe or {}
        seconds = float(probe.get("duration") or 0)
        if is_short(int(probe.get("width") or 0), int(probe.get("height") or 0), seconds):
            return "youtube_shorts"
        return self.name

    def count_text(self, text: str) -> int:
        return len(text.encode("utf-8"))  # the description's limit is in bytes

    def check(
        self, text: str, media: list[MediaFile], config: dict[str, Any] | None = None
    ) -> list[Problem]:
        from django.utils.translation import gettext as _

        problems = [
            p for p in super().check(text, media, config) if p.code not in ("empty", "alt_missing")
        ]
        if not any(item.mime_type in VIDEO_TYPES for item in media):
            problems.append(Problem("video_missing", _("YouTube needs exactly one video.")))
        if "<" in text or ">" in text:
            problems.append(
                Problem("angle_brackets", _("YouTube does not allow < or > in the description."))
            )
        return problems

    def option_context(self, config: Mapping[str, Any]) -> dict[str, Any]:
        from django.utils.translation import pgettext

        labels = {
            "public": pgettext("youtube privacy", "Public"),
            "unlisted": pgettext("youtube privacy", "Unlisted"),
            "private": pgettext("youtube privacy", "Private"),
        }
        return {
            "privacy": [(value, labels[value]) for value in PRIVACY],
            "title_limit": TITLE_LIMIT,
            "languages": settings.LANGUAGES,
        }

    def check_options(
        self, options: Mapping[str, Any], config: dict[str, Any] | None = None
    ) -> list[Problem]:
        from django.utils.translation import gettext as _

        problems = []
        title = str(options.get("title") or "")
        if len(title) > TITLE_LIMIT:
            problems.append(
                Problem(
                    "title_too_long",
                    _("The YouTube title has %(used)d of %(limit)d characters.")
                    % {"used": len(title), "limit": TITLE_LIMIT},
                )
            )
        if "<" in title or ">" in title:
            problems.append(
                Problem("title_brackets", _("YouTube does not allow < or > in the title."))
            )
        if str(options.get("privacy_status") or "") not in PRIVACY:
            problems.append(
                Problem(
                    "privacy_missing", _("Choose whether the video is public, unlisted or private.")
                )
            )
        if str(options.get("language") or "") not in ("", *dict(settings.LANGUAGES)):
            problems.append(Problem("language_unknown", _("Choose the video's language.")))
        if options.get("made_for_kids") not in (True, False):
            problems.append(
                Problem("kids_missing", _("Declare whether the video is made for kids."))
            )
        return problems
