"""A dead token pauses the channel even when a server says so with 400/403 instead of 401;
a blip (5xx, 429, timeout) never does. Every connector, against the sandbox on 127.0.0.1.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from carecast.networks.base import ConnectorError, PostRequest
from carecast.networks.models import ChannelStatus
from carecast.publishing import dispatch, services
from carecast.publishing.models import State
from tests.networks.test_mentions import make_connector

NETWORKS = ["mastodon", "x", "bluesky"]
POST_PATH = {
    "mastodon": "/api/v1/statuses",
    "x": "/2/tweets",
    "bluesky": "/xrpc/com.atproto.repo.createRecord",
}
# How servers and proxies word a dead token when they do not answer 401.
DEAD = [
    (400, {"error": "invalid_token", "error_description": "The access token is invalid"}),
    (400, {"error": "invalid_grant", "error_description": "Token has expired"}),
    (403, {"error": "The access token was revoked"}),
    (400, {"error": "InvalidRequest", "message": "Token has been revoked"}),
]
BLIPS = [(500, None), (502, None), (503, None), (429, None)]


def body_for(network: str, status: int, body: dict) -> dict:
    """The same words in the network's own error format."""
    words = body.get("error_description") or body.get("message") or body["error"]
    if network == "x":
        return {"title": "Forbidden", "detail": words, "type": "about:blank", "status": status}
    if network == "bluesky":
        return {"error": body["error"] if "Request" in body["error"] else "Error", "message": words}
    return body


@pytest.fixture(params=NETWORKS)
def network(request) -> str:
    return request.param


@pytest.fixture
def connector(sandbox, network):
    secret = "pw-klinikum" if network == "bluesky" else f"token-{network}"
    handle = "klinikum.sandbox.test" if network == "bluesky" else "klinikum"
    sandbox.add_account(network, handle, secret, password=secret)
    return make_connector(sandbox, network, handle, secret, timeout=0.5)


def publish(connector) -> None:
    connector.publish(PostRequest(key="pub-1", text="Besuchszeiten am Wochenende"))


@pytest.mark.parametrize(("status", "body"), DEAD)
def test_it_takes_a_dead_token_answered_with_400_or_403_for_auth(
    connector, sandbox, network, status, body
):
    # ``times=None``: also the session a connector renews once is refused again.
    sandbox.inject_fault(
        path=POST_PATH[network], status=status, body=body_for(network, status, body), times=None
    )
    with pytest.raises(ConnectorError) as error:
        publish(connector)
    assert error.value.auth and error.value.permanent
    assert error.value.status == status
    assert sandbox.posts(network) == []


@pytest.mark.parametrize(("status", "body"), BLIPS)
def test_it_never_takes_a_blip_for_a_dead_token(connector, sandbox, network, status, body):
    sandbox.inject_fault(path=POST_PATH[network], status=status)
    with pytest.raises(ConnectorError) as error:
        publish(connector)
    assert not error.value.auth and not error.value.permanent


def test_it_never_takes_a_timeout_for_a_dead_token(connector, sandbox, network):
    sandbox.inject_fault(path=POST_PATH[network], mode="delay", seconds=1.5)
    with pytest.raises(ConnectorError) as error:
        publish(connector)
    assert not error.value.auth and not error.value.permanent


def test_it_keeps_a_validation_error_permanent_and_not_auth(connector, sandbox, network):
    body = body_for(network, 400, {"error": "InvalidRequest", "message": "Text is too long"})
    sandbox.inject_fault(path=POST_PATH[network], status=400, body=body)
    with pytest.raises(ConnectorError) as error:
        publish(connector)
    assert error.value.permanent and not error.value.auth


def test_it_pauses_the_channel_and_keeps_the_post(channel_on, story_for, sandbox, network):
    channel = channel_on(network)
    status, body = DEAD[0]
    sandbox.inject_fault(
        path=POST_PATH[network], status=status, body=body_for(network, status, body), times=None
    )
    publication = services.schedule(story_for(channel).variants.get(), timezone.now())
    dispatch.publish_one(publication.pk)
    channel.refresh_from_db()
    publication.refresh_from_db()
    assert channel.status == ChannelStatus.PAUSED
    assert "invalid" in channel.status_reason.lower()
    assert publication.state == State.SCHEDULED
    assert publication.pk not in dispatch.due_ids()
