"""Publishing through the state machine against the sandbox networks on 127.0.0.1.

Each test advances the machine one step at a time with ``dispatch.publish_one``.
"""

import datetime as dt

import pytest
from django.utils import timezone

from carecast.networks.base import ConnectorError
from carecast.networks.models import ChannelStatus
from carecast.networks.services import reconnect, refresh_limits
from carecast.publishing import dispatch, services
from carecast.publishing.models import Attempt, Publication, State


@pytest.fixture
def mastodon(channel_on):
    return channel_on("mastodon")


def _due(
    story_for, channel, text="Neuer MRT in Betrieb: leiser, schneller, mehr Platz."
) -> Publication:
    variant = story_for(channel, text=text).variants.get()
    return services.schedule(variant, timezone.now())


def _step(publication: Publication) -> Publication:
    dispatch.publish_one(publication.pk)
    publication.refresh_from_db()
    return publication


def _make_due_again(publication: Publication) -> None:
    Publication.objects.filter(pk=publication.pk).update(next_attempt_at=timezone.now())


def test_it_publishes_a_due_post_and_records_where(mastodon, story_for, sandbox):
    publication = _step(_due(story_for, mastodon))
    assert publication.state == State.PUBLISHED
    [post] = sandbox.posts("mastodon")
    assert publication.remote_id == str(post["id"])
    assert publication.remote_url.startswith(sandbox.base_url)
    assert [a.outcome for a in publication.attempts.all()] == [Attempt.Outcome.SUCCESS]
    # What we sent carried the publication's idempotency key.
    [sent] = sandbox.requests("mastodon", "/api/v1/statuses", "POST")
    assert sent["headers"].get("idempotency-key") == publication.idempotency_key


def test_it_fails_with_the_networks_message_on_a_validation_error(mastodon, story_for, sandbox):
    sandbox.inject_fault(
        network="mastodon",
        path="/api/v1/statuses",
        status=422,
        body={"error": "Validation failed: Text character limit of 500 exceeded"},
    )
    publication = _step(_due(story_for, mastodon))
    assert publication.state == State.FAILED
    assert "character limit" in publication.last_error
    assert sandbox.posts("mastodon") == []
    assert dispatch.publish_one(publication.pk) is None  # never retried


def test_it_retries_a_rate_limited_post_no_sooner_than_asked(mastodon, story_for, sandbox):
    sandbox.inject_fault(network="mastodon", path="/api/v1/statuses", status=429, retry_after=300)
    before = timezone.now()
    publication = _step(_due(story_for, mastodon))
    assert publication.state == State.SCHEDULED
    assert publication.next_attempt_at >= before + dt.timedelta(seconds=295)
    assert dispatch.publish_one(publication.pk) is None  # not yet
    _make_due_again(publication)
    publication = _step(publication)
    assert publication.state == State.PUBLISHED
    assert len(sandbox.posts("mastodon")) == 1
    assert [a.outcome for a in publication.attempts.all()] == ["retry", "success"]


def test_it_gives_up_after_repeated_server_errors_with_the_last_message(
    mastodon, story_for, sandbox
):
    sandbox.inject_fault(network="mastodon", path="/api/v1/statuses", status=503, times=None)
    publication = _due(story_for, mastodon)
    for _ in range(dispatch.MAX_ATTEMPTS):
        _make_due_again(publication)
        publication = _step(publication)
    assert publication.state == State.FAILED
    assert publication.attempts.count() == dispatch.MAX_ATTEMPTS
    assert publication.last_error


def test_it_pauses_the_channel_on_a_revoked_token_and_keeps_the_post(mastodon, story_for, sandbox):
    sandbox.revoke(mastodon.get_credentials()["access_token"])
    publication = _step(_due(story_for, mastodon))
    mastodon.refresh_from_db()
    assert mastodon.status == ChannelStatus.PAUSED
    assert "revoked" in mastodon.status_reason.lower()
    assert publication.state == State.SCHEDULED
    assert publication.pk not in dispatch.due_ids()  # waits for the channel to be reconnected


def test_it_resends_with_the_same_idempotency_key_after_an_unknown_outcome(
    mastodon, story_for, sandbox
):
    sandbox.inject_fault(network="mastodon", path="/api/v1/statuses", mode="accept_then_drop")
    publication = _step(_due(story_for, mastodon))
    assert publication.state == State.SCHEDULED
    assert publication.outcome_unknown
    _make_due_again(publication)
    publication = _step(publication)
    assert publication.state == State.PUBLISHED
    assert len(sandbox.posts("mastodon")) == 1  # Mastodon recognised the key: no duplicate


