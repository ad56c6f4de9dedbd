"""Has this post the approval it needs? Asked by ``publishing.services.schedule``.

Imports no ``publishing`` module: publishing asks here, and ``approvals.services``
(which schedules through publishing) builds on this.
"""

from __future__ import annotations

import hashlib

from carecast.approvals.models import Review, ReviewState
from carecast.rights import needs_approval, person_of


def fingerprint(variant) -> str:
    """The post as an approver saw it: its text and the story's media files."""
    media = sorted(variant.story.media.values_list("pk", flat=True))
    raw = f"{variant.text}\x00{','.join(map(str, media))}"
    return hashlib.sha256(raw.encode()).hexdigest()


def is_approved(variant) -> bool:
    """An approval of the story covers this post exactly as it is now."""
    current = fingerprint(variant)
    key = str(variant.channel_id)
    return any(
        posts.get(key) == current
        for posts in Review.objects.filter(
            story_id=variant.story_id, state=ReviewState.APPROVED
        ).values_list("posts", flat=True)
    )


def approval_missing(variant, actor) -> bool:
    """``actor`` (a user, or None for the system) needs an approval for this post and has none."""
    return needs_approval(person_of(actor), variant.channel) and not is_approved(variant)
