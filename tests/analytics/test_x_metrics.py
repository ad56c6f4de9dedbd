"""X's counts through the sync: public metrics for every post, non-public (link clicks, the
author's impressions) for the account's own posts of the last 30 days, then public only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from carecast.analytics import sync
from carecast.analytics.models import FollowerCount, MetricSnapshot, Post
from carecast.networks.models import Channel
from carecast.publishing import dispatch, services

T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
PUBLIC = {"retweet_count": 4, "reply_count": 2, "like_count": 31, "quote_count": 1,
          "bookmark_count": 3, "impression_count": 900}  # fmt: skip
PRIVATE = {"impression_count": 1200, "url_link_clicks": 45, "user_profile_clicks": 6}


@pytest.fixture
def x_channel(org, sandbox) -> Channel:
    remote = sandbox.add_account("x", "KlinikumMS", "token-x", followers_count=5200)
    channel = Channel(
        organisation=org, network="x", name="X – Klinikum", handle="KlinikumMS",
        base_url=sandbox.base_url, remote_user_id=str(remote["id"]), is_sandbox=True,
    )  # fmt: skip
    channel.set_credentials({"access_token": "token-x"})
    channel.save()
    return channel


@pytest.fixture
def tweet(x_channel, story_for, sandbox, time_machine):
    time_machine.move_to(T0, tick=False)
    publication = services.schedule(story_for(x_channel).variants.get(), timezone.now())
    dispatch.publish_one(publication.pk)
    publication.refresh_from_db()
    sandbox.store.update_post_data(
        "x", publication.remote_id, public_metrics=PUBLIC, non_public_metrics=PRIVATE
    )
    sync.discover()
    return publication


def test_it_reads_the_authors_counts_of_a_young_post(tweet, x_channel, time_machine):
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    sync.sync_channel(x_channel)
    snapshot = MetricSnapshot.objects.get()
    assert (snapshot.views, snapshot.likes, snapshot.comments) == (1200, 31, 2)
    assert (snapshot.shares, snapshot.saves, snapshot.link_clicks) == (5, 3, 45)
    assert FollowerCount.objects.get().followers == 5200


def test_after_thirty_days_it_reads_the_public_counts_and_link_clicks_go_missing(
    tweet, x_channel, sandbox, time_machine
):
    time_machine.move_to(T0 + dt.timedelta(days=30, minutes=5), tick=False)
    sync.sync_channel(x_channel)
    snapshot = MetricSnapshot.objects.get()
    assert (snapshot.views, snapshot.likes) == (900, 31)
    assert snapshot.link_clicks is None  # X no longer tells: missing, not 0
    lookups = sandbox.requests("x", "/2/tweets", "GET")
    assert len(lookups) == 2  # with non-public metrics, refused; then public only


def test_a_deleted_post_is_marked_gone(tweet, x_channel, sandbox, time_machine):
    sandbox.store.delete_post("x", tweet.remote_id)
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    assert sync.sync_channel(x_channel).gone == 1
    assert Post.objects.get().gone


def test_it_waits_for_xs_rate_limit_window(tweet, x_channel, sandbox, time_machine):
    now = T0 + dt.timedelta(hours=1)
    time_machine.move_to(now, tick=False)
    sandbox.inject_fault(network="x", path="/2/tweets", status=429, retry_after=900)
    result = sync.sync_channel(x_channel)
    assert result.blocked_until is not None
    assert result.blocked_until >= now + dt.timedelta(seconds=890)
    assert not MetricSnapshot.objects.exists()
