"""Connected accounts become channels; tokens are refreshed in time; dead ones pause."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from carecast.networks.connect import ConnectedAccount, ConnectError
from carecast.networks.feed.connect import FeedFlow
from carecast.networks.models import Channel, ChannelStatus
from carecast.networks.services import AlreadyConnected, save_connected
from carecast.publishing import health
from carecast.publishing.channel_posts import archive_channel
from carecast.publishing.models import State


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English here (German in tests/web)."""
    with translation.override("en"):
        yield


def mastodon_account(
    user_id: str = "1", handle: str = "@klinikum@social.example"
) -> ConnectedAccount:
    return ConnectedAccount(
        remote_user_id=user_id,
        handle=handle,
        base_url="https://social.example",
        credentials={"access_token": "secret"},
        config={"max_characters": 1000},
    )


def test_it_makes_a_channel_with_encrypted_credentials_and_limits(org):
    channel = save_connected(org, "mastodon", mastodon_account(), name="Mastodon – News")
    channel.refresh_from_db()
    assert channel.name == "Mastodon – News" and channel.remote_user_id == "1"
    assert channel.get_credentials() == {"access_token": "secret"}
    assert "secret" not in channel.credentials_encrypted
    assert channel.text_limit == 1000
    assert channel.check_ok is True and not channel.is_sandbox


def test_it_refuses_one_account_connected_twice_in_one_organisation(org):
    first = save_connected(org, "mastodon", mastodon_account())
    with pytest.raises(AlreadyConnected, match=first.name):
        save_connected(org, "mastodon", mastodon_account())
    assert Channel.objects.count() == 1


def test_the_database_refuses_it_too(org):
    save_connected(org, "mastodon", mastodon_account())
    twin = Channel(organisation=org, network="mastodon", name="Twin", remote_user_id="1")
    with pytest.raises(Exception, match="channel_one_account_per_organisation|UNIQUE|unique"):
        twin.save()


def test_it_connects_the_account_again_after_its_channel_was_archived(org):
    first = save_connected(org, "mastodon", mastodon_account())
    archive_channel(first, "cancel")
    second = save_connected(org, "mastodon", mastodon_account())
    assert second.pk != first.pk and second.status == ChannelStatus.ACTIVE


def test_a_reconnect_must_sign_in_the_same_account(org):
    channel = save_connected(org, "mastodon", mastodon_account())
    channel.status = ChannelStatus.PAUSED
    channel.save()
    with pytest.raises(ConnectError, match="belongs to"):
        save_connected(
            org, "mastodon", mastodon_account("2", "@other@social.example"), channel=channel
        )
    fresh = ConnectedAccount(
        "1", "@klinikum@social.example", "https://social.example", {"access_token": "new"}
    )
    again = save_connected(org, "mastodon", fresh, channel=channel)
    assert again.pk == channel.pk and again.status == ChannelStatus.ACTIVE
    assert again.get_credentials()["access_token"] == "new"


def test_a_feed_channel_gets_its_address_and_a_unique_path(org):
    account = FeedFlow().connect({"path": "News"})
    channel = save_connected(
        org, "feed", account, name="Website – News", public_base="https://cc.example"
    )
    assert channel.base_url == f"https://cc.example/feeds/{channel.pk}.xml"
    with pytest.raises(AlreadyConnected):
        save_connected(org, "feed", FeedFlow().connect({"path": "news"}))
    with pytest.raises(ConnectError):
        FeedFlow().connect({"path": "../etc"})


def test_archiving_turns_planned_posts_into_drafts_or_cancels_them(channel_on, story_for):
    from carecast.publishing import services

    channel = channel_on("mastodon")
    variant = story_for(channel).variants.get()
    publication = services.schedule(variant, timezone.now() + dt.timedelta(days=1))
    assert archive_channel(channel, "draft") == 1
    publication.refresh_from_db()
    channel.refresh_from_db()
    assert publication.state == State.DRAFT and channel.status == ChannelStatus.ARCHIVED


# --- staying connected ---------------------------------------------------------------------


def x_channel(channel_on, sandbox, **options):
    channel = channel_on("x", "KlinikumMS")
    sandbox.add_account(
        "x",
        "KlinikumMS",
        "token-x-KlinikumMS",
        refresh_token="refresh-1",
        client_id="cid",
        **options,
    )
    channel.set_credentials(
        {"access_token": "token-x-KlinikumMS", "refresh_token": "refresh-1", "client_id": "cid"}
    )
    channel.token_expires_at = timezone.now() + dt.timedelta(minutes=20)
    channel.save()
    return channel


def test_it_refreshes_a_token_before_it_expires(channel_on, sandbox, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    channel = x_channel(channel_on, sandbox)
    assert health.expiring() == [channel]
    assert health.refresh_expiring() == []
    channel.refresh_from_db()
    credentials = channel.get_credentials()
    assert credentials["access_token"] != "token-x-KlinikumMS"
    assert credentials["refresh_token"] not in ("", "refresh-1")  # X rotates it
    expected = timezone.now() + dt.timedelta(hours=2)  # X's tokens live two hours
    assert abs(channel.token_expires_at - expected) < dt.timedelta(seconds=1)
    assert health.expiring() == []


def test_it_leaves_a_token_alone_that_lives_long_enough(channel_on, sandbox):
    channel = x_channel(channel_on, sandbox)
    channel.token_expires_at = timezone.now() + dt.timedelta(hours=2)
    channel.save()
    assert health.expiring() == []


def test_it_never_stores_an_empty_refresh_token(channel_on, sandbox):
    channel = x_channel(channel_on, sandbox, omit_refresh_token=True)
    health.refresh_expiring()
    channel.refresh_from_db()
    assert channel.get_credentials()["refresh_token"] == "refresh-1"
    assert channel.get_credentials()["access_token"] != "token-x-KlinikumMS"


def test_a_blip_during_the_refresh_never_disconnects(channel_on, sandbox):
    channel = x_channel(channel_on, sandbox)
    sandbox.inject_fault(network="x", path="/2/oauth2/token", status=503, times=None)
    assert health.refresh_expiring() == []
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.ACTIVE and channel.check_ok is None
    assert channel.get_credentials()["refresh_token"] == "refresh-1"


def test_a_refused_refresh_token_pauses_the_channel(channel_on, sandbox):
    channel = x_channel(channel_on, sandbox)
    sandbox.revoke("refresh-1")
    assert health.refresh_expiring() == [channel]
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.PAUSED and channel.check_ok is False


@pytest.mark.parametrize(
    "body",
    [
        {"error": "invalid_token", "error_description": "The access token is invalid"},
        {"error": "The access token expired"},
        {"error": "Token revoked"},
    ],
)
def test_a_400_invalid_token_answer_pauses_the_channel(channel_on, sandbox, body):
    channel = channel_on("mastodon")
    sandbox.inject_fault(network="mastodon", status=400, body=body, times=None)
    assert health.check_channel(channel) is False
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.PAUSED and channel.check_ok is False


def test_a_400_about_the_post_does_not_pause(channel_on, sandbox):
    channel = channel_on("mastodon")
    sandbox.inject_fault(
        network="mastodon", status=400, body={"error": "Validation failed"}, times=None
    )
    health.check_channel(channel)
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.ACTIVE
