"""The burst path in-process: ``drain`` over several networks, in slices, with a heartbeat.

These tests commit (``transactional_db``): the send threads and the heartbeat use
their own database connections and must see the rows.
"""

import datetime as dt
import os

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from carecast.networks.models import Channel, ChannelStatus
from carecast.publishing import dispatch, leases, services, states
from carecast.publishing.models import Attempt, Publication, State

pytestmark = pytest.mark.django_db(transaction=True)


def _schedule(story_for, channel, count: int, due: dt.datetime) -> list[Publication]:
    """Scheduled for later (no dispatch task runs in-process), then made due at ``due``."""
    later = due + dt.timedelta(hours=1)
    publications = [
        services.schedule(
            story_for(
                channel, text=f"Beitrag {channel.network} Nr. {n}: Besuchszeiten."
            ).variants.get(),
            later,
        )
        for n in range(count)
    ]
    Publication.objects.filter(pk__in=[p.pk for p in publications]).update(due_at=due)
    return publications


def test_it_publishes_a_burst_over_every_network_exactly_once(channel_on, story_for, sandbox):
    now = timezone.now()
    channels = [channel_on(network) for network in ("mastodon", "x", "bluesky")]
    for channel in channels:
        _schedule(story_for, channel, 25, now)
    outcomes = dispatch.drain(workers=4, until=now)
    assert len(outcomes) == 75
    assert set(Publication.objects.values_list("state", flat=True)) == {State.PUBLISHED}
    for network in ("mastodon", "x", "bluesky"):
        texts = [p["text"] for p in sandbox.posts(network)]
        assert sorted(texts) == sorted(set(texts)) and len(texts) == 25, network
    assert set(Attempt.objects.values_list("outcome", flat=True)) == {Attempt.Outcome.SUCCESS}
    assert not Publication.objects.filter(outcome_unknown=True).exists()
    assert set(Publication.objects.values_list("attempt_count", flat=True)) == {1}


def test_it_claims_in_slices_and_sends_each_slice_before_claiming_more(
    channel_on, story_for, sandbox, monkeypatch
):
    monkeypatch.setattr(dispatch, "SLICE_SIZE", 5)
    now = timezone.now()
    _schedule(story_for, channel_on("mastodon"), 12, now)
    seen: list[tuple[int, int]] = []
    claim_due = states.claim_due

    def watching(until, limit, ids=None, lease=None):
        # What had reached the network when the next slice was claimed.
        seen.append((limit, len(sandbox.posts("mastodon"))))
        return claim_due(until, limit, ids, lease)

    monkeypatch.setattr(states, "claim_due", watching)
    dispatch.drain(workers=2, until=now)
    assert seen == [(5, 0), (5, 5), (5, 10), (5, 12)]


def test_it_retries_only_the_post_that_failed_in_a_burst(channel_on, story_for, sandbox, settings):
    # A retry 30 s away (the retry base) is further off than half a 5 s lease: given back.
    settings.CARECAST_CLAIM_LEASE_SECONDS = 5
    now = timezone.now()
    mastodon = channel_on("mastodon", max_concurrent=1)
    publications = _schedule(story_for, mastodon, 3, now)
    sandbox.inject_fault(network="mastodon", path="/api/v1/statuses", status=500)
    dispatch.drain(workers=1, until=now)
    states_now = {p.pk: p.state for p in Publication.objects.all()}
    assert states_now[publications[0].pk] == State.SCHEDULED
    assert [states_now[p.pk] for p in publications[1:]] == [State.PUBLISHED] * 2
    first = Publication.objects.get(pk=publications[0].pk)
    assert first.next_attempt_at > now and not first.outcome_unknown  # a 500 created nothing
    assert len(sandbox.posts("mastodon")) == 2


def test_it_renews_the_claims_it_holds_and_stops_when_released(channel_on, story_for):
    now = timezone.now()
    [publication] = _schedule(story_for, channel_on("mastodon"), 1, now)
    token = states.claim_due(now, 10)
    Publication.objects.filter(pk=publication.pk).update(claimed_at=now - dt.timedelta(hours=1))
    with leases.Heartbeat(interval=60) as heartbeat:
        heartbeat.hold(token)
        assert heartbeat.beat() == 1
        renewed = Publication.objects.get(pk=publication.pk).claimed_at
        assert renewed >= now
        assert heartbeat.beat() == 0  # renewed a moment ago: no write
        Publication.objects.filter(pk=publication.pk).update(claimed_at=now - dt.timedelta(hours=1))
        heartbeat.release(token)
        assert heartbeat.beat() == 0
    # No longer renewed: an hour-old claim nobody beats for goes back.
    assert states.release_stale_claims(dt.timedelta(seconds=120), now) == 1


