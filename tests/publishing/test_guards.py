"""Every guard of every conditional UPDATE in ``publishing.states``, in-process.

Each test names the guard it stands for: removing that condition from the UPDATE
makes the test fail. The burst path (``claim_due``, ``start_attempt``,
``finish_published_many``) runs here directly, not only inside a worker process.
"""

import datetime as dt

import pytest
import time_machine

from carecast.networks.models import ChannelStatus
from carecast.publishing import services, states
from carecast.publishing.models import Attempt, Publication, State

NOON = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # a Wednesday
LEASE = dt.timedelta(seconds=120)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def due(feed_channel, story_for):
    """``due(n)``: n publications on the feed channel, due at noon."""

    def make(count: int = 1, channel=None) -> list[Publication]:
        return [
            services.schedule(story_for(channel or feed_channel).variants.get(), NOON)
            for _ in range(count)
        ]

    return make


def _fresh(publication: Publication) -> Publication:
    return Publication.objects.get(pk=publication.pk)


def _claimed(publication: Publication) -> tuple[Publication, str]:
    token = states.claim(publication.pk, NOON)
    assert token
    return _fresh(publication), token


# --- claim / claim_due ------------------------------------------------------------------------


def test_it_does_not_claim_a_post_waiting_for_its_retry(due):
    [publication] = due()
    Publication.objects.filter(pk=publication.pk).update(
        next_attempt_at=NOON + dt.timedelta(minutes=1)
    )
    assert states.claim(publication.pk, NOON) is None
    assert states.claim_due(NOON, 10) is None
    assert states.claim_due(NOON + dt.timedelta(minutes=1), 10)


def test_it_claims_a_burst_of_due_posts_in_one_update(due):
    publications = due(3)
    later = due(1)[0]
    Publication.objects.filter(pk=later.pk).update(due_at=NOON + dt.timedelta(hours=1))
    token = states.claim_due(NOON, 10)
    held = set(Publication.objects.filter(claim_token=token).values_list("id", flat=True))
    assert held == {p.pk for p in publications}
    assert all(_fresh(p).state == State.PUBLISHING for p in publications)
    assert _fresh(later).state == State.SCHEDULED
    assert states.claim_due(NOON, 10) is None  # nothing left to take


def test_it_claims_no_more_than_the_slice_and_only_the_given_ids(due):
    first, second, third = due(3)
    token = states.claim_due(NOON, 2)
    assert Publication.objects.filter(claim_token=token).count() == 2
    assert _fresh(third).state == State.SCHEDULED
    Publication.objects.update(state=State.SCHEDULED, claim_token="")
    token = states.claim_due(NOON, 10, ids=[second.pk])
    assert list(Publication.objects.filter(claim_token=token).values_list("id", flat=True)) == [
        second.pk
    ]


def test_it_sends_posts_never_sent_before_posts_that_need_a_look_up(due):
    unknown, fresh = due(2)
    Publication.objects.filter(pk=unknown.pk).update(outcome_unknown=True)
    token = states.claim_due(NOON, 1)
    assert list(Publication.objects.filter(claim_token=token).values_list("id", flat=True)) == [
        fresh.pk
    ]


def test_it_leaves_paused_channels_out_of_a_burst(due, feed_channel):
    due(2)
    feed_channel.status = ChannelStatus.PAUSED
    feed_channel.save()
    assert states.claim_due(NOON, 10) is None


def test_it_takes_over_the_claim_of_a_dead_worker_in_one_write(due):
    dead, alive, finished = due(3)
    dead, dead_token = _claimed(dead)
    assert states.start_attempt(dead, dead_token)  # it may have sent before it died
    _alive, alive_token = _claimed(alive)
    finished, finished_token = _claimed(finished)
    states.finish(finished, finished_token, State.PUBLISHED, remote_id="r1")
    later = NOON + LEASE + dt.timedelta(seconds=1)
    states.heartbeat([alive_token], later - dt.timedelta(seconds=30))
    with time_machine.travel(later, tick=False):
        assert states.claim_due(later, 10) is None  # without a lease: scheduled ones only
        token = states.claim_due(later, 10, lease=LEASE)
    taken = Publication.objects.get(claim_token=token)
    assert taken.pk == dead.pk and taken.outcome_unknown and taken.claimed_at == later
    assert taken.attempt_count == 1  # the open attempt counts
    assert _fresh(alive).claim_token == alive_token
    assert _fresh(finished).state == State.PUBLISHED


