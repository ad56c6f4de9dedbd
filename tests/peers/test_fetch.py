"""Adding a peer reads its public profile at once, through the network's public API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from carecast.peers import services
from carecast.peers.models import Peer, PeerDay
from carecast.peers.profiles import ProfileInputError, parse


def test_it_reads_a_bluesky_profile_with_its_recent_interactions(org, anna, sandbox, bluesky_peer):
    bluesky_peer(posts=((2, 10, 3, 1), (5, 4, 0, 0), (45, 1, 0, 0)))
    peer = services.add_peer(
        org, "bluesky", "@uniklinik.example", sandbox.base_url, "Uniklinik", anna.user
    )
    day = PeerDay.objects.get(peer=peer)
    assert (day.followers, day.posts_total, day.posts_sampled) == (1200, 3, 3)
    assert day.interactions == 10 + 3 + 1 + 4 + 1
    assert day.posts_last_30_days == 2  # the third post is 45 days old
    assert peer.name == "Uniklinik" and peer.remote_id.startswith("did:")
    asked = [r["path"] for r in sandbox.requests("bluesky")]
    assert any("getAuthorFeed" in p for p in asked) and any("getProfile" in p for p in asked)


def test_it_leaves_reposts_and_replies_out_of_a_bluesky_peers_posts(
    org, anna, sandbox, bluesky_peer
):
    handle = bluesky_peer(posts=((1, 6, 0, 0),))
    reply = {"$type": "app.bsky.feed.post", "text": "Danke!", "createdAt": "2026-12-01T10:00:00Z"}
    reply["reply"] = {
        "root": {"uri": "at://x/y/1", "cid": "c"},
        "parent": {"uri": "at://x/y/1", "cid": "c"},
    }
    sandbox.store.add_post(
        "bluesky", handle, "at://r/1", "Danke!", "", {"record": reply, "likeCount": 50}
    )
    peer = services.add_peer(org, "bluesky", handle, sandbox.base_url, "", anna.user)
    day = PeerDay.objects.get(peer=peer)
    assert (day.posts_sampled, day.interactions) == (1, 6)


def test_it_reads_a_mastodon_profile_by_its_address(org, anna, sandbox):
    sandbox.add_account("mastodon", "charite", "t", options={"followers_count": 5400})
    for favourites, boosts, replies in ((5, 2, 1), (10, 0, 3)):
        sandbox.store.add_post(
            "mastodon",
            "charite",
            sandbox.store.next_id("mastodon"),
            "Tag der offenen Tür",
            "",
            {"favourites_count": favourites, "reblogs_count": boosts, "replies_count": replies},
        )
    peer = services.add_peer(
        org, "mastodon", f"{sandbox.base_url}/@charite", "", "Charité", anna.user
    )
    assert peer.handle == f"charite@{sandbox.base_url.split('//')[1]}"
    day = PeerDay.objects.get(peer=peer)
    assert (day.followers, day.posts_sampled, day.interactions) == (5400, 2, 8 + 13)
    lookups = sandbox.requests("mastodon", path="/api/v1/accounts/lookup")
    assert lookups and lookups[0]["query"]["acct"] == ["charite"]


def test_it_refuses_a_profile_the_server_does_not_know_and_saves_nothing(org, anna, sandbox):
    with pytest.raises(ProfileInputError, match="nicht gefunden"):
        services.add_peer(
            org,
            "mastodon",
            f"@nobody@{sandbox.base_url.split('//')[1]}",
            sandbox.base_url,
            "",
            anna.user,
        )
    assert not Peer.objects.exists() and not PeerDay.objects.exists()


def test_it_refuses_a_server_in_the_hospitals_own_network(org, anna, settings):
    settings.CARECAST_SANDBOX = False  # no loopback exception outside the demo and tests
    with pytest.raises(ProfileInputError, match="nicht erreichbar"):
        services.add_peer(org, "mastodon", "@team@10.0.0.8", "", "", anna.user)
    assert not Peer.objects.exists()


def test_it_refuses_the_same_profile_twice(org, anna, sandbox, bluesky_peer):
    bluesky_peer()
    services.add_peer(org, "bluesky", "uniklinik.example", sandbox.base_url, "", anna.user)
    with pytest.raises(ProfileInputError, match="schon im Vergleich"):
        services.add_peer(org, "bluesky", "uniklinik.example", sandbox.base_url, "", anna.user)


def test_it_keeps_the_error_when_a_daily_read_fails(org, anna, sandbox, bluesky_peer):
    bluesky_peer()
    peer = services.add_peer(org, "bluesky", "uniklinik.example", sandbox.base_url, "", anna.user)
    sandbox.inject_fault(path="/xrpc/app.bsky.actor.getProfile", status=429, retry_after=60)
    assert services.count(peer, datetime(2026, 12, 8, 5, 20, tzinfo=UTC)) is False
    peer.refresh_from_db()
    assert "Ratenlimit" in peer.last_error and "60" in peer.last_error
    assert PeerDay.objects.filter(peer=peer).count() == 1  # yesterday's numbers stay


def test_it_counts_our_own_channels_through_the_same_public_api(org, channel_on, sandbox):
    channel = channel_on("bluesky", "klinikum.example")
    sandbox.store.add_account(
        "bluesky", "klinikum.example", "pw-klinikum.example", options={"followers_count": 800}
    )
    ok, failed = services.count_all(org)
    assert (ok, failed) == (1, 0)
    own = Peer.objects.get(channel=channel)
    assert own.is_own and PeerDay.objects.get(peer=own).followers == 800


@pytest.mark.parametrize(
    ("network", "text", "handle", "api"),
    [
        ("mastodon", "@team@social.example", "team@social.example", "https://social.example"),
        (
            "mastodon",
            "https://social.example/@team",
            "team@social.example",
            "https://social.example",
        ),
        (
            "bluesky",
            "https://bsky.app/profile/Klinik.Example",
            "klinik.example",
            "https://public.api.bsky.app",
        ),
        ("bluesky", "@klinik.example", "klinik.example", "https://public.api.bsky.app"),
    ],
)
def test_it_understands_the_usual_ways_to_name_a_profile(network, text, handle, api):
    ref = parse(network, text)
    assert (ref.handle, ref.api_url) == (handle, api)


@pytest.mark.parametrize(
    ("network", "text"), [("mastodon", "team"), ("bluesky", "no handle"), ("mastodon", "")]
)
def test_it_says_what_it_expects_for_a_name_it_cannot_read(network, text):
    with pytest.raises(ProfileInputError):
        parse(network, text)


def test_it_counts_every_organisations_profiles_each_morning(
    org, anna, sandbox, bluesky_peer, time_machine
):
    from carecast.peers.tasks import count_peers

    bluesky_peer()
    peer = services.add_peer(org, "bluesky", "uniklinik.example", sandbox.base_url, "", anna.user)
    time_machine.move_to(datetime(2026, 12, 8, 5, 20, tzinfo=UTC))
    assert count_peers.call_local() == 1
    assert PeerDay.objects.filter(peer=peer, day=datetime(2026, 12, 8).date()).exists()