def test_it_recovers_a_post_whose_worker_died_mid_flight(mastodon, story_for, sandbox, settings):
    publication = _due(story_for, mastodon)
    # A worker claims it, starts sending, the network accepts ... and the worker dies.
    from carecast.publishing import states

    token = states.claim(publication.pk)
    publication.refresh_from_db()
    assert states.start_attempt(publication, token)
    mastodon.rules.connector(mastodon.account()).publish(dispatch.build_request(publication))
    assert len(sandbox.posts("mastodon")) == 1

    # A lease later nobody renewed the claim: the reconciler sees work, writes nothing,
    # and the next claim takes it over and finds the post on the network.
    lease = dt.timedelta(seconds=settings.CARECAST_CLAIM_LEASE_SECONDS)
    Publication.objects.filter(pk=publication.pk).update(
        claimed_at=timezone.now() - lease - dt.timedelta(seconds=1)
    )
    before = Publication.objects.filter(pk=publication.pk).values().get()
    assert dispatch.reconcile() == 1
    assert Publication.objects.filter(pk=publication.pk).values().get() == before
    publication = _step(publication)
    assert publication.state == State.PUBLISHED and publication.attempt_count == 1
    assert len(sandbox.posts("mastodon")) == 1
    assert [a.outcome for a in publication.attempts.order_by("pk")] == [
        Attempt.Outcome.PENDING,  # the dead worker's, never finished
        Attempt.Outcome.RECOVERED,
    ]


def test_it_gives_back_only_claims_nobody_took_over_for_two_leases(mastodon, story_for, settings):
    publication = _due(story_for, mastodon)
    from carecast.publishing import states

    token = states.claim(publication.pk)
    assert token
    lease = dt.timedelta(seconds=settings.CARECAST_CLAIM_LEASE_SECONDS)
    now = timezone.now()
    Publication.objects.filter(pk=publication.pk).update(claimed_at=now - lease)
    assert dispatch.reconcile(now + dt.timedelta(seconds=1)) == 1
    assert Publication.objects.get(pk=publication.pk).state == State.PUBLISHING
    assert dispatch.reconcile(now) == 0  # a lease exactly: the holder may still beat
    assert dispatch.reconcile(now + lease + dt.timedelta(seconds=1)) == 1
    assert Publication.objects.get(pk=publication.pk).state == State.SCHEDULED


def test_it_refuses_to_schedule_a_post_that_does_not_fit(mastodon, story_for):
    variant = story_for(mastodon).variants.get()
    variant.text = "x" * 501
    variant.save()
    with pytest.raises(services.PublishingError, match="501"):
        services.schedule(variant, timezone.now())


def test_it_publishes_up_to_the_instance_limit_read_from_the_instance(mastodon, story_for, sandbox):
    sandbox.settings["mastodon_max_characters"] = 1000
    refresh_limits(mastodon)
    assert mastodon.text_limit == 1000
    publication = _step(_due(story_for, mastodon, text="Lang " * 150))
    assert publication.state == State.PUBLISHED


def test_it_keeps_the_known_limit_when_the_instance_cannot_be_read(mastodon, sandbox):
    mastodon.config = {**mastodon.config, "max_characters": 800}
    mastodon.save()
    sandbox.inject_fault(network="mastodon", path="/api/v2/instance", status=502)
    refresh_limits(mastodon)
    mastodon.refresh_from_db()
    assert mastodon.text_limit == 800
    assert mastodon.status == ChannelStatus.ACTIVE


def test_it_resumes_a_paused_channel_with_a_new_token(mastodon, story_for, sandbox):
    sandbox.revoke(mastodon.get_credentials()["access_token"])
    publication = _step(_due(story_for, mastodon))
    mastodon.refresh_from_db()
    with pytest.raises(ConnectorError):
        reconnect(mastodon)
    sandbox.add_account("mastodon", "klinikum2", "fresh-token")
    reconnect(mastodon, {"access_token": "fresh-token"})
    assert mastodon.status == ChannelStatus.ACTIVE
    assert publication.pk in dispatch.due_ids()
