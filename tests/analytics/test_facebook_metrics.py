"""A Facebook Page's numbers through the sync: reactions, comments, shares (absent = none),
reach as views, link clicks from the post insights; a deleted post among many is found."""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.analytics import sync
from carecast.analytics.models import FollowerCount, MetricSnapshot, Post
from carecast.networks.facebook.graph import GRAPH_VERSION, reset_throttles
from carecast.networks.models import Channel

T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def page(org, sandbox, time_machine):
    reset_throttles()
    time_machine.move_to(T0, tick=False)
    remote = sandbox.add_account(
        "facebook", "babytown", "page-token", display_name="Babytown", followers_count=8100
    )
    channel = Channel(
        organisation=org, network="facebook", name="Facebook – Babytown", handle="Babytown",
        base_url=f"{sandbox.base_url}/graph", remote_user_id=str(remote["id"]), is_sandbox=True,
    )  # fmt: skip
    channel.set_credentials({"access_token": "page-token"})
    channel.save()
    yield channel
    reset_throttles()


def _post(org, channel, sandbox, remote_id: str, **counts) -> Post:
    sandbox.store.add_post("facebook", "babytown", remote_id, "Infoabend", "https://fb/x", counts)
    return Post.objects.create(
        organisation=org, channel=channel, remote_id=remote_id, published_at=T0,
        next_sync_at=T0 + dt.timedelta(hours=1),
    )  # fmt: skip


def test_it_reads_reactions_comments_shares_reach_and_link_clicks(org, page, sandbox, time_machine):
    _post(org, page, sandbox, "1_1", reactions=44, comments_count=6, shares=3,
          impressions_unique=2300, link_clicks=57)  # fmt: skip
    _post(org, page, sandbox, "1_2", reactions=5)
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    result = sync.sync_channel(page)
    assert result.error == ""
    first = MetricSnapshot.objects.get(post__remote_id="1_1")
    assert (first.views, first.likes, first.comments, first.shares) == (2300, 44, 6, 3)
    assert (first.link_clicks, first.saves) == (57, None)  # Pages keep no saves
    second = MetricSnapshot.objects.get(post__remote_id="1_2")
    assert second.shares == 0  # Meta leaves "shares" out when nobody shared it
    assert FollowerCount.objects.get().followers == 8100
    # Both posts in one multiple-ID read.
    assert len(sandbox.requests("facebook", f"/graph/{GRAPH_VERSION}", "GET")) == 1


def test_a_deleted_post_among_others_is_found_and_the_rest_is_read(
    org, page, sandbox, time_machine
):
    _post(org, page, sandbox, "1_1", reactions=44)
    gone = _post(org, page, sandbox, "1_2", reactions=5)
    sandbox.store.delete_post("facebook", "1_2")
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    result = sync.sync_channel(page)
    assert (result.gone, result.error) == (1, "")
    gone.refresh_from_db()
    assert gone.gone
    assert MetricSnapshot.objects.get().likes == 44
