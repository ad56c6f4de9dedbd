"""After an unknown outcome, "already exists" (Bluesky) and "duplicate content" (X) mean:
find the post and record it; if it cannot be read back, look again later — never "failed"
while the post is live. Against the sandbox on 127.0.0.1.
"""

from __future__ import annotations

import pytest

from carecast.networks.base import ConnectorError, PostRequest
from carecast.networks.bluesky.connector import record_key
from tests.networks.test_mentions import make_connector

TEXT = "Neue Besuchszeiten ab Montag: 10 bis 18 Uhr."
GET_RECORD = "/xrpc/com.atproto.repo.getRecord"
TIMELINE = "/2/users/*"


@pytest.fixture
def bluesky(sandbox):
    sandbox.add_account("bluesky", "klinikum.sandbox.test", "pw", password="pw")
    return make_connector(sandbox, "bluesky", "klinikum.sandbox.test", "pw", timeout=1)


@pytest.fixture
def x(sandbox):
    sandbox.add_account("x", "klinikum", "token-x")
    return make_connector(sandbox, "x", "klinikum", "token-x")


def post(key: str = "pub-1", text: str = TEXT, maybe_sent: bool = False) -> PostRequest:
    return PostRequest(key=key, text=text, maybe_sent=maybe_sent)


def lost_answer(sandbox, path: str) -> None:
    """The network creates the post, then the connection drops before the answer."""
    sandbox.inject_fault(path=path, mode="accept_then_drop")


# --- Bluesky: "Record already exists" ----------------------------------------------------


def test_it_records_the_bluesky_post_that_already_exists(bluesky, sandbox):
    first = bluesky.publish(post())  # it went out; our record of it did not (worker died)
    result = bluesky.publish(post())  # the resend hits the taken record key
    (stored,) = sandbox.posts("bluesky")
    assert result.remote_id == first.remote_id == stored["id"]
    assert result.raw["existing"] is True


def test_it_finds_its_post_when_the_answer_to_the_create_was_lost(bluesky, sandbox):
    lost_answer(sandbox, "/xrpc/com.atproto.repo.createRecord")
    result = bluesky.publish(post())
    (stored,) = sandbox.posts("bluesky")
    assert result.remote_id == stored["id"]


@pytest.mark.parametrize("status", [429, 500, 503])
def test_it_looks_again_later_when_the_existing_record_cannot_be_read(bluesky, sandbox, status):
    bluesky.publish(post())  # it went out; our record of it did not
    sandbox.inject_fault(path=GET_RECORD, status=status, retry_after=20)
    with pytest.raises(ConnectorError) as error:
        bluesky.publish(post())
    # Not the create's permanent 400 "Record already exists": that would read "failed".
    assert not error.value.permanent and error.value.outcome_unknown
    assert error.value.retry_after == pytest.approx(20, abs=2)
    assert "Record already exists" in str(error.value)
    assert bluesky.find_existing(post()).remote_id == sandbox.posts("bluesky")[0]["id"]


def test_it_looks_again_later_when_the_read_back_times_out(bluesky, sandbox):
    bluesky.publish(post())
    sandbox.inject_fault(path=GET_RECORD, mode="delay", seconds=2)
    with pytest.raises(ConnectorError) as error:
        bluesky.publish(post())
    assert not error.value.permanent and error.value.outcome_unknown


def test_it_still_fails_a_bluesky_record_key_that_holds_another_post(bluesky, sandbox):
    bluesky.publish(post(text="Ein ganz anderer Beitrag"))
    with pytest.raises(ConnectorError) as error:
        bluesky.publish(post())
    assert error.value.permanent and record_key("pub-1") in str(error.value)


# --- X: 403 "duplicate content" ----------------------------------------------------------


def test_it_records_the_x_post_that_x_calls_a_duplicate(x, sandbox):
    lost_answer(sandbox, "/2/tweets")
    with pytest.raises(ConnectorError) as lost:
        x.publish(post())
    assert lost.value.outcome_unknown
    result = x.publish(post(maybe_sent=True))  # X refuses the resend as duplicate content
    (stored,) = sandbox.posts("x")
    assert result.remote_id == stored["id"]
    assert len(sandbox.requests("x", "/2/tweets", "POST")) == 2


def test_it_looks_again_later_when_xs_timeline_cannot_be_read(x, sandbox):
    x.publish(post())
    sandbox.inject_fault(path=TIMELINE, status=503, retry_after=30)
    with pytest.raises(ConnectorError) as error:
        x.publish(post(maybe_sent=True))
    assert not error.value.permanent and error.value.outcome_unknown
    assert error.value.retry_after == 30
    assert "duplicate content" in str(error.value)


def test_it_keeps_xs_duplicate_answer_when_the_post_is_not_among_the_recent(x, sandbox):
    x.publish(post(key="pub-0"))
    # Pushed out of the newest 100 posts: the duplicate is an old post, not this attempt.
    for number in range(100):
        x.publish(post(key=f"filler-{number}", text=f"Beitrag Nr. {number}"))
    with pytest.raises(ConnectorError) as error:
        x.publish(post(maybe_sent=True))
    assert error.value.permanent and error.value.status == 403


def test_it_keeps_xs_duplicate_answer_for_a_post_never_sent_before(x, sandbox):
    x.publish(post(key="pub-0"))  # the same text, published for another publication
    with pytest.raises(ConnectorError) as error:
        x.publish(post())
    assert error.value.permanent and error.value.status == 403
    assert sandbox.requests("x", method="GET") == []  # nothing to look up
