"""Questions from the networks: replies to the session's published announcement posts.

Read through each network's connector (``fetch_replies``), never by the live app
talking HTTP itself. A reply becomes a question once (unique per source and remote
id), marked with its source, and goes to the moderator like any other.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from carecast.live import actions
from carecast.live.announce import published_announcements
from carecast.live.models import LiveSession, Question, Source
from carecast.networks.base import ConnectorError, Reply
from carecast.networks.services import keep_refreshed_tokens

log = logging.getLogger(__name__)
# Every network whose connector reads the comments under one post (``fetch_replies``).
READS_REPLIES = {
    "mastodon": Source.MASTODON,
    "bluesky": Source.BLUESKY,
    "facebook": Source.FACEBOOK,
    "instagram": Source.INSTAGRAM,
    "threads": Source.THREADS,
    "linkedin": Source.LINKEDIN,
}
# Replies are read from the first announcement until a little after the end.
AFTER_END = dt.timedelta(minutes=30)


def sessions_to_poll():
    now = timezone.now()
    return LiveSession.objects.filter(accepting=True, ends_at__gte=now - AFTER_END)


def collect(session: LiveSession) -> int:
    """Read the replies to every published announcement; returns how many questions are new."""
    new = 0
    for publication in published_announcements(session):
        source = READS_REPLIES.get(publication.channel.network)
        if source is None:
            continue
        try:
            replies = _fetch(publication.channel, publication.remote_id)
        except ConnectorError as exc:
            # A network blip must not stop the other channels; the next poll tries again.
            log.warning("Live replies from %s: %s", publication.channel, exc)
            continue
        new += sum(_take(session, source, reply, publication.channel) for reply in replies)
    return new


def _fetch(channel, remote_id: str) -> list[Reply]:
    connector = channel.rules.connector(channel.account())
    try:
        return connector.fetch_replies(remote_id)
    finally:
        keep_refreshed_tokens(channel, connector)
        connector.close()


def _take(session: LiveSession, source: str, reply: Reply, channel) -> bool:
    if reply.author_id == channel.remote_user_id or not reply.text.strip():
        return False  # our own answers in the thread are not questions
    if Question.objects.filter(session=session, source=source, remote_id=reply.remote_id).exists():
        return False
    try:
        with transaction.atomic():
            actions.submit_question(
                session,
                reply.text,
                nickname=reply.author,
                source=source,
                remote_id=reply.remote_id,
                remote_url=reply.url,
            )
    except IntegrityError:  # another worker took it a moment ago
        return False
    return True
