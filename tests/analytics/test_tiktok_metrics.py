"""TikTok's counts through the sync: views, likes, comments, shares of the creator's videos
in one video query; followers; a video no longer found marked gone; saves missing."""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.analytics import sync
from carecast.analytics.models import FollowerCount, MetricSnapshot, Post
from carecast.networks.models import Channel

T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def tiktok(org, sandbox, time_machine):
    time_machine.move_to(T0, tick=False)
    remote = sandbox.add_account("tiktok", "klinikum", "tt-token", followers_count=4100)
    channel = Channel(
        organisation=org, network="tiktok", name="TikTok", handle="klinikum",
        base_url=f"{sandbox.base_url}/tiktok", remote_user_id=str(remote["id"]), is_sandbox=True,
    )  # fmt: skip
    channel.set_credentials({"access_token": "tt-token"})
    channel.save()
    return channel


def _video(org, channel, sandbox, video_id: str, **counts) -> Post:
    sandbox.store.add_post("tiktok", "klinikum", video_id, "OP-Team", "https://tt/v", counts)
    return Post.objects.create(
        organisation=org, channel=channel, remote_id=video_id, published_at=T0,
        next_sync_at=T0 + dt.timedelta(hours=1), format="video",
    )  # fmt: skip


def test_it_reads_views_likes_comments_shares_and_followers(org, tiktok, sandbox, time_machine):
    _video(org, tiktok, sandbox, "7301", view_count=9000, like_count=640, comment_count=31,
           share_count=12)  # fmt: skip
    gone = _video(org, tiktok, sandbox, "7302", view_count=5)
    sandbox.store.delete_post("tiktok", "7302")
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    result = sync.sync_channel(tiktok)
    assert (result.error, result.gone) == ("", 1)
    snap = MetricSnapshot.objects.get()
    assert (snap.views, snap.likes, snap.comments, snap.shares) == (9000, 640, 31, 12)
    assert (snap.saves, snap.link_clicks) == (None, None)
    gone.refresh_from_db()
    assert gone.gone
    assert FollowerCount.objects.get().followers == 4100
