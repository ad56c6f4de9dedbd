"""Keeping channels connected: refresh tokens before they expire, find dead ones early.

Only an auth error (the network refused the token or the refresh token) pauses a channel;
a blip (timeout, 5xx, 429) is recorded on the channel page and tried again next round.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from carecast.networks.base import ConnectorError
from carecast.networks.models import Channel, ChannelStatus
from carecast.networks.services import keep_refreshed_tokens, record_check
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
    The answer is kept on the channel (``checked_at``, ``check_ok``, ``check_message``).
    """
    connector = channel.rules.connector(channel.account())
    try:
        connector.verify_credentials()
        keep_refreshed_tokens(channel, connector)
    except ConnectorError as exc:
        record_check(channel, False if exc.auth else None, str(exc))
        if exc.auth:
            pause_channel(channel, str(exc))
            return False
        return True
    finally:
        connector.close()
    record_check(channel, True)
    return True


def check_upcoming(now: dt.datetime | None = None) -> list[Channel]:
    """Check every channel that has a post due soon; return the ones that were paused."""
    return [c for c in channels_with_upcoming_posts(now) if not check_channel(c)]


def expiring(now: dt.datetime | None = None) -> list[Channel]:
    """Active channels whose access token expires within the refresh lead time."""
    now = now or timezone.now()
    ahead = dt.timedelta(minutes=settings.CARECAST_TOKEN_REFRESH_AHEAD_MINUTES)
    return list(
        Channel.objects.filter(status=ChannelStatus.ACTIVE, token_expires_at__lte=now + ahead)
    )


def refresh_channel(channel: Channel) -> bool:
    """Refresh the channel's access token now; False (and paused) if the network refused.

    The new tokens are stored encrypted; a refresh that brings no refresh token keeps the
    stored one. A blip leaves everything as it was, to be tried again next round.
    """
    connector = channel.rules.connector(channel.account())
    refresh = getattr(connector, "refresh_token", None)
    if refresh is None:
        return True
    try:
        refresh()
    except ConnectorError as exc:
        record_check(channel, False if exc.auth else None, str(exc))
        if exc.auth:
            pause_channel(channel, str(exc))
            return False
        return True
    finally:
        connector.close()
    keep_refreshed_tokens(channel, connector)
    record_check(channel, True)
    return True


def refresh_expiring(now: dt.datetime | None = None) -> list[Channel]:
    """Refresh every token about to expire; return the channels that had to be paused."""
    return [c for c in expiring(now) if not refresh_channel(c)]
