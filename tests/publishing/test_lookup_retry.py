"""A failed look-up after an unknown outcome is a transient error like any other.

X has no idempotency key, so a post whose earlier attempt may have reached X is
looked up among the account's recent posts before it is sent again. When that read
fails (429, 5xx), the post comes back later with backoff, honouring Retry-After;
only after ``LOOKUP_ATTEMPTS`` failed reads does a person have to look.
"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from carecast.networks.base import CannotVerify, ConnectorError
from carecast.publishing import dispatch, services
from carecast.publishing.models import Attempt, Publication, State

NOON = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
TIMELINE = "/2/users/*"


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def unknown(channel_on, story_for, clock):
    """An X post whose earlier attempt may have reached X (its worker died mid-request)."""
    x = channel_on("x")
    variant = story_for(x, text="Blutspende am Freitag im Foyer, 9 bis 15 Uhr.").variants.get()
    publication = services.schedule(variant, NOON)
    Publication.objects.filter(pk=publication.pk).update(outcome_unknown=True, attempt_count=1)
    return publication


def _step(publication: Publication, clock) -> Publication:
    publication.refresh_from_db()
    if publication.next_attempt_at:
        clock.move_to(publication.next_attempt_at)
    dispatch.publish_one(publication.pk)
    publication.refresh_from_db()
    return publication


def test_it_looks_again_later_when_the_look_up_is_rate_limited(unknown, sandbox, clock):
    sandbox.inject_fault(path=TIMELINE, method="GET", status=429, retry_after=300)
    publication = _step(unknown, clock)
    assert publication.state == State.SCHEDULED
    assert publication.outcome_unknown  # still unknown: the next attempt looks first
    assert publication.lookup_failures == 1
    assert publication.next_attempt_at >= NOON + dt.timedelta(seconds=300)
    assert sandbox.requests("x", "/2/tweets", "POST") == []
    assert dispatch.publish_one(publication.pk) is None  # not before Retry-After
    attempt = publication.attempts.get()
    assert attempt.outcome == Attempt.Outcome.RETRY
    # The look-up works the next time: absent, so it is sent, exactly once.
    publication = _step(publication, clock)
    assert publication.state == State.PUBLISHED
    assert len(sandbox.posts("x")) == 1


def test_it_records_a_post_it_finds_after_failed_look_ups(unknown, sandbox, clock, channel_on):
    x = unknown.channel
    # The earlier attempt did reach X.
    x.rules.connector(x.account()).publish(dispatch.build_request(unknown))
    sandbox.inject_fault(path=TIMELINE, method="GET", status=503, times=2)
    for _ in range(2):
        publication = _step(unknown, clock)
        assert publication.state == State.SCHEDULED
    publication = _step(unknown, clock)
    assert publication.state == State.PUBLISHED
    [post] = sandbox.posts("x")
    assert publication.remote_id == str(post["id"])
    assert sandbox.requests("x", "/2/tweets", "POST")[1:] == []  # never sent again


def test_it_asks_a_person_only_after_repeated_failed_look_ups(unknown, sandbox, clock):
    sandbox.inject_fault(path=TIMELINE, method="GET", status=500, times=None)
    waits = []
    publication = unknown
    for _ in range(dispatch.LOOKUP_ATTEMPTS - 1):
        before = timezone.now()
        publication = _step(publication, clock)
        assert publication.state == State.SCHEDULED
        waits.append(publication.next_attempt_at - before)
    assert waits == sorted(waits)  # backing off, not hammering the network
    publication = _step(publication, clock)
    assert publication.state == State.UNCONFIRMED
    assert publication.lookup_failures == dispatch.LOOKUP_ATTEMPTS
    assert str(dispatch.LOOKUP_ATTEMPTS) in publication.last_error
    assert sandbox.requests("x", "/2/tweets", "POST") == []
    outcomes = list(publication.attempts.values_list("outcome", flat=True))
    assert outcomes == ["retry"] * (dispatch.LOOKUP_ATTEMPTS - 1) + ["unknown"]


def _caused(error: ConnectorError, cause: ConnectorError) -> ConnectorError:
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "may_pass"),
    [
        (ConnectorError("503", status=503), True),
        (ConnectorError("timeout", outcome_unknown=True), True),
        (_caused(CannotVerify("429", retry_after=60), ConnectorError("429", status=429)), True),
        (CannotVerify("a post of only links cannot be recognised"), False),
        (CannotVerify("the record key holds another post", permanent=True), False),
        (_caused(CannotVerify("revoked", auth=True), ConnectorError("401", auth=True)), False),
    ],
)
def test_it_retries_only_look_ups_that_failed_for_a_moment(error, may_pass):
    assert dispatch._lookup_may_pass(error) is may_pass


def test_it_sends_a_post_never_sent_without_looking(channel_on, story_for, sandbox, clock):
    x = channel_on("x")
    variant = story_for(x, text="Neue Parkplätze am Haupteingang.").variants.get()
    publication = _step(services.schedule(variant, NOON), clock)
    assert publication.state == State.PUBLISHED
    assert sandbox.requests("x", "/2/users/" + x.remote_user_id + "/tweets", "GET") == []
