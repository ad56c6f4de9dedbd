"""Hiding a comment under the hospital's post on the network (X's hide replies)."""

from __future__ import annotations

import pytest

from carecast.networks.base import ConnectorError
from tests.networks.test_mentions import (
    LENA,
    QUESTION,
    add_klinikum,
    make_connector,
    publish,
    secret_for,
)


@pytest.fixture
def x(sandbox):
    add_klinikum(sandbox, "x")
    connector = make_connector(sandbox, "x", "klinikum", secret_for("x"))
    yield connector
    connector.close()


def test_it_hides_a_comment_under_the_hospitals_post_once_or_twice(sandbox, x):
    ours = publish(x)
    sandbox.add_comment("x", ours.remote_id, QUESTION, author=LENA["x"])
    (comment,) = x.fetch_mentions()

    x.hide_reply(comment.remote_id)
    x.hide_reply(comment.remote_id)  # X answers "hidden" again; so do we

    assert sandbox.store.post("x", comment.remote_id)["data"]["hidden"] is True


def test_it_cannot_hide_in_a_conversation_someone_else_started(sandbox, x):
    sandbox.add_account("x", "ole", "token-ole")
    theirs = make_connector(sandbox, "x", "ole", "token-ole")
    their_post = publish(theirs, "Meine Meinung zum Klinikum", key="ole-1")
    sandbox.add_comment("x", their_post.remote_id, "@klinikum was sagt ihr?", author=LENA["x"])
    lena_reply = sandbox.store.posts("x", account=LENA["x"])[0]

    with pytest.raises(ConnectorError) as caught:
        x.hide_reply(lena_reply["id"])
    assert caught.value.status == 403 and caught.value.permanent
    assert "hidden" not in sandbox.store.post("x", lena_reply["id"])["data"]
    theirs.close()


def test_it_reports_a_revoked_token_as_auth_error(sandbox, x):
    ours = publish(x)
    sandbox.add_comment("x", ours.remote_id, QUESTION, author=LENA["x"])
    (comment,) = x.fetch_mentions()
    sandbox.revoke(secret_for("x"))
    with pytest.raises(ConnectorError) as caught:
        x.hide_reply(comment.remote_id)
    assert caught.value.auth


def test_it_says_when_the_network_answers_without_confirming(sandbox, x):
    ours = publish(x)
    sandbox.add_comment("x", ours.remote_id, QUESTION, author=LENA["x"])
    (comment,) = x.fetch_mentions()
    sandbox.inject_fault(path=f"/2/tweets/{comment.remote_id}/hidden", status=200, body="{}")
    with pytest.raises(ConnectorError, match="did not confirm"):
        x.hide_reply(comment.remote_id)


@pytest.mark.parametrize("network", ["mastodon", "bluesky"])
def test_networks_without_hiding_say_so(sandbox, network):
    connector = make_connector(sandbox, network, "klinikum", secret_for(network))
    assert not connector.supports_hide
    with pytest.raises(ConnectorError, match="no way to hide"):
        connector.hide_reply("123")
