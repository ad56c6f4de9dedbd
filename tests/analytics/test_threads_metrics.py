"""Threads' numbers through the sync: views, likes, replies, reposts with quotes; followers;
one insights call per post, a deleted post marked gone."""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.analytics import sync
from carecast.analytics.models import FollowerCount, MetricSnapshot, Post
from carecast.networks.facebook.graph import reset_throttles
from carecast.networks.models import Channel

T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def threads(org, sandbox, time_machine):
    reset_throttles()
    time_machine.move_to(T0, tick=False)
    remote = sandbox.add_account("threads", "klinikum", "th-token", followers_count=640)
    channel = Channel(
        organisation=org, network="threads", name="Threads", handle="klinikum",
        base_url=f"{sandbox.base_url}/threads-graph", remote_user_id=str(remote["id"]),
        is_sandbox=True,
    )  # fmt: skip
    channel.set_credentials({"access_token": "th-token"})
    channel.save()
    yield channel
    reset_throttles()


def _thread(org, channel, sandbox, remote_id: str, **counts) -> Post:
    sandbox.store.add_post("threads", "klinikum", remote_id, "Pflege", "https://th/p", counts)
    return Post.objects.create(
        organisation=org, channel=channel, remote_id=remote_id, published_at=T0,
        next_sync_at=T0 + dt.timedelta(hours=1),
    )  # fmt: skip


def test_it_reads_views_likes_replies_and_reshares(org, threads, sandbox, time_machine):
    _thread(org, threads, sandbox, "th1", views=800, likes=33, replies=4, reposts=2, quotes=1)
    gone = _thread(org, threads, sandbox, "th2", likes=1)
    sandbox.store.delete_post("threads", "th2")
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    result = sync.sync_channel(threads)
    assert (result.error, result.gone) == ("", 1)
    snap = MetricSnapshot.objects.get()
    assert (snap.views, snap.likes, snap.comments, snap.shares) == (800, 33, 4, 3)
    assert (snap.saves, snap.link_clicks) == (None, None)
    gone.refresh_from_db()
    assert gone.gone
    assert FollowerCount.objects.get().followers == 640
