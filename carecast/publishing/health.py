"""Finding dead tokens before the next post is due, not when it fails."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from carecast.networks.base import ConnectorError
from carecast.networks.models import Channel, ChannelStatus
from carecast.publishing.dispatch import pause_channel
from carecast.publishing.models import State

LOOKAHEAD = dt.timedelta(hours=3)


def channels_with_upcoming_posts(now: dt.datetime | None = None) -> list[Channel]:
    now = now or timezone.now()
    return list(
        Channel.objects.filter(
            status=ChannelStatus.ACTIVE,
            publications__state=State.SCHEDULED,
            publications__due_at__lte=now + LOOKAHEAD,
        )
        .exclude(network="feed")
        .select_related("organisation")
        .distinct()
    )


def check_channel(channel: Channel) -> bool:
    """Ask the network whether the token still works. False (and paused) if it does not.

    Only an auth error pauses the channel: a network blip says nothing about the token.
    """
    connector = channel.rules.connector(channel.account())
    try:
        connector.verify_credentials()
    except ConnectorError as exc:
        if exc.auth:
            pause_channel(channel, str(exc))
            return False
    finally:
        connector.close()
    return True


def check_upcoming(now: dt.datetime | None = None) -> list[Channel]:
    """Check every channel that has a post due soon; return the ones that were paused."""
    return [c for c in channels_with_upcoming_posts(now) if not check_channel(c)]
