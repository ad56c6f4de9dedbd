"""The metric sync against the Mastodon sandbox: the schedule follows a post's life (pinned
clock), missing numbers stay missing, a 429 pauses the channel until the window opens, posts
made directly on the network are imported, deleted ones are kept with their last numbers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from carecast.analytics import sync
from carecast.analytics.models import ChannelSync, FollowerCount, MetricSnapshot, Post
from carecast.networks.models import Channel
from carecast.publishing import dispatch, services

BERLIN = ZoneInfo("Europe/Berlin")
# In UTC: "30 days later" is elapsed time (Berlin changes to summer time on the way).
T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)

    def move(delta: dt.timedelta) -> dt.datetime:
        time_machine.move_to(T0 + delta, tick=False)
        return timezone.now()

    return move


@pytest.fixture
def mastodon(org, sandbox) -> Channel:
    remote = sandbox.add_account("mastodon", "klinikum", "token-m", followers_count=1234)
    channel = Channel(
        organisation=org, network="mastodon", name="Mastodon", handle="klinikum",
        base_url=sandbox.base_url, remote_user_id=str(remote["id"]), is_sandbox=True,
    )  # fmt: skip
    channel.set_credentials({"access_token": "token-m"})
    channel.save()
    return channel


@pytest.fixture
def published(mastodon, story_for, clock):
    publication = services.schedule(story_for(mastodon).variants.get(), timezone.now())
    dispatch.publish_one(publication.pk)
    publication.refresh_from_db()
    assert publication.remote_id
    return publication


def _counts(sandbox, publication, **counts):
    sandbox.store.update_post_data("mastodon", publication.remote_id, **counts)


def test_it_reads_on_the_stages_of_a_posts_life():
    published = T0
    assert sync.schedule_after(published, T0) == (0, T0 + H)
    assert sync.schedule_after(published, T0 + H) == (1, T0 + 6 * H)
    assert sync.schedule_after(published, T0 + 2 * D) == (3, T0 + 3 * D)
    assert sync.schedule_after(published, T0 + 7 * D) == (5, T0 + 30 * D)
    assert sync.schedule_after(published, T0 + 30 * D) == (6, None)


def test_it_follows_a_published_post_from_one_hour_to_thirty_days(
    published, mastodon, sandbox, clock
):
    assert sync.discover() == 1
    post = Post.objects.get()
    assert (post.publication, post.next_sync_at) == (published, T0 + H)

    clock(30 * dt.timedelta(minutes=1))
    assert sync.sync_channel(mastodon).posts == 0  # nothing due yet

    _counts(sandbox, published, favourites_count=12, reblogs_count=3, replies_count=2)
    clock(H)
    assert sync.sync_channel(mastodon).posts == 1
    post.refresh_from_db()
    assert (post.latest_likes, post.latest_shares, post.latest_comments) == (12, 3, 2)
    assert post.next_sync_at == T0 + 6 * H

    # Down for two days: one late read, and the next stage is 3 days after publishing.
    _counts(sandbox, published, favourites_count=40)
    clock(2 * D)
    sync.sync_channel(mastodon)
    post.refresh_from_db()
    assert (post.latest_likes, post.sync_stage, post.next_sync_at) == (40, 3, T0 + 3 * D)

    for when in (3 * D, 7 * D, 30 * D):
        clock(when)
        sync.sync_channel(mastodon)
    post.refresh_from_db()
    assert post.next_sync_at is None
    assert MetricSnapshot.objects.filter(post=post).count() == 5
    clock(60 * D)
    assert sync.sync_channel(mastodon).posts == 0


def test_it_keeps_what_mastodon_does_not_report_missing_not_zero(published, mastodon, clock):
    sync.discover()
    clock(H)
    sync.sync_channel(mastodon)
    snapshot = MetricSnapshot.objects.get()
    assert snapshot.likes == 0  # reported: nobody liked it yet
    # Mastodon has no views, no public saves and no link clicks.
    assert (snapshot.views, snapshot.saves, snapshot.link_clicks) == (None, None, None)
    post = Post.objects.get()
    assert post.latest_views is None


def test_it_pauses_the_channel_for_the_networks_rate_limit_window(
    published, mastodon, sandbox, clock
):
    sync.discover()
    now = clock(H)
    sandbox.inject_fault(network="mastodon", path="/api/v1/statuses", status=429, retry_after=300)
    result = sync.sync_channel(mastodon)
    assert result.posts == 0 and result.error
    state = ChannelSync.objects.get(channel=mastodon)
    assert now + dt.timedelta(seconds=290) <= state.blocked_until <= now + dt.timedelta(seconds=310)
    assert not MetricSnapshot.objects.exists()

    asked = len(sandbox.requests("mastodon", "/api/v1/statuses", "GET"))
    clock(H + dt.timedelta(minutes=2))
    assert sync.sync_channel(mastodon).posts == 0
    assert len(sandbox.requests("mastodon", "/api/v1/statuses", "GET")) == asked  # not asked

    clock(H + dt.timedelta(minutes=6))
    assert sync.sync_channel(mastodon).posts == 1
    assert ChannelSync.objects.get(channel=mastodon).last_error == ""


def test_it_reads_followers_and_imports_posts_made_directly_on_mastodon(
    published, mastodon, sandbox, clock
):
    direct = sandbox.store.add_post(
        "mastodon", "klinikum", "990001", "Direkt in Mastodon geschrieben",
        f"{sandbox.base_url}/@klinikum/990001",
        {"created_at": (T0 - 2 * H).isoformat(), "favourites_count": 7},
    )  # fmt: skip
    sync.discover()
    clock(H)
    result = sync.sync_channel(mastodon)
    assert result.imported == 1
    imported = Post.objects.get(imported=True)
    assert (imported.remote_id, imported.latest_likes, imported.publication) == (
        direct["id"], 7, None,
    )  # fmt: skip
    assert imported.next_sync_at == T0 - 2 * H + 6 * H
    # Our own post is not imported a second time.
    assert Post.objects.filter(remote_id=published.remote_id).count() == 1
    assert FollowerCount.objects.get().followers == 1234
    # Within the hour, followers and recent posts are not read again.
    clock(H + dt.timedelta(minutes=5))
    sync.sync_channel(mastodon)
    assert FollowerCount.objects.count() == 1


def test_it_keeps_a_deleted_post_with_its_last_numbers(published, mastodon, sandbox, clock):
    sync.discover()
    _counts(sandbox, published, favourites_count=5)
    clock(H)
    sync.sync_channel(mastodon)
    sandbox.store.delete_post("mastodon", published.remote_id)
    clock(6 * H)
    assert sync.sync_channel(mastodon).gone == 1
    post = Post.objects.get()
    assert (post.gone, post.latest_likes, post.next_sync_at) == (True, 5, None)


def test_the_periodic_task_follows_new_posts_and_reads_every_channel(
    published, mastodon, sandbox, clock
):
    from carecast.analytics import tasks

    clock(H)
    assert tasks.sync_metrics.call_local() == 1  # one channel that can be read
    post = Post.objects.get()
    assert post.publication == published
    assert MetricSnapshot.objects.filter(post=post).count() == 1
