"""Platform rules: length counted the network's way, media counts, reserved characters.

Networks carecast publishes to count with their own rules (``carecast.networks``);
the others a draft may name get the offline defaults of ``reference/networks.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from carecast import networks
from carecast.compliance.checks.base import Check
from carecast.compliance.draft import Draft, Finding


def _threads_count(text: str) -> int:
    # Threads counts an emoji as its UTF-8 length; other characters as one.
    return sum(len(ch.encode()) if ord(ch) > 0xFFFF else 1 for ch in text)


@dataclass(frozen=True)
class Spec:
    label: str
    text_limit: int
    count: Callable[[str], int] = len
    max_images: int = 4
    max_videos: int = 1
    mix: bool = False  # images and a video in one post
    needs_video: bool = False
    needs_media: bool = False
    unit: str = "characters"


OTHER_NETWORKS = {
    "facebook": Spec("Facebook", 63_206, max_images=10, mix=True),
    "instagram": Spec("Instagram", 2_200, max_images=10, max_videos=10, mix=True, needs_media=True),
    "threads": Spec("Threads", 500, _threads_count, max_images=20, max_videos=20, mix=True),
    "tiktok": Spec("TikTok", 2_200, max_images=35, needs_media=True),
    "youtube": Spec("YouTube", 5_000, lambda t: len(t.encode()), 0, needs_video=True, unit="bytes"),
    "linkedin": Spec("LinkedIn", 3_000, max_images=20),
}
# Media rules of the networks carecast publishes to (networks.md).
OWN_MEDIA = {"x": (4, 1), "bluesky": (4, 1), "mastodon": (4, 1), "feed": (1, 0)}


def known_networks() -> set[str]:
    return set(networks.NETWORKS) | set(OTHER_NETWORKS)


def _label(name: str) -> str:
    return (
        networks.NETWORKS[name].label if name in networks.NETWORKS else OTHER_NETWORKS[name].label
    )


class TooLong(Check):
    id = "format.too_long"
    severity = "block"
    rule_url = "https://docs.joinmastodon.org/user/posting/#text"

    def run(self, draft: Draft) -> list[Finding]:
        findings = []
        for name in draft.networks:
            used, limit, unit = self._count(name, draft)
            if used > limit:
                findings.append(
                    self.finding(
                        _("%(network)s: %(used)d of %(limit)d %(unit)s — shorten by %(over)d.")
                        % {
                            "network": _label(name),
                            "used": used,
                            "limit": limit,
                            "over": used - limit,
                            "unit": _("bytes") if unit == "bytes" else _("characters"),
                        },
                        self._span(name, draft.text, limit),
                    )
                )
        return findings

    def _count(self, name: str, draft: Draft) -> tuple[int, int, str]:
        if name in networks.NETWORKS:
            rules = networks.get(name)
            return rules.count_text(draft.text), rules.limit_for(draft.config), "characters"
        if name in OTHER_NETWORKS:
            spec = OTHER_NETWORKS[name]
            return spec.count(draft.text), spec.text_limit, spec.unit
        return 0, 1, "characters"

    def _span(self, name: str, text: str, limit: int) -> tuple[int, int] | None:
        # Only where one character counts as one can we point at where the text runs over.
        if name in OTHER_NETWORKS and OTHER_NETWORKS[name].count is len:
            return (limit, len(text))
        return None


class MediaSpec(Check):
    id = "format.media"
    severity = "block"
    rule_url = "https://developer.x.com/en/docs/x-api/v1/media/upload-media/uploading-media/media-best-practices"
    applies_to = frozenset({"post"})

    def run(self, draft: Draft) -> list[Finding]:
        images = sum(1 for m in draft.media if m.kind == "image")
        videos = len(draft.media) - images
        findings = []
        for name in draft.networks:
            message = self._problem(name, images, videos)
            if message:
                findings.append(self.finding(f"{_label(name)}: {message}"))
        return findings

    def _problem(self, name: str, images: int, videos: int) -> str:
        if name in OWN_MEDIA:
            max_images, max_videos = OWN_MEDIA[name]
            spec = Spec("", 0, max_images=max_images, max_videos=max_videos)
        else:
            spec = OTHER_NETWORKS.get(name) or Spec("", 0)
        if spec.needs_video and videos != 1:
            return _("needs exactly one video.")
        if spec.needs_media and not (images or videos):
            return _("needs an image or a video.")
        if images > spec.max_images:
            return _("at most %(n)d images.") % {"n": spec.max_images}
        if videos > spec.max_videos:
            return _("at most %(n)d video(s).") % {"n": spec.max_videos}
        if images and videos and not spec.mix:
            return _("either images or a video, not both.")
        return ""


class Unescaped(Check):
    """YouTube refuses < and > in titles and descriptions.

    LinkedIn's reserved "little text" characters are no longer a finding: its connector
    escapes them when it publishes (``carecast.networks.linkedin.rules.escape_little``), so
    "(m/w/d)" arrives whole and nobody needs to type a backslash.
    """

    id = "format.unescaped"
    severity = "high"
    may_block = True  # YouTube's < and >
    rule_url = "https://developers.google.com/youtube/v3/docs/videos#snippet.description"

    def run(self, draft: Draft) -> list[Finding]:
        findings = []
        if "youtube" in draft.networks:
            at = next((i for i, ch in enumerate(draft.text) if ch in "<>"), None)
            if at is not None:
                findings.append(
                    self.finding(
                        _("YouTube: titles and descriptions may not contain < or >."),
                        (at, at + 1),
                        severity="block",
                    )
                )
        return findings
