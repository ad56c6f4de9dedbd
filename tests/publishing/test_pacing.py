"""Periodic work (inbox, feeds) steps aside for due posts and for a while after a start."""

import datetime as dt

import pytest
from django.utils import timezone

from carecast.core import pacing
from carecast.inbox import tasks as inbox_tasks
from carecast.publishing import services
from carecast.publishing import tasks as publishing_tasks
from carecast.publishing.models import Publication


@pytest.fixture(autouse=True)
def _fresh_pacing(monkeypatch):
    monkeypatch.setattr(pacing, "_started_at", None)
    monkeypatch.setattr(pacing, "_yielded", {})
    monkeypatch.setattr(pacing, "_busy_checks", [publishing_tasks.posts_due])


def test_it_waits_after_a_worker_start_before_periodic_work(db):
    pacing.worker_started(now=1000.0)
    assert not pacing.periodic_may_run("fetch_inbox", now=1000.0)
    assert not pacing.periodic_may_run("fetch_inbox", now=1000.0 + 19)
    assert pacing.periodic_may_run("fetch_inbox", now=1000.0 + pacing.STARTUP_GRACE_SECONDS)


def test_it_runs_periodic_work_at_once_when_nobody_started_a_worker(db):
    assert pacing.periodic_may_run("fetch_inbox")


def test_it_steps_aside_while_posts_are_due_but_never_starves(db, feed_channel, story_for):
    publication = services.schedule(
        story_for(feed_channel).variants.get(), timezone.now() + dt.timedelta(hours=1)
    )
    assert pacing.periodic_may_run("poll_due_sources")
    Publication.objects.filter(pk=publication.pk).update(due_at=timezone.now())
    assert publishing_tasks.posts_due()
    runs = [pacing.periodic_may_run("poll_due_sources") for _ in range(pacing.MAX_YIELDS + 1)]
    assert runs == [False] * pacing.MAX_YIELDS + [True]
    assert not pacing.periodic_may_run("poll_due_sources")  # and steps aside again
    assert not pacing.periodic_may_run("fetch_inbox")  # each task counts its own rounds


def test_it_spreads_per_channel_tasks_over_the_minute():
    assert pacing.spread(0, 1) == 0
    delays = [pacing.spread(i, 4, window=40) for i in range(4)]
    assert delays == [0, 10, 20, 30]


def test_it_skips_the_inbox_round_right_after_a_start(channel_on, sandbox):
    channel_on("mastodon")
    pacing.worker_started()
    assert inbox_tasks.fetch_inbox.call_local() == 0
    assert sandbox.requests("mastodon") == []
    pacing.worker_started(now=0.0)  # long ago
    assert inbox_tasks.fetch_inbox.call_local() == 1