def test_it_takes_over_only_claims_older_than_the_lease(due):
    publication, token = _claimed(due()[0])
    now = NOON + LEASE - dt.timedelta(seconds=1)
    assert states.claim_ids([publication.pk], now, LEASE) is None
    assert states.claim_ids([publication.pk], NOON + LEASE + dt.timedelta(seconds=1), LEASE)


def test_it_leaves_a_post_another_worker_claimed_in_between(due):
    mine, theirs = due(2)
    other = states.claim(theirs.pk, NOON)
    token = states.claim_ids([mine.pk, theirs.pk], NOON)
    assert _fresh(mine).claim_token == token
    assert _fresh(theirs).claim_token == other
    assert states.claim_ids([theirs.pk], NOON) is None


# --- start_attempt ----------------------------------------------------------------------------


def test_it_marks_only_the_post_about_to_leave(due):
    first, second = due(2)
    token = states.claim_due(NOON, 10)
    first = _fresh(first)
    attempt = states.start_attempt(first, token)
    assert attempt and first.outcome_unknown and first.attempt_count == 1
    stored = Attempt.objects.get(publication=first)
    assert (stored.pk, stored.number, stored.outcome) == (attempt.pk, 1, Attempt.Outcome.PENDING)
    assert stored.started_at == NOON
    assert not Attempt.objects.filter(publication=second).exists()
    # A kill now: the first is looked up before a resend, the second is a plain retry.
    assert states.release_stale_claims(LEASE, NOON + LEASE + dt.timedelta(seconds=1)) == 2
    assert (_fresh(first).outcome_unknown, _fresh(first).attempt_count) == (True, 1)
    assert (_fresh(second).outcome_unknown, _fresh(second).attempt_count) == (False, 0)


def test_it_writes_no_publication_row_when_a_post_leaves(due):
    publication, token = _claimed(due()[0])
    before = Publication.objects.filter(pk=publication.pk).values().get()
    with time_machine.travel(NOON + dt.timedelta(seconds=5), tick=False):
        assert states.start_attempt(publication, token)
    assert Publication.objects.filter(pk=publication.pk).values().get() == before


def test_it_numbers_the_next_attempt_after_the_last(due):
    publication, token = _claimed(due()[0])
    Publication.objects.filter(pk=publication.pk).update(attempt_count=2)
    attempt = states.start_attempt(publication, token)
    assert attempt.number == 3 and publication.attempt_count == 3
    assert Attempt.objects.get(pk=attempt.pk).publication_id == publication.pk


def test_it_does_not_mark_a_post_under_someone_elses_claim(due):
    publication, _token = _claimed(due()[0])
    assert states.start_attempt(publication, "someone-else") is None
    assert not Attempt.objects.exists()
    assert not publication.outcome_unknown


def test_it_does_not_mark_a_post_that_left_publishing(due):
    publication, token = _claimed(due()[0])
    Publication.objects.filter(pk=publication.pk).update(state=State.CANCELLED)
    assert states.start_attempt(publication, token) is None
    assert not Attempt.objects.exists()


def test_it_sends_nothing_on_a_lease_about_to_run_out(due):
    publication, token = _claimed(due()[0])
    fresh = LEASE * 3 / 4
    with time_machine.travel(NOON + fresh + dt.timedelta(seconds=1), tick=False):
        assert states.start_attempt(publication, token, fresh=fresh) is None
    assert not Attempt.objects.exists()
    with time_machine.travel(NOON + fresh, tick=False):
        assert states.start_attempt(publication, token, fresh=fresh)


