"""Instagram's numbers through the sync: likes, comments, shares, saves and views from the
media fields and insights in one multiple-ID read; no link clicks on Instagram (missing)."""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.analytics import sync
from carecast.analytics.models import FollowerCount, MetricSnapshot, Post
from carecast.networks.facebook.graph import GRAPH_VERSION, reset_throttles
from carecast.networks.models import Channel

T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def insta(org, sandbox, time_machine):
    reset_throttles()
    time_machine.move_to(T0, tick=False)
    remote = sandbox.add_account("instagram", "klinikum_jobs", "ig-token", followers_count=2300)
    channel = Channel(
        organisation=org, network="instagram", name="Instagram – Karriere",
        handle="@klinikum_jobs", base_url=f"{sandbox.base_url}/graph",
        remote_user_id=str(remote["id"]), is_sandbox=True,
    )  # fmt: skip
    channel.set_credentials({"access_token": "ig-token"})
    channel.save()
    yield channel
    reset_throttles()


def _media(org, channel, sandbox, remote_id: str, **counts) -> Post:
    sandbox.store.add_post(
        "instagram", "klinikum_jobs", remote_id, "Pflege", "https://ig/p", counts
    )
    return Post.objects.create(
        organisation=org, channel=channel, remote_id=remote_id, published_at=T0,
        next_sync_at=T0 + dt.timedelta(hours=1),
    )  # fmt: skip


def test_it_reads_likes_comments_shares_saves_and_views(org, insta, sandbox, time_machine):
    _media(org, insta, sandbox, "1790001", like_count=120, comments_count=9, shares=14,
           saved=22, views=5400)  # fmt: skip
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    assert sync.sync_channel(insta).error == ""
    snap = MetricSnapshot.objects.get()
    assert (snap.views, snap.likes, snap.comments, snap.shares, snap.saves) == (
        5400, 120, 9, 14, 22,
    )  # fmt: skip
    assert snap.link_clicks is None


def test_a_deleted_media_is_found_among_the_others(org, insta, sandbox, time_machine):
    _media(org, insta, sandbox, "1790001", like_count=3)
    gone = _media(org, insta, sandbox, "1790002", like_count=4)
    sandbox.store.delete_post("instagram", "1790002")
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    result = sync.sync_channel(insta)
    assert (result.gone, result.error) == (1, "")
    gone.refresh_from_db()
    assert gone.gone and MetricSnapshot.objects.get().likes == 3


def test_it_reads_the_accounts_followers(org, insta, sandbox, time_machine):
    assert sync.sync_channel(insta).error == ""
    assert FollowerCount.objects.get(channel=insta).followers == 2300
    asked = sandbox.requests(path=f"/graph/{GRAPH_VERSION}/{insta.remote_user_id}", method="GET")
    assert asked and "followers_count" in str(asked[-1])

    # An hour later the account has grown; the sync reads it again.
    sandbox.store.add_account(
        "instagram", "klinikum_jobs", "ig-token", user_id=insta.remote_user_id,
        options={"followers_count": 2350},
    )  # fmt: skip
    time_machine.move_to(T0 + dt.timedelta(hours=1, minutes=1), tick=False)
    assert sync.sync_channel(insta).error == ""
    assert [f.followers for f in FollowerCount.objects.order_by("taken_at")] == [2300, 2350]
