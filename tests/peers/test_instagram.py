"""Instagram peers: Business Discovery, asked through our own connected professional account."""

from __future__ import annotations

import pytest

from carecast.networks.models import Channel
from carecast.peers import services
from carecast.peers.models import PeerDay
from carecast.peers.profiles import ProfileInputError


@pytest.fixture
def instagram_channel(org, sandbox):
    ours = sandbox.add_account("instagram", "klinikum_jobs", "ig-token")
    channel = Channel(
        organisation=org,
        network="instagram",
        name="Instagram – Karriere",
        handle="@klinikum_jobs",
        base_url=f"{sandbox.base_url}/graph",
        remote_user_id=ours["id"],
        is_sandbox=True,
    )
    channel.set_credentials({"access_token": "ig-token"})
    channel.save()
    return channel


def test_it_reads_an_instagram_business_account_through_ours(org, anna, sandbox, instagram_channel):
    sandbox.add_account(
        "instagram", "uniklinik_karriere", "other", options={"followers_count": 8800}
    )
    for n, (likes, comments) in enumerate(((120, 8), (60, 2))):
        sandbox.store.add_post(
            "instagram",
            "uniklinik_karriere",
            f"m{n}",
            "Pflege",
            "",
            {"like_count": likes, "comments_count": comments},
        )
    peer = services.add_peer(
        org,
        "instagram",
        "https://www.instagram.com/uniklinik_karriere/",
        "",
        "Uniklinik",
        anna.user,
    )
    day = PeerDay.objects.get(peer=peer)
    assert (day.followers, day.posts_total, day.posts_sampled, day.interactions) == (
        8800,
        2,
        2,
        190,
    )
    [asked] = sandbox.requests("facebook", path=f"/graph/v21.0/{instagram_channel.remote_user_id}")
    assert "business_discovery.username(uniklinik_karriere)" in asked["query"]["fields"][0]
    assert asked["query"]["access_token"] == ["ig-token"]


def test_it_says_that_instagram_peers_need_our_instagram_account(org, anna, sandbox):
    with pytest.raises(ProfileInputError, match="Instagram-Business-Konto"):
        services.add_peer(org, "instagram", "@uniklinik_karriere", "", "", anna.user)


def test_it_names_an_unknown_instagram_account(org, anna, sandbox, instagram_channel):
    with pytest.raises(ProfileInputError, match="nicht gefunden"):
        services.add_peer(org, "instagram", "@gibtesnicht", "", "", anna.user)