def test_it_does_not_count_an_old_open_attempt_as_a_new_unknown_outcome(due):
    publication, token = _claimed(due()[0])
    states.start_attempt(publication, token)  # crashed once, long ago
    assert states.release_stale_claims(LEASE, NOON + LEASE + dt.timedelta(seconds=1)) == 1
    # Since then it was looked up (absent), sent again and refused for a while (a 429).
    Publication.objects.filter(pk=publication.pk).update(outcome_unknown=False, attempt_count=2)
    Attempt.objects.create(
        publication=publication, number=2, started_at=NOON, outcome=Attempt.Outcome.RETRY
    )
    with time_machine.travel(NOON + LEASE * 2, tick=False):
        token = states.claim(publication.pk)
    assert token
    assert (_fresh(publication).outcome_unknown, _fresh(publication).attempt_count) == (False, 2)


# --- finish -----------------------------------------------------------------------------------


def test_it_does_not_finish_a_post_the_team_cancelled_meanwhile(due):
    publication, token = _claimed(due()[0])
    Publication.objects.filter(pk=publication.pk).update(state=State.CANCELLED)
    assert not states.finish(publication, token, State.PUBLISHED, remote_id="1")
    assert _fresh(publication).state == State.CANCELLED
    assert publication.remote_id == ""


def test_it_finishes_only_the_post_it_names(due):
    first, second = due(2)
    token = states.claim_due(NOON, 10)
    assert states.finish(_fresh(first), token, State.FAILED, last_error="x")
    assert _fresh(second).state == State.PUBLISHING


# --- finish_published_many --------------------------------------------------------------------


def _sending(publication: Publication, token: str) -> Attempt:
    attempt = states.start_attempt(_fresh(publication), token)
    assert attempt
    return attempt


def test_it_records_a_burst_of_successes_with_where_and_when(due):
    publications = due(3)
    token = states.claim_due(NOON, 10)
    attempts = [_sending(p, token) for p in publications]
    rows = [
        (p.pk, token, f"r{p.pk}", f"https://example.test/{p.pk}", NOON, a.pk)
        for p, a in zip(publications, attempts, strict=True)
    ]
    assert states.finish_published_many(rows) == 3
    for publication, attempt in zip(publications, attempts, strict=True):
        fresh = _fresh(publication)
        assert (fresh.state, fresh.remote_id, fresh.claim_token) == (
            State.PUBLISHED,
            f"r{publication.pk}",
            "",
        )
        assert fresh.remote_url == f"https://example.test/{publication.pk}"
        assert fresh.published_at == NOON and not fresh.outcome_unknown
        assert fresh.attempt_count == 1
        attempt.refresh_from_db()
        assert (attempt.outcome, attempt.finished_at) == (Attempt.Outcome.SUCCESS, NOON)


def test_it_records_no_success_for_a_claim_it_lost(due):
    publication = due()[0]
    token = states.claim_due(NOON, 10)
    attempt = _sending(publication, token)
    # The lease ran out, the reconciler gave the post back, another worker claimed it.
    Publication.objects.filter(pk=publication.pk).update(
        state=State.SCHEDULED, claim_token="", claimed_at=None
    )
    other = states.claim(publication.pk, NOON)
    theirs = _sending(publication, other)
    assert states.finish_published_many([(publication.pk, token, "r1", "", NOON, attempt.pk)]) == 0
    fresh = _fresh(publication)
    assert (fresh.state, fresh.claim_token, fresh.remote_id) == (State.PUBLISHING, other, "")
    theirs.refresh_from_db()
    assert theirs.outcome == Attempt.Outcome.PENDING  # the other worker's attempt is its own


