"""What the worker's side leaves behind on each path: the post's row, its attempt, the
channel, the audit log, the task that wakes a worker — and what the network received.

Written for the mutation run (``make mutation``, issue 17): each test pins a detail of
``publishing.dispatch`` a person or the next worker relies on. Stepped with
``dispatch.publish_one`` against the sandbox on 127.0.0.1; the clock is pinned.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from PIL import Image

from carecast.core.models import AuditLog
from carecast.networks.base import CannotVerify, ConnectorError
from carecast.networks.models import ChannelStatus
from carecast.publishing import dispatch, services, states
from carecast.publishing.dispatch import Outcome
from carecast.publishing.models import Attempt, Publication, State
from carecast.stories.models import MediaAsset

NOON = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
TEXT = "Blutspende am Freitag im Foyer, 9 bis 15 Uhr."
INVALID_TOKEN = {"error": "The access token is invalid"}
# What the team reads (German first): the catalogue's words, not the source's.
FOUND = "Im Netzwerk gefunden; nicht erneut gesendet."
LOOKING_AGAIN = (
    "Ob ein früherer Versuch veröffentlicht wurde, ließ sich nicht prüfen; "
    "es wird später erneut nachgesehen. ({error})"
)
GAVE_UP_LOOKING = (
    "Ein früherer Versuch wurde vielleicht veröffentlicht, und {network} ließ sich "
    "{count}-mal nicht prüfen: Bitte im Kanal nachsehen und bestätigen oder erneut "
    "senden. ({error})"
)
CANNOT_LOOK = (
    "Ein früherer Versuch wurde vielleicht veröffentlicht, und {network} ließ sich "
    "nicht prüfen: Bitte im Kanal nachsehen und bestätigen oder erneut senden. ({error})"
)


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def wake_ups():
    """The dispatch tasks scheduled for later (in-process queue), emptied before and after."""
    HUEY.flush()
    yield lambda: sorted(task.eta.replace(tzinfo=dt.UTC) for task in HUEY.scheduled())
    HUEY.flush()


def _due(story_for, channel, text: str = TEXT, unknown: bool = False) -> Publication:
    # Planned for later, then made due: no dispatch task runs it on commit meanwhile.
    later = timezone.now() + dt.timedelta(hours=1)
    publication = services.schedule(story_for(channel, text=text).variants.get(), later)
    Publication.objects.filter(pk=publication.pk).update(due_at=timezone.now())
    if unknown:  # as after a worker died mid-request: the post may be on the network
        Publication.objects.filter(pk=publication.pk).update(outcome_unknown=True)
    return publication


def _fresh(publication: Publication) -> Publication:
    return Publication.objects.get(pk=publication.pk)


def _sent(sandbox, network: str, path: str) -> int:
    return len(sandbox.requests(network, path, "POST"))


# --- a dead token, a refused post ----------------------------------------------------------


def test_it_pauses_only_the_channel_whose_token_was_refused_and_keeps_the_post(
    channel_on, story_for, sandbox, clock
):
    mastodon, other = channel_on("mastodon"), channel_on("x")
    publication = _due(story_for, mastodon, unknown=True)
    sandbox.inject_fault(path="/api/v1/statuses", method="POST", status=401, body=INVALID_TOKEN)

    outcome = dispatch.publish_one(publication.pk)

    publication = _fresh(publication)
    assert "invalid" in publication.last_error
    assert outcome == Outcome(publication.pk, State.SCHEDULED, publication.last_error)
    assert publication.state == State.SCHEDULED and publication.claimed_at is None
    # Looked up first (absent), then refused before anything was posted: certainly absent.
    assert not publication.outcome_unknown and publication.attempt_count == 1
    attempt = publication.attempts.get()
    assert (attempt.outcome, attempt.message, attempt.http_status) == (
        Attempt.Outcome.ERROR,
        publication.last_error,
        401,
    )
    mastodon.refresh_from_db()
    other.refresh_from_db()
    assert (mastodon.status, other.status) == (ChannelStatus.PAUSED, ChannelStatus.ACTIVE)
    [entry] = AuditLog.objects.filter(action="channel.paused")
    assert (entry.organisation, entry.subject) == (mastodon.organisation, mastodon.name)
    assert entry.detail["reason"] == mastodon.status_reason == publication.last_error


def test_it_records_a_pause_once_however_often_it_is_asked(channel_on, clock):
    mastodon = channel_on("mastodon")
    dispatch.pause_channel(mastodon, "Token widerrufen")
    dispatch.pause_channel(mastodon, "Token widerrufen")
    assert AuditLog.objects.filter(action="channel.paused").count() == 1


def test_it_fails_a_refused_post_and_says_it_is_not_on_the_network(
    channel_on, story_for, sandbox, clock
):
    mastodon = channel_on("mastodon")
    publication = _due(story_for, mastodon, unknown=True)
    body = {"error": "Validation failed: Text character limit of 500 exceeded"}
    sandbox.inject_fault(path="/api/v1/statuses", method="POST", status=422, body=body)

    outcome = dispatch.publish_one(publication.pk)

    publication = _fresh(publication)
    assert "character limit" in publication.last_error
    assert outcome == Outcome(publication.pk, State.FAILED, publication.last_error)
    assert publication.state == State.FAILED
    assert not publication.outcome_unknown and publication.attempt_count == 1
    attempt = publication.attempts.get()
    assert (attempt.outcome, attempt.message, attempt.http_status) == (
        Attempt.Outcome.ERROR,
        publication.last_error,
        422,
    )


def test_it_retries_a_post_the_network_could_not_take_and_wakes_a_worker_for_then(
    channel_on, story_for, sandbox, clock, wake_ups, django_capture_on_commit_callbacks
):
    publication = _due(story_for, channel_on("mastodon"))
    sandbox.inject_fault(path="/api/v1/statuses", method="POST", status=503)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = dispatch.publish_one(publication.pk)

    publication = _fresh(publication)
    assert publication.last_error
    assert outcome == Outcome(publication.pk, State.SCHEDULED, publication.last_error)
    assert publication.state == State.SCHEDULED and publication.claimed_at is None
    assert not publication.outcome_unknown and publication.attempt_count == 1
    attempt = publication.attempts.get()
    assert (attempt.outcome, attempt.message, attempt.http_status) == (
        Attempt.Outcome.RETRY,
        publication.last_error,
        503,
    )
    assert attempt.finished_at == NOON
    lead = dt.timedelta(seconds=settings.CARECAST_DISPATCH_LEAD_SECONDS)
    assert wake_ups() == [publication.next_attempt_at - lead]


def test_it_gives_up_as_unconfirmed_when_the_last_attempt_may_have_reached_the_network(
    channel_on, story_for, sandbox, clock
):
    publication = _due(story_for, channel_on("mastodon"))
    path = "/api/v1/statuses"
    sandbox.inject_fault(path=path, method="POST", status=503, times=dispatch.MAX_ATTEMPTS - 1)
    sandbox.inject_fault(path=path, method="POST", mode="accept_then_drop")
    for _ in range(dispatch.MAX_ATTEMPTS):
        publication = _fresh(publication)
        clock.move_to(publication.next_attempt_at or NOON)
        outcome = dispatch.publish_one(publication.pk)

    publication = _fresh(publication)
    # Not "failed": the post may well be live (here it is); a person must look.
    assert publication.state == State.UNCONFIRMED and publication.outcome_unknown
    assert publication.attempt_count == dispatch.MAX_ATTEMPTS and publication.last_error
    assert outcome == Outcome(publication.pk, State.UNCONFIRMED, publication.last_error)
    last = publication.attempts.order_by("number").last()
    assert (last.outcome, last.message) == (Attempt.Outcome.UNKNOWN, publication.last_error)
    assert len(sandbox.posts("mastodon")) == 1


# --- looking up an unknown outcome ----------------------------------------------------------


def test_it_looks_again_later_and_wakes_a_worker_for_then(
    channel_on, story_for, sandbox, clock, wake_ups, django_capture_on_commit_callbacks
):
    publication = _due(story_for, channel_on("x"), unknown=True)
    sandbox.inject_fault(path="/2/users/*", method="GET", status=503)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = dispatch.publish_one(publication.pk)

    publication = _fresh(publication)
    assert publication.state == State.SCHEDULED and publication.outcome_unknown
    assert publication.last_error.startswith(LOOKING_AGAIN.split("{")[0])
    assert publication.last_error.endswith(")") and "503" in publication.last_error
    assert outcome == Outcome(publication.pk, State.SCHEDULED, publication.last_error)
    assert publication.attempts.get().outcome == Attempt.Outcome.RETRY
    # One task, for then, less the lead with which a dispatch task starts (tasks.py).
    lead = dt.timedelta(seconds=settings.CARECAST_DISPATCH_LEAD_SECONDS)
    assert publication.next_attempt_at > NOON
    assert wake_ups() == [publication.next_attempt_at - lead]


def test_it_asks_a_person_after_the_last_failed_look_up_and_wakes_nobody(
    channel_on, story_for, sandbox, clock, wake_ups, django_capture_on_commit_callbacks
):
    publication = _due(story_for, channel_on("x"), unknown=True)
    Publication.objects.filter(pk=publication.pk).update(
        lookup_failures=dispatch.LOOKUP_ATTEMPTS - 1
    )
    sandbox.inject_fault(path="/2/users/*", method="GET", status=503)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = dispatch.publish_one(publication.pk)

    publication = _fresh(publication)
    assert publication.state == State.UNCONFIRMED
    prefix = GAVE_UP_LOOKING.format(network="X", count=dispatch.LOOKUP_ATTEMPTS, error="")
    assert publication.last_error.startswith(prefix[:-1])
    assert outcome == Outcome(publication.pk, State.UNCONFIRMED, publication.last_error)
    attempt = publication.attempts.get()
    assert (attempt.outcome, attempt.message) == (Attempt.Outcome.UNKNOWN, publication.last_error)
    assert wake_ups() == []
    assert _sent(sandbox, "x", "/2/tweets") == 0


def test_it_asks_a_person_at_once_when_the_post_cannot_be_recognised(
    channel_on, story_for, sandbox, clock
):
    x = channel_on("x")
    publication = _due(
        story_for, x, text="https://www.klinikum-musterstadt.de/blutspende", unknown=True
    )

    outcome = dispatch.publish_one(publication.pk)

    publication = _fresh(publication)
    assert publication.state == State.UNCONFIRMED and publication.lookup_failures == 0
    assert publication.last_error.startswith(CANNOT_LOOK.split("{error}")[0].format(network="X"))
    assert outcome == Outcome(publication.pk, State.UNCONFIRMED, publication.last_error)
    attempt = publication.attempts.get()
    assert (attempt.outcome, attempt.message) == (Attempt.Outcome.UNKNOWN, publication.last_error)
    assert _sent(sandbox, "x", "/2/tweets") == 0


def test_it_says_in_the_attempt_that_it_found_the_post_and_sent_nothing(
    channel_on, story_for, sandbox, clock
):
    mastodon = channel_on("mastodon")
    publication = _due(story_for, mastodon, unknown=True)
    mastodon.rules.connector(mastodon.account()).publish(dispatch.build_request(publication))

    assert dispatch.publish_one(publication.pk) == Outcome(publication.pk, State.PUBLISHED)

    attempt = _fresh(publication).attempts.get()
    assert (attempt.outcome, attempt.message) == (Attempt.Outcome.RECOVERED, FOUND)
    assert attempt.started_at == attempt.finished_at == NOON
    assert _sent(sandbox, "mastodon", "/api/v1/statuses") == 1  # ours, by hand


def test_it_gives_back_a_post_whose_look_up_met_a_dead_token(channel_on, story_for, sandbox, clock):
    mastodon = channel_on("mastodon")
    publication = _due(story_for, mastodon, unknown=True)
    sandbox.inject_fault(path="/api/v1/accounts/*", method="GET", status=401, body=INVALID_TOKEN)

    outcome = dispatch.publish_one(publication.pk)

    mastodon.refresh_from_db()
    publication = _fresh(publication)
    assert outcome == Outcome(publication.pk, State.SCHEDULED, mastodon.status_reason)
    assert "invalid" in mastodon.status_reason
    assert publication.state == State.SCHEDULED and publication.claimed_at is None
    assert publication.outcome_unknown  # looked up again once the channel is reconnected


@pytest.mark.parametrize(
    "error",
    [
        ConnectorError("Not Found", permanent=True, status=404),
        ConnectorError("The access token is invalid", auth=True, status=401),
    ],
)
def test_it_never_retries_a_look_up_that_cannot_succeed(error):
    # A connector whose look-up raises the network's own error (no ``CannotVerify``).
    assert dispatch._lookup_may_pass(error) is False


# --- the paused channel, the rules ------------------------------------------------------------


def test_it_gives_back_a_post_whose_channel_was_paused_meanwhile(
    channel_on, story_for, sandbox, clock
):
    mastodon = channel_on("mastodon")
    publication = _due(story_for, mastodon)
    dispatch.pause_channel(mastodon, "Token abgelaufen")

    outcome = dispatch.publish_one(publication.pk)

    assert outcome == Outcome(publication.pk, State.SCHEDULED, "Token abgelaufen")
    publication = _fresh(publication)
    assert publication.state == State.SCHEDULED and publication.claimed_at is None
    assert not publication.attempts.exists()
    assert sandbox.requests("mastodon", "/api/v1/statuses") == []


def test_it_fails_a_post_that_no_longer_fits_without_sending_it(
    channel_on, story_for, sandbox, clock
):
    mastodon = channel_on("mastodon")
    publication = _due(story_for, mastodon)
    Publication.objects.filter(pk=publication.pk).update(text="x" * 501)

    outcome = dispatch.publish_one(publication.pk)

    publication = _fresh(publication)
    assert publication.state == State.FAILED and "501" in publication.last_error
    assert outcome == Outcome(publication.pk, State.FAILED, publication.last_error)
    attempt = publication.attempts.get()
    assert (attempt.outcome, attempt.message) == (Attempt.Outcome.ERROR, publication.last_error)
    assert sandbox.requests("mastodon", "/api/v1/statuses") == []


# --- what is due, what the reconciler counts ---------------------------------------------------


def test_it_lists_due_posts_by_their_moment_not_by_their_age(channel_on, story_for, clock):
    mastodon = channel_on("mastodon")
    later = _due(story_for, mastodon, text="Zuerst geplant, später fällig.")
    sooner = _due(story_for, mastodon, text="Später geplant, früher fällig.")
    Publication.objects.filter(pk=later.pk).update(due_at=NOON - dt.timedelta(minutes=1))
    Publication.objects.filter(pk=sooner.pk).update(due_at=NOON - dt.timedelta(minutes=2))
    assert dispatch.due_ids(NOON) == [sooner.pk, later.pk]


def test_it_does_not_count_a_finished_post_as_held_by_a_dead_worker(
    channel_on, story_for, sandbox, clock
):
    publication = _due(story_for, channel_on("mastodon"))
    assert dispatch.publish_one(publication.pk).state == State.PUBLISHED
    # Its claim is long over; the claim time stays as a record.
    assert dispatch.reconcile(NOON + dt.timedelta(hours=1)) == 0


def test_it_backs_off_further_with_every_attempt_up_to_a_cap():
    assert dt.timedelta(seconds=360) <= dispatch.backoff(5) <= dt.timedelta(seconds=600)
    waits = [dispatch.backoff(30) for _ in range(300)]
    assert max(waits) <= dispatch.BACKOFF_CAP * 1.25
    assert min(waits) >= dispatch.BACKOFF_CAP * 0.75


def test_it_finishes_no_post_after_another_worker_took_it_over(
    channel_on, story_for, sandbox, clock
):
    publication = _due(story_for, channel_on("mastodon"))
    token = states.claim(publication.pk)
    publication.refresh_from_db()
    keep = dispatch.build_request(publication).save_progress
    keep({"session": "upload-1"})
    assert _fresh(publication).upload_state == {"session": "upload-1"}
    Publication.objects.filter(pk=publication.pk).update(claim_token="someone-else")
    with pytest.raises(ConnectorError):
        keep({"session": "upload-2"})
    assert _fresh(publication).upload_state == {"session": "upload-1"}
    assert token


def test_a_look_up_error_of_its_own_is_not_taken_for_a_passing_one():
    assert dispatch._lookup_may_pass(CannotVerify("nothing to compare")) is False


# --- the burst ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_records_each_post_of_a_burst_where_and_when_it_went_out(channel_on, story_for, sandbox):
    with time_machine.travel(NOON, tick=False):
        mastodon = channel_on("mastodon")
        publications = [_due(story_for, mastodon, text=f"Nr. {n}: {TEXT}") for n in range(3)]

        outcomes = dispatch.drain(workers=2, until=NOON)

    assert sorted(outcomes, key=lambda o: o.publication_id) == [
        Outcome(p.pk, State.PUBLISHED) for p in publications
    ]
    remote = {post["text"]: str(post["id"]) for post in sandbox.posts("mastodon")}
    for publication in map(_fresh, publications):
        assert publication.remote_id == remote[publication.text]
        assert publication.remote_url.startswith(sandbox.base_url)
        assert publication.remote_url.endswith(publication.remote_id)
        assert (publication.published_at, publication.attempt_count) == (NOON, 1)
        attempt = publication.attempts.get()
        assert (attempt.outcome, attempt.finished_at) == (Attempt.Outcome.SUCCESS, NOON)


@pytest.mark.django_db(transaction=True)
def test_it_sends_a_burst_no_sooner_than_its_moment(channel_on, story_for, sandbox):
    with time_machine.travel(NOON, tick=True):
        mastodon = channel_on("mastodon")
        publications = [_due(story_for, mastodon, text=f"Nr. {n}: {TEXT}") for n in range(2)]
        moment = timezone.now() + dt.timedelta(seconds=0.8)

        dispatch.drain(workers=2, until=moment)

    for publication in map(_fresh, publications):
        assert publication.state == State.PUBLISHED
        assert publication.attempts.get().started_at >= moment


@pytest.mark.django_db(transaction=True)
def test_it_sends_nothing_once_another_worker_took_the_post_over(
    channel_on, story_for, sandbox, monkeypatch
):
    def taken_over_while_preparing(publication, text):
        # Another worker takes this claim over while this one still prepares the post.
        Publication.objects.filter(pk=publication.pk).update(claim_token="another-worker")
        return text

    with time_machine.travel(NOON, tick=False):
        mastodon = channel_on("mastodon")
        single, burst = (_due(story_for, mastodon, text=f"Nr. {n}: {TEXT}") for n in range(2))
        Publication.objects.filter(pk=burst.pk).update(due_at=NOON + dt.timedelta(minutes=1))
        monkeypatch.setattr(dispatch, "TEXT_FILTERS", [taken_over_while_preparing])

        assert dispatch.publish_one(single.pk) == Outcome(single.pk, State.PUBLISHING, "lost claim")
        later = NOON + dt.timedelta(minutes=1)
        assert dispatch.drain(until=later, ids=[burst.pk]) == [
            Outcome(burst.pk, State.PUBLISHING, "lost claim")
        ]

    assert sandbox.requests("mastodon", "/api/v1/statuses") == []
    assert not Attempt.objects.exists()
    assert set(Publication.objects.values_list("claim_token", flat=True)) == {"another-worker"}


def test_it_sends_links_as_tracked_links_when_carecast_is_reachable(
    org, channel_on, story_for, sandbox, clock
):
    org.public_url = "https://carecast.klinikum.test/"
    org.save()
    mastodon = channel_on("mastodon")
    text = "Blutspende am Freitag: https://www.klinikum-musterstadt.de/blutspende"
    publication = _due(story_for, mastodon, text=text)

    assert dispatch.publish_one(publication.pk).state == State.PUBLISHED

    [post] = sandbox.posts("mastodon")
    assert "https://carecast.klinikum.test/l/" in post["text"]
    assert "klinikum-musterstadt.de" not in post["text"]


# --- what goes out, what comes back -----------------------------------------------------------


def test_it_sends_a_picture_without_alt_text_and_records_the_post(
    org, channel_on, story_for, sandbox, clock
):
    # "No alt text" is a warning the team sees while writing, not a reason to hold the post.
    asset = MediaAsset(organisation=org, kind="image", mime_type="image/png")
    picture = io.BytesIO()
    Image.new("RGB", (8, 6), "white").save(picture, "PNG")
    asset.file.save("kreisssaal.png", ContentFile(picture.getvalue()))
    asset.size_bytes = len(picture.getvalue())
    asset.save()
    mastodon = channel_on("mastodon")
    variant = story_for(mastodon, text=TEXT, media=[asset]).variants.get()
    publication = services.schedule(variant, NOON + dt.timedelta(hours=1))
    Publication.objects.filter(pk=publication.pk).update(due_at=NOON)

    assert dispatch.publish_one(publication.pk) == Outcome(publication.pk, State.PUBLISHED)

    [post] = sandbox.posts("mastodon")
    assert len(post["media"]) == 1
    [upload] = sandbox.requests("mastodon", "/api/v2/media", "POST")
    assert upload["files"]["file"][0]["size"] == asset.size_bytes


def test_it_builds_the_request_from_the_post_as_it_is_now(org, channel_on, story_for, clock):
    mastodon = channel_on("mastodon")
    story = story_for(mastodon, text=TEXT, link="https://www.klinikum-musterstadt.de/blut")
    variant = story.variants.get()
    variant.options = {"visibility": "unlisted"}
    variant.save(update_fields=["options"])
    publication = services.schedule(variant, NOON + dt.timedelta(hours=1))
    Publication.objects.filter(pk=publication.pk).update(upload_state={"session": "abc"})
    publication.refresh_from_db()

    post = dispatch.build_request(publication)

    assert (post.key, post.text, post.link) == (
        publication.idempotency_key,
        publication.text,
        "https://www.klinikum-musterstadt.de/blut",
    )
    assert (post.options, post.progress, post.media) == (
        {"visibility": "unlisted"},
        {"session": "abc"},
        (),
    )
    assert post.language == org.language


def test_it_clears_the_error_and_the_unknown_outcome_once_the_post_is_live(
    channel_on, story_for, sandbox
):
    with time_machine.travel(NOON, tick=True):
        publication = _due(story_for, channel_on("mastodon"), unknown=True)
        Publication.objects.filter(pk=publication.pk).update(last_error="Zeitüberschreitung")

        assert dispatch.publish_one(publication.pk).state == State.PUBLISHED

    publication = _fresh(publication)
    [post] = sandbox.posts("mastodon")
    assert (publication.remote_id, publication.last_error) == (str(post["id"]), "")
    assert not publication.outcome_unknown and publication.attempt_count == 1
    attempt = publication.attempts.get()
    assert (attempt.outcome, attempt.message) == (Attempt.Outcome.SUCCESS, "")
    # Published when the network answered, which is when the attempt ended.
    assert publication.published_at == attempt.finished_at


def test_it_keeps_the_session_bluesky_gave_it_beside_the_app_password(
    channel_on, story_for, sandbox, clock
):
    bluesky = channel_on("bluesky")
    publication = _due(story_for, bluesky)

    assert dispatch.publish_one(publication.pk).state == State.PUBLISHED

    bluesky.refresh_from_db()
    credentials = bluesky.get_credentials()
    assert credentials["access_jwt"] and credentials["refresh_jwt"]
    assert (credentials["identifier"], credentials["password"]) == ("klinikum", "pw-klinikum")