def test_it_beats_a_few_times_per_lease(settings):
    settings.CARECAST_CLAIM_LEASE_SECONDS = 120
    assert leases.beat_interval() == 30
    assert leases.Heartbeat().interval == 30
    # Posts leave only under a claim fresher than a takeover needs, and older than a
    # live holder's claim ever gets (three beats: renewed at two, one beat late at most).
    assert leases.send_window() == dt.timedelta(seconds=105)


def test_it_renews_only_claims_two_beats_old(channel_on, story_for):
    now = timezone.now()
    [publication] = _schedule(story_for, channel_on("mastodon"), 1, now)
    token = states.claim_due(now, 10)
    with leases.Heartbeat(interval=60) as heartbeat:
        heartbeat.hold(token)
        Publication.objects.filter(pk=publication.pk).update(
            claimed_at=timezone.now() - dt.timedelta(seconds=100)
        )
        assert heartbeat.beat() == 0  # held under two beats: no write
        Publication.objects.filter(pk=publication.pk).update(
            claimed_at=timezone.now() - dt.timedelta(seconds=121)
        )
        assert heartbeat.beat() == 1


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="counts PostgreSQL connections (pg_stat_activity)",
)
def test_it_closes_the_connections_of_its_threads_after_each_slice(
    channel_on, story_for, sandbox, monkeypatch
):
    monkeypatch.setattr(dispatch, "SLICE_SIZE", 2)
    now = timezone.now()
    _schedule(story_for, channel_on("mastodon"), 12, now)

    def open_connections() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            )
            return cursor.fetchone()[0]

    before = open_connections()
    dispatch.drain(workers=4, until=now)
    # Six slices, each with send threads and a writer: none of their connections stay open.
    assert open_connections() == before


def test_it_retries_a_post_due_again_soon_under_the_same_claim(
    channel_on, story_for, sandbox, settings
):
    # Half a 10 s lease is 5 s: a retry about a second away waits in the burst.
    settings.CARECAST_CLAIM_LEASE_SECONDS = 10
    settings.CARECAST_RETRY_BASE_SECONDS = 1
    now = timezone.now()
    mastodon = channel_on("mastodon", max_concurrent=1)
    publications = _schedule(story_for, mastodon, 3, now)
    sandbox.inject_fault(network="mastodon", path="/api/v1/statuses", status=503, retry_after=1)
    outcomes = dispatch.drain(workers=1, until=now)
    assert {o.state for o in outcomes} == {State.PUBLISHED} and len(outcomes) == 3
    assert len(sandbox.posts("mastodon")) == 3
    first = Publication.objects.get(pk=publications[0].pk)
    assert (first.state, first.attempt_count, first.outcome_unknown) == (State.PUBLISHED, 2, False)
    tried = list(first.attempts.order_by("number").values_list("number", "outcome"))
    assert tried == [(1, Attempt.Outcome.RETRY), (2, Attempt.Outcome.SUCCESS)]


def test_it_looks_up_a_post_retried_under_a_claim_whose_worker_then_died(channel_on, story_for):
    # A burst's retry writes no publication row (``dispatch.Parked``): the attempt of
    # unknown outcome it left is all that says the post may be out there.
    now = timezone.now()
    [publication] = _schedule(story_for, channel_on("x"), 1, now)
    lease = dt.timedelta(seconds=120)
    token = states.claim_due(now, 10)
    attempt = states.start_attempt(publication, token)
    Attempt.objects.filter(pk=attempt.pk).update(outcome=Attempt.Outcome.UNKNOWN)
    later = now + lease + dt.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        taken = states.claim_due(later, 10, lease=lease)
    fresh = Publication.objects.get(pk=publication.pk)
    assert (fresh.claim_token, fresh.outcome_unknown, fresh.attempt_count) == (taken, True, 1)


def test_it_gives_back_only_dead_claims_of_paused_channels_when_the_worker_reconciles(
    channel_on, story_for
):
    # The burst takes a dead worker's claim over in one write; a give-back first would
    # be a second. Paused channels' posts no burst takes: those go back.
    now = timezone.now()
    live = _schedule(story_for, channel_on("mastodon"), 1, now)[0]
    paused_channel = channel_on("x")
    paused = _schedule(story_for, paused_channel, 1, now)[0]
    assert states.claim_due(now, 10)
    Channel.objects.filter(pk=paused_channel.pk).update(status=ChannelStatus.PAUSED)
    later = now + 3 * dt.timedelta(seconds=settings.CARECAST_CLAIM_LEASE_SECONDS)
    assert dispatch.reconcile(later, paused_only=True) == 1  # the live one, for the burst
    assert Publication.objects.get(pk=live.pk).state == State.PUBLISHING
    assert Publication.objects.get(pk=paused.pk).state == State.SCHEDULED