def test_it_records_no_success_for_a_post_that_left_publishing(due):
    publication = due()[0]
    token = states.claim_due(NOON, 10)
    attempt = _sending(publication, token)
    Publication.objects.filter(pk=publication.pk).update(state=State.CANCELLED)
    assert states.finish_published_many([(publication.pk, token, "r1", "", NOON, attempt.pk)]) == 0
    assert _fresh(publication).state == State.CANCELLED


def test_it_does_not_rewrite_an_attempt_that_already_ended(due):
    publication = due()[0]
    token = states.claim_due(NOON, 10)
    attempt = _sending(publication, token)
    Attempt.objects.filter(pk=attempt.pk).update(outcome=Attempt.Outcome.UNKNOWN)
    states.finish_published_many([(publication.pk, token, "r1", "", NOON, attempt.pk)])
    attempt.refresh_from_db()
    assert attempt.outcome == Attempt.Outcome.UNKNOWN


# --- heartbeat and the reconciler -------------------------------------------------------------


def test_it_renews_the_lease_of_live_claims_only(due):
    mine, theirs, cancelled = due(3)
    mine, token = _claimed(mine)
    _claimed(theirs)
    _c, cancelled_token = _claimed(cancelled)
    Publication.objects.filter(pk=cancelled.pk).update(state=State.CANCELLED)
    later = NOON + dt.timedelta(seconds=90)
    assert states.heartbeat([token, cancelled_token], later) == 1
    assert _fresh(mine).claimed_at == later
    assert _fresh(theirs).claimed_at == NOON
    assert _fresh(cancelled).claimed_at == NOON
    assert states.heartbeat([], later) == 0


def test_it_leaves_claims_renewed_a_moment_ago_alone(due):
    publication, token = _claimed(due()[0])
    half_lease = LEASE / 2
    assert states.heartbeat([token], NOON + dt.timedelta(seconds=59), older_than=half_lease) == 0
    assert _fresh(publication).claimed_at == NOON
    assert states.heartbeat([token], NOON + half_lease, older_than=half_lease) == 1
    assert _fresh(publication).claimed_at == NOON + half_lease


def test_it_never_takes_a_claim_whose_holder_is_alive(due):
    publication, token = _claimed(due()[0])
    # The holder beats every 30 s; three minutes later its claim is still fresh.
    for seconds in (30, 60, 90, 120, 150, 180):
        states.heartbeat([token], NOON + dt.timedelta(seconds=seconds))
    assert states.release_stale_claims(LEASE, NOON + dt.timedelta(seconds=200)) == 0
    assert _fresh(publication).claim_token == token
    # It stops beating (dies): after a lease without a beat, the claim is given back.
    assert states.release_stale_claims(LEASE, NOON + dt.timedelta(seconds=301)) == 1
    assert _fresh(publication).state == State.SCHEDULED


@pytest.mark.parametrize("final", [State.PUBLISHED, State.FAILED, State.UNCONFIRMED])
def test_it_never_gives_back_a_finished_post(due, final):
    publication, token = _claimed(due()[0])
    assert states.finish(publication, token, final, remote_id="r1")
    assert _fresh(publication).claimed_at == NOON  # the old claim time stays behind
    assert states.release_stale_claims(LEASE, NOON + dt.timedelta(hours=1)) == 0
    assert _fresh(publication).state == final


def test_it_keeps_the_unknown_outcome_when_giving_a_claim_back(due):
    publication, token = _claimed(due()[0])
    Publication.objects.filter(pk=publication.pk).update(outcome_unknown=True)
    assert states.release_stale_claims(LEASE, NOON + dt.timedelta(hours=1)) == 1
    fresh = _fresh(publication)
    assert (fresh.state, fresh.claim_token, fresh.claimed_at) == (State.SCHEDULED, "", None)
    assert fresh.outcome_unknown  # the next attempt looks before it sends


