"""Music licences and alt text: what the media of a post need besides consent."""

from __future__ import annotations

from django.utils.translation import gettext as _

from carecast.compliance.checks.base import Check
from carecast.compliance.draft import Draft, Finding, Media
from carecast.networks.youtube.rules import is_short

URHG = "https://www.gesetze-im-internet.de/urhg/__15.html"
WCAG_ALT = "https://www.w3.org/WAI/WCAG22/Understanding/non-text-content"
# Networks whose business accounts may only use the platform's commercial music library.
LIBRARY_ONLY = {"tiktok"}
# YouTube Help, "Content ID claims" (https://support.google.com/youtube/answer/6013276):
# since 15 October 2024 a Short longer than one minute with an active Content ID claim is
# blocked on YouTube, whatever the claim's policy.
SHORTS_CLAIM_URL = "https://support.google.com/youtube/answer/6013276"
SHORTS_CLAIM_SECONDS = 60


class MusicUnlicensed(Check):
    """A platform's user music licence does not cover an organisation's own promotion.

    Music known to be unlicensed for the account blocks the post (the label's letters
    come after it is out); a video without a music record is a warning to fill it in.
    """

    id = "music.unlicensed"
    severity = "high"
    may_block = True  # music known to be unlicensed blocks
    rule_url = URHG
    applies_to = frozenset({"post"})

    def run(self, draft: Draft) -> list[Finding]:
        findings = []
        for media in draft.media:
            message, blocks = self._problem(draft, media)
            if message:
                findings.append(self.finding(message, severity="block" if blocks else None))
            elif short := self._claimable_long_short(draft, media):
                findings.append(short)
        return findings

    def _claimable_long_short(self, draft: Draft, media: Media) -> Finding | None:
        """A long Short with third-party music: YouTube blocks it once Content ID claims it.

        carecast cannot know a claim in advance, but any recording that is not the
        hospital's own (licensed library music too, which is commonly registered in
        Content ID) is what gets claimed; an unknown record is the warning above.
        """
        music = media.music
        if "youtube" not in draft.networks or media.kind != "video" or music is None:
            return None
        if music.licence == "own" or media.seconds <= SHORTS_CLAIM_SECONDS:
            return None
        if not is_short(media.width, media.height, media.seconds):
            return None
        message = _(
            "YouTube will publish this vertical video of %(seconds)d seconds as a Short. A "
            "Short longer than one minute is blocked worldwide as soon as Content ID claims "
            "its music, and “%(title)s” is not your own recording. Shorten the video to 60 "
            "seconds, use your own music or none, or post it as a normal horizontal video."
        ) % {"seconds": round(media.seconds), "title": music.title or _("the music")}
        return Finding(self.id, "block", message, None, SHORTS_CLAIM_URL)

    def _problem(self, draft: Draft, media) -> tuple[str, bool]:
        music = media.music
        if music is None:
            if media.kind != "video":
                return "", False
            message = _("Video without a music record: note the track and its licence (or “own”).")
            return message, False
        title = music.title or _("the music")
        if music.licence == "none":
            message = _("“%(title)s” has no licence: use own or licensed music, or none.")
            return message % {"title": title}, True
        library_only = LIBRARY_ONLY.intersection(draft.networks)
        if draft.account.kind == "brand" and library_only and music.licence == "licensed":
            message = _(
                "Business accounts on TikTok may only use the Commercial Music Library: "
                "replace “%(title)s”."
            )
            return message % {"title": title}, True
        return "", False


class AltTextMissing(Check):
    """Images need a text alternative for people using screen readers."""

    id = "a11y.alt_text_missing"
    severity = "medium"
    rule_url = WCAG_ALT

    def run(self, draft: Draft) -> list[Finding]:
        missing = [m for m in draft.media if m.kind == "image" and not (m.alt_text or "").strip()]
        if not missing:
            return []
        return [
            self.finding(
                _("%(n)d image(s) without alt text: describe what the picture shows.")
                % {"n": len(missing)}
            )
        ]
