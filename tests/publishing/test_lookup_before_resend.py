"""Before any resend after an unknown outcome, dispatch looks the post up on the network —
also where an idempotency key is sent, because some servers ignore it.

Stepped with ``dispatch.publish_one`` against the sandbox on 127.0.0.1.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from carecast.networks.models import ChannelStatus
from carecast.publishing import dispatch, services
from carecast.publishing.models import Attempt, Publication, State

POST_PATH = {
    "mastodon": "/api/v1/statuses",
    "x": "/2/tweets",
    "bluesky": "/xrpc/com.atproto.repo.createRecord",
}
LOOKUP_PATH = {
    "mastodon": "/api/v1/accounts/",
    "x": "/2/users/",
    "bluesky": "/xrpc/com.atproto.repo.getRecord",
}


def _due(story_for, channel) -> Publication:
    variant = story_for(channel, text="Neuer MRT in Betrieb: leiser, schneller.").variants.get()
    return services.schedule(variant, timezone.now())


def _step(publication: Publication) -> Publication:
    Publication.objects.filter(pk=publication.pk).update(next_attempt_at=timezone.now())
    dispatch.publish_one(publication.pk)
    publication.refresh_from_db()
    return publication


def _unknown(publication: Publication) -> None:
    """As after a worker died mid-request: the post may or may not be on the network."""
    Publication.objects.filter(pk=publication.pk).update(outcome_unknown=True)


def _paths(sandbox, network: str) -> list[str]:
    wanted = (POST_PATH[network], LOOKUP_PATH[network])
    return [
        "post" if r["path"] == POST_PATH[network] else "look"
        for r in sandbox.requests(network)
        if r["path"].startswith(wanted)
    ]


def test_it_finds_a_mastodon_post_the_server_kept_despite_ignoring_the_key(
    channel_on, story_for, sandbox
):
    sandbox.settings["mastodon_idempotency"] = False
    mastodon = channel_on("mastodon")
    sandbox.inject_fault(path="/api/v1/statuses", mode="accept_then_drop")
    publication = _step(_due(story_for, mastodon))
    assert publication.state == State.SCHEDULED and publication.outcome_unknown
    publication = _step(publication)
    assert publication.state == State.PUBLISHED
    (stored,) = sandbox.posts("mastodon")
    assert publication.remote_id == stored["id"]
    outcomes = [a.outcome for a in publication.attempts.order_by("pk")]
    assert outcomes == [Attempt.Outcome.UNKNOWN, Attempt.Outcome.RECOVERED]
    assert _paths(sandbox, "mastodon") == ["post", "look"]


@pytest.mark.parametrize("network", ["mastodon", "x", "bluesky"])
def test_it_looks_before_it_resends_and_sends_once_when_absent(
    channel_on, story_for, sandbox, network
):
    channel = channel_on(network)
    publication = _due(story_for, channel)
    _unknown(publication)
    publication = _step(publication)
    assert publication.state == State.PUBLISHED
    assert len(sandbox.posts(network)) == 1
    assert _paths(sandbox, network) == ["look", "post"]


@pytest.mark.parametrize("network", ["mastodon", "x", "bluesky"])
def test_it_records_a_post_found_on_the_network_without_sending(
    channel_on, story_for, sandbox, network
):
    channel = channel_on(network)
    publication = _due(story_for, channel)
    # The earlier attempt went out; the worker died before recording it.
    channel.rules.connector(channel.account()).publish(dispatch.build_request(publication))
    _unknown(publication)
    publication = _step(publication)
    assert publication.state == State.PUBLISHED
    (stored,) = sandbox.posts(network)
    assert publication.remote_id == stored["id"]
    assert _paths(sandbox, network) == ["post", "look"]  # the first post was ours, by hand


def test_it_resends_to_x_and_records_the_post_x_calls_a_duplicate(channel_on, story_for, sandbox):
    x = channel_on("x")
    publication = _due(story_for, x)
    _unknown(publication)
    # The look-up misses a post the network creates only after it (a late write).
    sandbox.inject_fault(path="/2/users/*", status=200, body={"meta": {"result_count": 0}})
    x.rules.connector(x.account()).publish(dispatch.build_request(publication))
    publication = _step(publication)
    assert publication.state == State.PUBLISHED  # not "failed" while it is live
    (stored,) = sandbox.posts("x")
    assert publication.remote_id == stored["id"]


@pytest.mark.parametrize("status", [401, 400])
def test_it_pauses_the_channel_when_the_look_up_meets_a_dead_token(
    channel_on, story_for, sandbox, status
):
    mastodon = channel_on("mastodon")
    publication = _due(story_for, mastodon)
    _unknown(publication)
    body = {"error": "invalid_token", "error_description": "The access token is invalid"}
    sandbox.inject_fault(path="/api/v1/accounts/*", status=status, body=body)
    publication = _step(publication)
    mastodon.refresh_from_db()
    assert mastodon.status == ChannelStatus.PAUSED
    assert "invalid" in mastodon.status_reason
    # Not "unconfirmed": the post waits for the reconnect, and is looked up then.
    assert publication.state == State.SCHEDULED and publication.outcome_unknown
    assert publication.pk not in dispatch.due_ids()
    assert _paths(sandbox, "mastodon") == ["look"]
