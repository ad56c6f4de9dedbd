"""The channel page says who renews an expiring token: carecast, or a person reconnecting
(LinkedIn grants most apps no refresh token; its tokens last 60 days)."""

from __future__ import annotations

import datetime as dt

from carecast.networks import services
from tests.web.conftest import berlin

EXPIRES = berlin(2027, 2, 5, 10, 0)


def _linkedin(channel_factory, credentials):
    channel = channel_factory("linkedin", "LinkedIn – Klinikum", token_expires_at=EXPIRES)
    channel.set_credentials(credentials)
    channel.save()
    return channel


def test_it_asks_for_a_reconnect_before_a_linkedin_token_without_refresh_expires(
    anna_client, channel_factory, settings
):
    settings.CARECAST_TOKEN_REFRESH_AHEAD_MINUTES = 30
    channel = _linkedin(channel_factory, {"access_token": "t"})
    assert services.reconnect_by(channel) == EXPIRES - dt.timedelta(minutes=30)
    body = anna_client.get(f"/channels/{channel.pk}/").content.decode()
    assert "Bitte bis 5. Februar 2027 09:30 neu verbinden" in body
    assert "wird vorher automatisch erneuert" not in body


def test_it_says_renewed_automatically_where_linkedin_granted_a_refresh_token(
    anna_client, channel_factory
):
    channel = _linkedin(channel_factory, {"access_token": "t", "refresh_token": "r"})
    assert services.reconnect_by(channel) is None
    body = anna_client.get(f"/channels/{channel.pk}/").content.decode()
    assert "wird vorher automatisch erneuert" in body
    assert "neu verbinden, sonst" not in body


def test_it_says_renewed_automatically_for_threads_which_refreshes_its_own_token(
    channel_factory,
):
    channel = channel_factory("threads", "Threads – Klinikum", token_expires_at=EXPIRES)
    channel.set_credentials({"access_token": "t"})
    channel.save()
    assert services.renews_itself(channel) and services.reconnect_by(channel) is None
