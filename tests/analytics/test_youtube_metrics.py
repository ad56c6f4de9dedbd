"""YouTube's public counts through the sync: views, likes, comments in one videos.list call;
subscribers; a deleted video marked gone; shares and saves missing."""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.analytics import sync
from carecast.analytics.models import FollowerCount, MetricSnapshot, Post
from carecast.networks.models import Channel

T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def youtube(org, sandbox, time_machine):
    time_machine.move_to(T0, tick=False)
    remote = sandbox.add_account("youtube", "klinikum", "yt-token", followers_count=2300)
    channel = Channel(
        organisation=org, network="youtube", name="YouTube", handle="klinikum",
        base_url=f"{sandbox.base_url}/youtube", remote_user_id=str(remote["id"]), is_sandbox=True,
    )  # fmt: skip
    channel.set_credentials({"access_token": "yt-token"})
    channel.save()
    return channel


def _video(org, channel, sandbox, video_id: str, **counts) -> Post:
    sandbox.store.add_post("youtube", "klinikum", video_id, "OP-Team", "https://yt/v", counts)
    return Post.objects.create(
        organisation=org, channel=channel, remote_id=video_id, published_at=T0,
        next_sync_at=T0 + dt.timedelta(hours=1), format="video",
    )  # fmt: skip


def test_it_reads_views_likes_comments_and_subscribers(org, youtube, sandbox, time_machine):
    _video(org, youtube, sandbox, "vid1", viewCount=1500, likeCount=80, commentCount=6)
    gone = _video(org, youtube, sandbox, "vid2", viewCount=3)
    sandbox.store.delete_post("youtube", "vid2")
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    result = sync.sync_channel(youtube)
    assert (result.error, result.gone, result.requests) == ("", 1, 3)  # counts, subscribers, posts
    snap = MetricSnapshot.objects.get()
    assert (snap.views, snap.likes, snap.comments) == (1500, 80, 6)
    assert (snap.shares, snap.saves, snap.link_clicks) == (None, None, None)
    gone.refresh_from_db()
    assert gone.gone
    assert FollowerCount.objects.get().followers == 2300
