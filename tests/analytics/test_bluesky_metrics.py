"""Bluesky's public counts through the sync: likes, reposts with quotes, replies; no views."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from carecast.analytics import sync
from carecast.analytics.models import FollowerCount, MetricSnapshot, Post
from carecast.publishing import dispatch, services

T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def skeet(channel_on, story_for, sandbox, time_machine):
    time_machine.move_to(T0, tick=False)
    channel = channel_on("bluesky", "klinikum.bsky.test")
    publication = services.schedule(story_for(channel).variants.get(), timezone.now())
    dispatch.publish_one(publication.pk)
    publication.refresh_from_db()
    sandbox.store.update_post_data(
        "bluesky", publication.remote_id, likeCount=21, repostCount=4, quoteCount=1, replyCount=3
    )
    sync.discover()
    return channel, publication


def test_it_reads_likes_reposts_and_replies_and_leaves_views_missing(skeet, time_machine):
    channel, _publication = skeet
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    result = sync.sync_channel(channel)
    assert result.error == ""
    snapshot = MetricSnapshot.objects.get(post__imported=False)
    assert (snapshot.likes, snapshot.shares, snapshot.comments) == (21, 5, 3)
    assert (snapshot.views, snapshot.saves, snapshot.link_clicks) == (None, None, None)
    assert FollowerCount.objects.filter(channel=channel).exists()
    # Our own post is not imported again from the author feed.
    assert Post.objects.count() == 1


def test_a_deleted_skeet_is_marked_gone(skeet, sandbox, time_machine):
    channel, publication = skeet
    sandbox.store.delete_post("bluesky", publication.remote_id)
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    assert sync.sync_channel(channel).gone == 1
