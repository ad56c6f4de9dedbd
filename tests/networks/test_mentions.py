"""The network half of the inbox: ``fetch_mentions`` and replies through ``publish``.

Every connector against the sandbox (Mastodon /api, X /2, Bluesky /xrpc), and Bluesky's
reply record against the real PDS from npm. Personas: the Klinikum's account ``klinikum``
posts and answers; Lena asks in a comment, Ole mentions the Klinikum in a post of his own.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import httpx
import pytest

from carecast.networks.base import Account, Connector, ConnectorError, PostRequest, Reply
from carecast.networks.bluesky.connector import BlueskyConnector, record_key
from carecast.networks.mastodon.connector import MastodonConnector
from carecast.networks.x.connector import XConnector

NETWORKS = ["mastodon", "x", "bluesky"]
LENA = {"mastodon": "lena", "x": "lena", "bluesky": "lena.sandbox.test"}
OLE = {"mastodon": "ole", "x": "ole", "bluesky": "ole.sandbox.test"}
QUESTION = "Wann ist die Hebammensprechstunde?"
THANKS = "Danke an das Team der Station 4!"
ANSWER = "Montags von 10 bis 12 Uhr, ohne Anmeldung."


def mentions_path(network: str, remote: dict) -> str:
    return {
        "mastodon": "/api/v1/notifications",
        "x": f"/2/users/{remote['id']}/mentions",
        "bluesky": "/xrpc/app.bsky.notification.listNotifications",
    }[network]


def make_connector(sandbox, network: str, handle: str, secret: str, **config) -> Connector:
    remote = sandbox.store.account(network, handle) or {}
    web = {"x": "/x", "bluesky": "/bsky"}.get(network)
    account = Account(
        base_url=sandbox.base_url,
        handle=handle,
        remote_user_id=str(remote.get("user_id", "")),
        credentials=(
            {"identifier": handle, "password": secret}
            if network == "bluesky"
            else {"access_token": secret}
        ),
        config={"web_url": f"{sandbox.base_url}{web}" if web else "", **config},
    )
    if network == "mastodon":
        return MastodonConnector(account, timeout=config.get("timeout", 2))
    if network == "x":
        return XConnector(account, timeout=config.get("timeout", 2))
    return BlueskyConnector(account)


@pytest.fixture(params=NETWORKS)
def network(request) -> str:
    return request.param


def add_klinikum(sandbox, network: str) -> dict:
    """The Klinikum's account on the sandbox network."""
    return sandbox.add_account(network, "klinikum", f"token-{network}", password="pw-klinikum")


@pytest.fixture
def remote(sandbox, network) -> dict:
    return add_klinikum(sandbox, network)


def secret_for(network: str) -> str:
    return "pw-klinikum" if network == "bluesky" else f"token-{network}"


@pytest.fixture
def connector(sandbox, network, remote):
    connector = make_connector(sandbox, network, "klinikum", secret_for(network))
    yield connector
    connector.close()


def lena_connector(sandbox, network: str) -> Connector:
    """Lena's own client (the sandbox made her account when she first commented)."""
    return make_connector(sandbox, network, LENA[network], f"visitor-{network}-{LENA[network]}")


def publish(connector: Connector, text: str = "Neu: die Hebammensprechstunde.", **kw):
    return connector.publish(PostRequest(key=kw.pop("key", "pub-1"), text=text, **kw))


def stored_reply_target(sandbox, network: str, remote_id: str) -> str:
    """What the network stored as the post a reply answers."""
    data = sandbox.store.post(network, remote_id)["data"]
    if network == "mastodon":
        return data["in_reply_to_id"]
    if network == "x":
        return data["in_reply_to_tweet_id"]
    return data["record"]["reply"]["parent"]["uri"]


# --- fetching ----------------------------------------------------------------------------