def test_it_gives_back_a_post_never_sent_as_a_plain_retry(due):
    publication, _token = _claimed(due()[0])
    assert states.release_stale_claims(LEASE, NOON + dt.timedelta(hours=1)) == 1
    fresh = _fresh(publication)
    assert (fresh.state, fresh.outcome_unknown, fresh.attempt_count) == (State.SCHEDULED, False, 0)


def test_a_single_claim_takes_over_only_a_dead_workers_claim(due):
    publication, token = _claimed(due()[0])
    assert states.start_attempt(publication, token)  # it may have sent before it died
    assert states.claim(publication.pk, NOON + LEASE, LEASE) is None  # a lease: maybe alive
    later = NOON + LEASE + dt.timedelta(seconds=1)
    assert states.claim(publication.pk, later) is None  # without a lease: scheduled only
    taken = states.claim(publication.pk, later, LEASE)
    assert taken and taken != token
    fresh = _fresh(publication)
    assert (fresh.claim_token, fresh.claimed_at, fresh.outcome_unknown) == (taken, later, True)
    assert fresh.attempt_count == 1


# --- what the isolated mutation run left alive (mutation/README.md) -------------------------


def test_a_claim_token_fits_its_column(due):
    first, second = due(2)
    for token in (states.claim(first.pk, NOON), states.claim_ids([second.pk], NOON)):
        assert 16 <= len(token) <= Publication._meta.get_field("claim_token").max_length


def test_every_transition_stamps_its_time(due):
    first, second, third = due(3)
    later = NOON + dt.timedelta(seconds=5)
    with time_machine.travel(later, tick=False):
        states.claim(first.pk, later)
        states.claim_ids([second.pk], later)
    assert _fresh(first).updated_at == later and _fresh(second).updated_at == later
    with time_machine.travel(later + dt.timedelta(seconds=5), tick=False):
        states.finish(_fresh(first), _fresh(first).claim_token, State.FAILED, last_error="x")
        states.move(_fresh(third), {State.SCHEDULED}, State.CANCELLED)
    assert _fresh(first).updated_at == later + dt.timedelta(seconds=5)
    assert _fresh(third).updated_at == later + dt.timedelta(seconds=5)
    gone = NOON + dt.timedelta(hours=1)
    states.release_stale_claims(LEASE, gone)
    assert _fresh(second).updated_at == gone


def test_finishing_lets_go_of_the_claim_and_tells_the_caller(due):
    publication, token = _claimed(due()[0])
    assert states.finish(publication, token, State.FAILED, last_error="abgelehnt")
    assert (publication.state, publication.last_error) == (State.FAILED, "abgelehnt")
    fresh = _fresh(publication)
    assert (fresh.state, fresh.claim_token, fresh.last_error) == (State.FAILED, "", "abgelehnt")


def test_it_claims_the_post_due_first_before_a_newer_one(due):
    newer, older = due(2)
    Publication.objects.filter(pk=older.pk).update(due_at=NOON - dt.timedelta(minutes=5))
    token = states.claim_due(NOON, 1)
    assert _fresh(older).claim_token == token and _fresh(newer).state == State.SCHEDULED


def test_the_opened_attempt_is_the_stored_row(due):
    publication, token = _claimed(due()[0])
    attempt = states.start_attempt(publication, token)
    assert attempt.publication is publication and attempt.started_at == NOON
    assert not attempt._state.adding  # saving it updates the row, never inserts a second
    attempt.message = "x"
    attempt.save()
    assert Attempt.objects.get().message == "x"


def test_a_user_move_changes_only_the_named_post_and_says_so(due):
    mine, other = due(2)
    assert states.move(mine, {State.SCHEDULED}, State.CANCELLED, last_error="abgesagt")
    assert (mine.state, mine.last_error) == (State.CANCELLED, "abgesagt")
    assert (_fresh(mine).state, _fresh(mine).last_error) == (State.CANCELLED, "abgesagt")
    assert _fresh(other).state == State.SCHEDULED
    assert not states.move(mine, {State.SCHEDULED}, State.DRAFT)
    assert mine.state == State.CANCELLED
