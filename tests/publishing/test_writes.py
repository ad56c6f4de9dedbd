"""Writes per post (issue 17: at most 4): what a post costs the database on its way out.

The same count as ``python -m bench chaos`` (a trigger on every UPDATE of a publication
row, ``bench.chaos.WriteCounter``), here on the paths without faults and kills: claiming
is one write, sending none (the open attempt row is the mark "may have been sent"),
finishing one. A retry one at a time adds a give-back and a claim; a burst retries a
post due again soon under the claim it holds, at no write at all (``dispatch.Parked``).
"""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.chaos import WriteCounter
from carecast.publishing import dispatch, services, states
from carecast.publishing.models import Attempt, Publication, State

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def writes():
    """The counter; a test installs it once its posts are due (that setup is not counted)."""
    counter = WriteCounter()
    try:
        yield counter
    finally:
        counter.uninstall()


def _due(story_for, channel, count: int = 1) -> list[Publication]:
    now = timezone.now()
    publications = [
        services.schedule(
            story_for(
                channel, text=f"{channel.network} Nr. {n}: Blutspende im Foyer."
            ).variants.get(),
            now + dt.timedelta(hours=1),
        )
        for n in range(count)
    ]
    Publication.objects.filter(pk__in=[p.pk for p in publications]).update(due_at=now)
    return publications


def test_it_writes_each_post_twice_on_the_way_out_of_a_burst(channel_on, story_for, writes):
    publications = [
        p
        for network in ("mastodon", "x", "bluesky")
        for p in _due(story_for, channel_on(network), 3)
    ]
    writes.install()
    dispatch.drain(workers=2)
    assert set(Publication.objects.values_list("state", flat=True)) == {State.PUBLISHED}
    assert writes.per_post() == {p.pk: 2 for p in publications}
    assert writes.by_kind() == {"claim": 9, "finish": 9}


def test_it_writes_a_single_post_twice_and_its_attempt_twice(
    channel_on, story_for, sandbox, writes
):
    [publication] = _due(story_for, channel_on("mastodon"))
    writes.install()
    with CaptureQueriesContext(connection) as queries:
        dispatch.publish_one(publication.pk)
    statements = [q["sql"].split(None, 1)[0].upper() for q in queries.captured_queries]
    assert statements.count("INSERT") + statements.count("UPDATE") == 4, statements
    assert writes.per_post() == {publication.pk: 2}
    attempt = Attempt.objects.get(publication=publication)
    assert (attempt.number, attempt.outcome) == (1, Attempt.Outcome.SUCCESS)
    assert Publication.objects.get(pk=publication.pk).attempt_count == 1


def test_it_writes_a_retried_post_four_times(channel_on, story_for, sandbox, writes):
    [publication] = _due(story_for, channel_on("mastodon"))
    writes.install()
    sandbox.inject_fault(network="mastodon", path="/api/v1/statuses", status=500)
    assert dispatch.publish_one(publication.pk).state == State.SCHEDULED
    Publication.objects.filter(pk=publication.pk).update(next_attempt_at=None)
    assert writes.per_post() == {publication.pk: 3}  # the line above is the test's own
    assert dispatch.publish_one(publication.pk).state == State.PUBLISHED
    # claim, give back for the retry, (the test's write), claim, finish
    assert writes.per_post() == {publication.pk: 5}
    assert writes.by_kind() == {"claim": 2, "give back": 1, "finish": 1, "other": 1}
    fresh = Publication.objects.get(pk=publication.pk)
    assert (fresh.attempt_count, fresh.outcome_unknown) == (2, False)


def test_it_writes_a_post_retried_within_a_burst_twice(
    channel_on, story_for, sandbox, writes, settings
):
    settings.CARECAST_CLAIM_LEASE_SECONDS = 10  # retries under 5 s wait under the claim
    settings.CARECAST_RETRY_BASE_SECONDS = 1
    [publication] = _due(story_for, channel_on("mastodon"))
    writes.install()
    for status in (500, 503):
        sandbox.inject_fault(network="mastodon", path="/api/v1/statuses", status=status)
    dispatch.drain(workers=1)
    assert writes.per_post() == {publication.pk: 2}
    assert writes.by_kind() == {"claim": 1, "finish": 1}
    fresh = Publication.objects.get(pk=publication.pk)
    assert (fresh.state, fresh.attempt_count) == (State.PUBLISHED, 3)
    assert len(sandbox.posts("mastodon")) == 1


def test_it_writes_a_post_whose_worker_died_mid_request_at_most_four_times(
    channel_on, story_for, sandbox, writes, settings
):
    """Killed after the request left, then a failed look-up and a failed resend: X keeps
    no idempotency key, so the taker looks first (a 429), finds nothing, sends (a 503)
    and sends again. The dead claim, the takeover and the finish are all it writes."""
    settings.CARECAST_CLAIM_LEASE_SECONDS = 10
    settings.CARECAST_RETRY_BASE_SECONDS = 1
    [publication] = _due(story_for, channel_on("x"))
    Publication.objects.filter(pk=publication.pk).update(
        due_at=timezone.now() - dt.timedelta(minutes=2)
    )
    writes.install()
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=1), tick=False):
        token = states.claim_due(timezone.now(), 10)
        publication.refresh_from_db()
        assert states.start_attempt(publication, token)  # then the worker died
    sandbox.inject_fault(network="x", path="/2/users/*", method="GET", status=429, retry_after=1)
    sandbox.inject_fault(network="x", path="/2/tweets", status=503, retry_after=1)
    dispatch.drain(workers=1)
    assert writes.per_post() == {publication.pk: 3}
    assert writes.by_kind() == {"claim": 2, "finish": 1}
    fresh = Publication.objects.get(pk=publication.pk)
    assert (fresh.state, fresh.outcome_unknown) == (State.PUBLISHED, False)
    assert len(sandbox.posts("x")) == 1
    looked = [r for r in sandbox.requests("x", method="GET") if r["path"].startswith("/2/users/")]
    assert len(looked) == 2  # looked twice, sent twice
    assert len(sandbox.requests("x", "/2/tweets", "POST")) == 2