def test_it_fetches_comments_and_mentions_newest_first(sandbox, network, connector, remote):
    ours = publish(connector)
    comment = sandbox.add_comment(network, ours.remote_id, QUESTION, author=LENA[network])
    mention = sandbox.add_mention(network, "klinikum", THANKS, author=OLE[network])

    newest, oldest = connector.fetch_mentions()

    assert (newest.remote_id, oldest.remote_id) == (mention["id"], comment["id"])
    assert newest.kind == "mention" and newest.in_reply_to == ""
    assert newest.text == THANKS
    assert (newest.author, oldest.author) == (OLE[network], LENA[network])
    assert oldest.kind == "reply" and oldest.in_reply_to == ours.remote_id
    assert oldest.text == QUESTION  # the leading @klinikum is not part of what Lena asked
    lena = sandbox.store.account(network, LENA[network])
    assert oldest.author_id == lena["user_id"]
    for item in (newest, oldest):
        assert datetime.fromisoformat(item.created_at.replace("Z", "+00:00")).tzinfo
        assert item.url.startswith(sandbox.base_url)
        assert httpx.get(item.url).status_code == 200  # the moderator can open it


def test_it_returns_nothing_when_nobody_wrote(sandbox, network, connector):
    publish(connector)
    assert connector.fetch_mentions() == []


@pytest.mark.parametrize("network", ["mastodon", "x"])
def test_it_fetches_only_what_is_newer_than_since_id(sandbox, network, connector):
    ours = publish(connector)
    sandbox.add_comment(network, ours.remote_id, QUESTION, author=LENA[network])
    (seen,) = connector.fetch_mentions()
    later = sandbox.add_mention(network, "klinikum", THANKS, author=OLE[network])

    assert [m.remote_id for m in connector.fetch_mentions(since_id=seen.remote_id)] == [later["id"]]
    assert connector.fetch_mentions(since_id=later["id"]) == []


def test_it_sends_x_its_since_id_and_the_fields_it_needs(sandbox):
    remote = add_klinikum(sandbox, "x")
    connector = make_connector(sandbox, "x", "klinikum", "token-x")
    connector.fetch_mentions(since_id="1234567890")
    (sent,) = sandbox.requests("x", f"/2/users/{remote['id']}/mentions")
    assert sent["query"]["since_id"] == ["1234567890"]
    assert sent["query"]["expansions"] == ["author_id"]
    fields = set(sent["query"]["tweet.fields"][0].split(","))
    assert {"author_id", "created_at", "conversation_id", "in_reply_to_user_id"} <= fields


def test_it_asks_mastodon_for_mentions_only(sandbox):
    add_klinikum(sandbox, "mastodon")
    make_connector(sandbox, "mastodon", "klinikum", "token-mastodon").fetch_mentions()
    (sent,) = sandbox.requests("mastodon", "/api/v1/notifications")
    assert sent["query"]["types[]"] == ["mention"]
    assert "since_id" not in sent["query"]  # notification ids are not status ids


def test_it_pages_mastodon_notifications_back_to_since_id(sandbox, monkeypatch):
    add_klinikum(sandbox, "mastodon")
    monkeypatch.setattr("carecast.networks.mastodon.connector.MENTIONS_PAGE", 2)
    connector = make_connector(sandbox, "mastodon", "klinikum", "token-mastodon")
    first = sandbox.add_mention("mastodon", "klinikum", "Eins", author="ole")
    later = [sandbox.add_mention("mastodon", "klinikum", n, author="ole") for n in "234"]

    found = connector.fetch_mentions(since_id=first["id"])

    assert [m.remote_id for m in found] == [p["id"] for p in reversed(later)]
    assert len(sandbox.requests("mastodon", "/api/v1/notifications")) == 2


def test_it_returns_bluesky_s_newest_page_whatever_the_since_id(sandbox):
    add_klinikum(sandbox, "bluesky")
    connector = make_connector(sandbox, "bluesky", "klinikum", "pw-klinikum")
    first = sandbox.add_mention("bluesky", "klinikum", QUESTION, author=LENA["bluesky"])
    later = sandbox.add_mention("bluesky", "klinikum", THANKS, author=OLE["bluesky"])

    found = connector.fetch_mentions(since_id=first["id"])

    assert [m.remote_id for m in found] == [later["id"], first["id"]]  # the caller dedupes
    (sent,) = sandbox.requests("bluesky", "/xrpc/app.bsky.notification.listNotifications")
    assert sorted(sent["query"]["reasons"]) == ["mention", "quote", "reply"]


