"""Music licences and alt text: what the media of a post need besides consent."""

from __future__ import annotations

from django.utils.translation import gettext as _

from carecast.compliance.checks.base import Check
from carecast.compliance.draft import Draft, Finding

URHG = "https://www.gesetze-im-internet.de/urhg/__15.html"
WCAG_ALT = "https://www.w3.org/WAI/WCAG22/Understanding/non-text-content"
# Networks whose business accounts may only use the platform's commercial music library.
LIBRARY_ONLY = {"tiktok"}


class MusicUnlicensed(Check):
    """A platform's user music licence does not cover an organisation's own promotion.

    Music known to be unlicensed for the account blocks the post (the label's letters
    come after it is out); a video without a music record is a warning to fill it in.
    """

    id = "music.unlicensed"
    severity = "high"
    rule_url = URHG
    applies_to = frozenset({"post"})

    def run(self, draft: Draft) -> list[Finding]:
        findings = []
        for media in draft.media:
            message, blocks = self._problem(draft, media)
            if message:
                findings.append(self.finding(message, severity="block" if blocks else None))
        return findings

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
