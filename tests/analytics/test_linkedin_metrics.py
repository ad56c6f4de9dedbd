"""A LinkedIn organisation's numbers through the sync: impressions, reactions, comments,
reposts and clicks from the share statistics in one call; followers from networkSizes."""

from __future__ import annotations

import datetime as dt

import pytest

from carecast.analytics import sync
from carecast.analytics.models import FollowerCount, MetricSnapshot, Post
from carecast.networks.models import Channel

T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def linkedin(org, sandbox, time_machine):
    time_machine.move_to(T0, tick=False)
    remote = sandbox.add_account(
        "linkedin", "klinikum", "li-token", user_id="2414183", followers_count=12800
    )
    channel = Channel(
        organisation=org, network="linkedin", name="LinkedIn", handle="klinikum",
        base_url=f"{sandbox.base_url}/linkedin", remote_user_id=str(remote["id"]),
        is_sandbox=True,
    )  # fmt: skip
    channel.set_credentials({"access_token": "li-token"})
    channel.save()
    return channel


def _share(org, channel, sandbox, urn: str, **counts) -> Post:
    sandbox.store.add_post("linkedin", "klinikum", urn, "Karriere", "https://li/p", counts)
    return Post.objects.create(
        organisation=org, channel=channel, remote_id=urn, published_at=T0,
        next_sync_at=T0 + dt.timedelta(hours=1),
    )  # fmt: skip


def test_it_reads_the_share_statistics_and_followers(org, linkedin, sandbox, time_machine):
    _share(org, linkedin, sandbox, "urn:li:share:7001", impressionCount=3100, likeCount=85,
           commentCount=7, shareCount=4, clickCount=120)  # fmt: skip
    _share(org, linkedin, sandbox, "urn:li:share:7002", impressionCount=10)
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    result = sync.sync_channel(linkedin)
    assert result.error == ""
    first = MetricSnapshot.objects.get(post__remote_id="urn:li:share:7001")
    assert (first.views, first.likes, first.comments, first.shares) == (3100, 85, 7, 4)
    assert (first.link_clicks, first.saves) == (120, None)
    assert MetricSnapshot.objects.get(post__remote_id="urn:li:share:7002").views == 10
    assert (
        len(sandbox.requests("linkedin", "/linkedin/rest/organizationalEntityShareStatistics")) == 1
    )
    assert FollowerCount.objects.get().followers == 12800