# --- errors, mapped like publish's ---------------------------------------------------------


def test_it_reports_a_revoked_token_as_auth_error(sandbox, network, connector):
    sandbox.revoke(secret_for(network))
    with pytest.raises(ConnectorError) as caught:
        connector.fetch_mentions()
    assert caught.value.auth and caught.value.permanent


def test_it_honours_retry_after_on_429(sandbox, network, connector, remote):
    sandbox.inject_fault(path=mentions_path(network, remote), status=429, retry_after=30)
    with pytest.raises(ConnectorError) as caught:
        connector.fetch_mentions()
    error = caught.value
    assert error.status == 429 and not error.permanent and not error.outcome_unknown
    assert error.retry_after is not None and 25 <= error.retry_after <= 31


def test_it_treats_5xx_as_transient(sandbox, network, connector, remote):
    sandbox.inject_fault(path=mentions_path(network, remote), status=503)
    with pytest.raises(ConnectorError) as caught:
        connector.fetch_mentions()
    error = caught.value
    assert error.status == 503
    assert not error.permanent and not error.auth and not error.outcome_unknown


def test_it_maps_a_timeout_to_a_transient_error(sandbox, network, remote):
    connector = make_connector(sandbox, network, "klinikum", secret_for(network), timeout=0.5)
    connector.verify_credentials()  # Bluesky: the session exists before the slow call
    sandbox.inject_fault(path=mentions_path(network, remote), mode="delay", seconds=3)
    with pytest.raises(ConnectorError) as caught:
        connector.fetch_mentions()
    error = caught.value
    assert not error.permanent and not error.auth and not error.outcome_unknown
    assert "Timeout" in error.message


MALFORMED = {
    "mastodon": [{"id": "7", "type": "mention", "status": {"content": "kein id"}}],
    "x": {"data": [{"text": "kein id"}], "meta": {"result_count": 1}},
    "bluesky": {"notifications": [{"uri": "at://kaputt", "reason": "reply"}]},
}


@pytest.mark.parametrize("body", ["MALFORMED", "not json", None])
def test_it_turns_a_malformed_answer_into_a_connector_error(sandbox, network, remote, body):
    connector = make_connector(sandbox, network, "klinikum", secret_for(network))
    connector.verify_credentials()
    payload = MALFORMED[network] if body == "MALFORMED" else body
    headers = {"Content-Type": "text/plain"} if body == "not json" else {}
    sandbox.inject_fault(
        path=mentions_path(network, remote), status=200, body=payload, headers=headers
    )
    with pytest.raises(ConnectorError) as caught:
        connector.fetch_mentions()
    assert not caught.value.auth and not caught.value.outcome_unknown


# --- replying ----------------------------------------------------------------------------


def test_it_publishes_a_reply_to_the_comment(sandbox, network, connector):
    ours = publish(connector)
    sandbox.add_comment(network, ours.remote_id, QUESTION, author=LENA[network])
    (comment,) = connector.fetch_mentions()

    reply = publish(connector, ANSWER, key="reply-1", reply_to=comment.remote_id)

    assert stored_reply_target(sandbox, network, reply.remote_id) == comment.remote_id
    (seen_by_lena,) = lena_connector(sandbox, network).fetch_mentions()
    assert seen_by_lena.remote_id == reply.remote_id
    assert seen_by_lena.kind == "reply" and seen_by_lena.in_reply_to == comment.remote_id
    assert seen_by_lena.text == ANSWER


def test_it_keeps_the_thread_root_on_bluesky(sandbox):
    add_klinikum(sandbox, "bluesky")
    connector = make_connector(sandbox, "bluesky", "klinikum", "pw-klinikum")
    ours = publish(connector)
    comment = sandbox.add_comment("bluesky", ours.remote_id, QUESTION, author=LENA["bluesky"])

    reply = publish(connector, ANSWER, key="reply-1", reply_to=comment["id"])

    record = sandbox.store.post("bluesky", reply.remote_id)["data"]["record"]
    assert strong_ref(record["reply"]["root"]) == (ours.remote_id, ours.raw["cid"])
    assert strong_ref(record["reply"]["parent"]) == (comment["id"], comment["data"]["cid"])


