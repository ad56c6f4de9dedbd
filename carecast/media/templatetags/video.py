"""What the pages show of a video: its stills, and what became of a YouTube upload's captions.

``{% load video %}`` then ``asset|stills`` (the thumbnails' addresses, in the clip's order)
and ``publication|caption_outcome``.
"""

from __future__ import annotations

from django import template

from carecast.networks.youtube.captions import CaptionOutcome, outcome_of

register = template.Library()


@register.filter
def stills(asset) -> list[str]:
    """Addresses of a video's small stills (at 10 %, 50 % and 90 % of the clip); served
    with the video to whoever may see it (``web.views.media.media_file``)."""
    if getattr(asset, "kind", "") != "video":
        return []
    storage = asset.file.storage
    return [storage.url(name) for name in asset.thumbnails or [] if isinstance(name, str)]


@register.filter
def caption_outcome(publication) -> CaptionOutcome | None:
    """Whether YouTube took the story's captions, or why not; None where no captions went."""
    if publication.channel.network != "youtube":
        return None
    return outcome_of(publication.upload_state or {})