def strong_ref(ref: dict) -> tuple[str, str]:
    return ref["uri"], ref["cid"]  # the SDK may add "$type": "com.atproto.repo.strongRef"


def test_it_mentions_the_person_answered_on_mastodon_once(sandbox):
    add_klinikum(sandbox, "mastodon")
    connector = make_connector(sandbox, "mastodon", "klinikum", "token-mastodon")
    ours = publish(connector)
    comment = sandbox.add_comment("mastodon", ours.remote_id, QUESTION, author="lena")

    first = publish(connector, ANSWER, key="r-1", reply_to=comment["id"])
    again = publish(connector, f"Gern, @lena! {ANSWER}", key="r-2", reply_to=comment["id"])
    thread = publish(connector, "Nachtrag: auch freitags.", key="r-3", reply_to=ours.remote_id)

    assert sandbox.store.post("mastodon", first.remote_id)["text"] == f"@lena {ANSWER}"
    assert sandbox.store.post("mastodon", again.remote_id)["text"] == f"Gern, @lena! {ANSWER}"
    assert sandbox.store.post("mastodon", thread.remote_id)["text"] == "Nachtrag: auch freitags."


def test_it_replies_once_when_retried_with_the_same_key(sandbox, network, connector, remote):
    ours = publish(connector)
    comment = sandbox.add_comment(network, ours.remote_id, QUESTION, author=LENA[network])
    request = PostRequest(key="reply-1", text=ANSWER, reply_to=comment["id"])
    create_path = {
        "mastodon": "/api/v1/statuses",
        "x": "/2/tweets",
        "bluesky": "/xrpc/com.atproto.repo.createRecord",
    }[network]
    sandbox.inject_fault(path=create_path, method="POST", mode="accept_then_drop")

    try:
        result = connector.publish(request)
    except ConnectorError as dropped:
        assert dropped.outcome_unknown
        # What the publishing machine does next: resend if idempotent, else look first.
        retry = make_connector(sandbox, network, "klinikum", secret_for(network))
        result = retry.publish(request) if retry.idempotent else retry.find_existing(request)
    else:
        # Bluesky's connector looks under the record key before reporting any failed
        # create, and finds the reply the dropped request made.
        assert network == "bluesky"
        assert len(sandbox.requests(network, create_path, "POST")) == 2  # our post, the reply
    replies = [p for p in sandbox.posts(network, "klinikum") if p["id"] != ours.remote_id]
    assert [p["id"] for p in replies] == [result.remote_id]
    assert stored_reply_target(sandbox, network, result.remote_id) == comment["id"]


def test_it_does_not_take_a_reply_on_x_for_a_new_post_with_the_same_text(sandbox):
    add_klinikum(sandbox, "x")
    connector = make_connector(sandbox, "x", "klinikum", "token-x")
    first = publish(connector, "Danke!", key="p-1")
    comment = sandbox.add_comment("x", first.remote_id, QUESTION, author="lena")
    reply = publish(connector, "Gern geschehen.", key="r-1", reply_to=comment["id"])

    as_new_post = PostRequest(key="p-2", text="Gern geschehen.")
    to_other = PostRequest(key="r-2", text="Gern geschehen.", reply_to=first.remote_id)
    assert connector.find_existing(as_new_post) is None
    assert connector.find_existing(to_other) is None
    again = PostRequest(key="r-1", text="Gern geschehen.", reply_to=comment["id"])
    assert connector.find_existing(again).remote_id == reply.remote_id


def test_it_fails_permanently_when_the_answered_post_is_gone(sandbox, network, connector):
    gone = {
        "mastodon": "109999999999999999",
        "x": "1999999999999999999",
        "bluesky": f"at://{sandbox.store.account(network, 'klinikum')['user_id']}"
        "/app.bsky.feed.post/3kaaaaaaaaaaa",
    }[network]
    with pytest.raises(ConnectorError) as caught:
        publish(connector, ANSWER, reply_to=gone)
    assert caught.value.permanent and not caught.value.auth
    assert sandbox.posts(network, "klinikum") == []


# --- Bluesky against the real PDS ----------------------------------------------------------
#
# The PDS from npm runs without an AppView here (tests/pds/start.mjs unsets
# PDS_BSKY_APP_VIEW_URL), and app.bsky.notification.listNotifications is an AppView method
# that the PDS only proxies: it cannot list notifications. So ``fetch_mentions`` is tested
# against the sandbox above; against the PDS we test the reply record itself, and that
# asking for notifications fails with a clear ConnectorError rather than a crash.


def pds_connector(pds, account) -> BlueskyConnector:
    credentials = {"identifier": account.handle, "password": account.password}
    return BlueskyConnector(Account(pds.base_url, account.handle, account.did, credentials))


def pds_record(pds, uri: str) -> dict:
    repo, collection, rkey = uri.removeprefix("at://").split("/")
    response = httpx.get(
        f"{pds.base_url}/xrpc/com.atproto.repo.getRecord",
        params={"repo": repo, "collection": collection, "rkey": rkey},
    )
    response.raise_for_status()
    return response.json()


@pytest.mark.pds
def test_it_writes_a_reply_record_with_root_and_parent_on_the_pds(pds):
    lena = pds.create_account(f"lena{secrets.token_hex(3)}")
    klinikum = pds_connector(pds, pds.account)
    key = f"pds-thread-{secrets.token_hex(4)}"
    ours = klinikum.publish(PostRequest(key=key, text="Neu: die Hebammensprechstunde."))
    question = pds_connector(pds, lena).publish(
        PostRequest(key=f"{key}-q", text=QUESTION, reply_to=ours.remote_id)
    )

    answer = PostRequest(key=f"{key}-a", text=ANSWER, reply_to=question.remote_id)
    first = klinikum.publish(answer)
    again = pds_connector(pds, pds.account).publish(answer)  # a retry after an unknown outcome

    assert again.remote_id == first.remote_id
    assert first.remote_id.endswith(record_key(answer.key))
    reply = pds_record(pds, first.remote_id)["value"]["reply"]
    assert strong_ref(reply["parent"]) == (question.remote_id, question.raw["cid"])
    assert strong_ref(reply["root"]) == (ours.remote_id, ours.raw["cid"])
    lena_reply = pds_record(pds, question.remote_id)["value"]["reply"]
    assert strong_ref(lena_reply["parent"]) == strong_ref(lena_reply["root"])
    assert strong_ref(lena_reply["root"]) == (ours.remote_id, ours.raw["cid"])


@pytest.mark.pds
def test_it_fails_permanently_on_the_pds_when_the_answered_post_is_gone(pds):
    klinikum = pds_connector(pds, pds.account)
    gone = f"at://{pds.did}/app.bsky.feed.post/{record_key('never-posted')}"
    with pytest.raises(ConnectorError) as caught:
        klinikum.publish(PostRequest(key="pds-gone", text=ANSWER, reply_to=gone))
    assert caught.value.permanent and not caught.value.auth


@pytest.mark.pds
def test_it_reports_that_a_pds_without_appview_cannot_list_notifications(pds):
    with pytest.raises(ConnectorError) as caught:
        pds_connector(pds, pds.account).fetch_mentions()
    # The PDS answers 400 "No service configured for app.bsky.notification.listNotifications".
    assert caught.value.permanent and not caught.value.auth
    assert "listNotifications" in caught.value.message


def test_it_defaults_to_a_reply_and_a_new_post():
    reply = Reply(remote_id="1", text="Hallo", author="lena", author_id="42")
    assert (reply.kind, reply.in_reply_to) == ("reply", "")
    assert PostRequest(key="k", text="t").reply_to == ""


def test_it_says_which_connectors_serve_the_inbox():
    assert not Connector.supports_inbox
    assert MastodonConnector.supports_inbox and XConnector.supports_inbox
    assert BlueskyConnector.supports_inbox
    with pytest.raises(NotImplementedError):
        Connector(Account("http://127.0.0.1")).fetch_mentions()
