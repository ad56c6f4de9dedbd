"""The sandbox's inbox endpoints speak the networks' APIs, and visitors can write in.

Mastodon ``GET /api/v1/notifications`` and ``in_reply_to_id``; X ``GET /2/users/:id/mentions``
and ``reply.in_reply_to_tweet_id``; Bluesky ``app.bsky.notification.listNotifications`` and
reply records. Personas: the Klinikum's accounts; Lena comments, Ole mentions.
"""

from __future__ import annotations

import httpx
import pytest

from carecast.sandbox.visitors import VisitorError


@pytest.fixture
def client(sandbox):
    with httpx.Client(base_url=sandbox.base_url, timeout=5) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def klinikum(sandbox):
    """The Klinikum on all three networks; each has one post of its own."""
    accounts = {
        network: sandbox.add_account(network, "klinikum", f"token-{network}", password="pw")
        for network in ("mastodon", "x", "bluesky")
    }
    return accounts


def own_post(client, sandbox, network: str) -> str:
    if network == "mastodon":
        response = client.post(
            "/api/v1/statuses",
            data={"status": "Neu: Sprechstunde"},
            headers=bearer("token-mastodon"),
        )
        return response.json()["id"]
    if network == "x":
        response = client.post(
            "/2/tweets", json={"text": "Neu: Sprechstunde"}, headers=bearer("token-x")
        )
        return response.json()["data"]["id"]
    session = bluesky_session(client, "klinikum", "pw")
    record = {
        "$type": "app.bsky.feed.post",
        "text": "Neu: Sprechstunde",
        "createdAt": "2026-11-23T10:00:00Z",
    }
    response = client.post(
        "/xrpc/com.atproto.repo.createRecord",
        json={"repo": session["did"], "collection": "app.bsky.feed.post", "record": record},
        headers=bearer(session["accessJwt"]),
    )
    return response.json()["uri"]


def bluesky_session(client, handle: str, password: str) -> dict:
    return client.post(
        "/xrpc/com.atproto.server.createSession", json={"identifier": handle, "password": password}
    ).json()


# --- Mastodon ----------------------------------------------------------------------------


def test_it_notifies_mastodon_mentions_newest_first_with_their_own_ids(client, sandbox, klinikum):
    status_id = own_post(client, sandbox, "mastodon")
    comment = sandbox.add_comment("mastodon", status_id, "Wann genau?", author="lena")
    mention = sandbox.add_mention("mastodon", "klinikum", "Tolles Team!", author="ole")

    response = client.get(
        "/api/v1/notifications", params={"types[]": "mention"}, headers=bearer("token-mastodon")
    )

    newest, oldest = response.json()
    assert [newest["status"]["id"], oldest["status"]["id"]] == [mention["id"], comment["id"]]
    assert newest["type"] == "mention" and newest["account"]["acct"] == "ole"
    assert newest["id"] not in (mention["id"], comment["id"])  # notification ids are their own
    assert oldest["status"]["in_reply_to_id"] == status_id
    assert oldest["status"]["in_reply_to_account_id"] == klinikum["mastodon"]["user_id"]
    assert oldest["status"]["content"] == "<p>@klinikum Wann genau?</p>"
    assert [m["acct"] for m in oldest["status"]["mentions"]] == ["klinikum"]
    assert 'rel="next"' in response.headers["Link"]


def test_it_pages_mastodon_notifications(client, sandbox, klinikum):
    posts = [
        sandbox.add_mention("mastodon", "klinikum", f"Nr. {n}", author="ole") for n in range(3)
    ]
    first = client.get(
        "/api/v1/notifications", params={"limit": 2}, headers=bearer("token-mastodon")
    )
    ids = [n["id"] for n in first.json()]
    older = client.get(
        "/api/v1/notifications", params={"max_id": ids[-1]}, headers=bearer("token-mastodon")
    ).json()
    newer = client.get(
        "/api/v1/notifications", params={"since_id": ids[-1]}, headers=bearer("token-mastodon")
    ).json()
    assert [n["status"]["id"] for n in first.json() + older] == [p["id"] for p in reversed(posts)]
    assert [n["id"] for n in newer] == ids[:1]


def test_it_notifies_only_the_mentioned_and_only_mentions(client, sandbox, klinikum):
    status_id = own_post(client, sandbox, "mastodon")
    sandbox.add_account("mastodon", "lena", "lena-token")
    for form in (
        # A reply that drops the @mention notifies nobody on Mastodon …
        {"status": "Ohne Erwähnung", "in_reply_to_id": status_id},
        # … and an e-mail address is no mention.
        {"status": "Schreiben Sie an info@klinikum.example"},
    ):
        client.post("/api/v1/statuses", data=form, headers=bearer("lena-token"))
    assert client.get("/api/v1/notifications", headers=bearer("token-mastodon")).json() == []
    sandbox.add_mention("mastodon", "klinikum", "Hallo", author="ole")
    assert len(client.get("/api/v1/notifications", headers=bearer("token-mastodon")).json()) == 1
    only_follows = client.get(
        "/api/v1/notifications", params={"types[]": "follow"}, headers=bearer("token-mastodon")
    )
    assert only_follows.json() == []
    assert client.get("/api/v1/notifications").status_code == 401


def test_it_refuses_a_mastodon_reply_to_a_missing_status(client, klinikum):
    response = client.post(
        "/api/v1/statuses",
        data={"status": "Antwort", "in_reply_to_id": "1234"},
        headers=bearer("token-mastodon"),
    )
    assert response.status_code == 404
    assert response.json() == {
        "error": "The post you are trying to reply to does not appear to exist."
    }


# --- X -----------------------------------------------------------------------------------


def test_it_lists_x_mentions_with_authors_and_reply_fields(client, sandbox, klinikum):
    tweet_id = own_post(client, sandbox, "x")
    comment = sandbox.add_comment("x", tweet_id, "Wann genau?", author="lena")
    sandbox.add_mention("x", "klinikum", "Tolles Team!", author="ole")
    user_id = klinikum["x"]["user_id"]

    body = client.get(
        f"/2/users/{user_id}/mentions",
        params={
            "tweet.fields": "author_id,created_at,conversation_id,in_reply_to_user_id,referenced_tweets",
            "expansions": "author_id",
        },
        headers=bearer("token-x"),
    ).json()

    newest, oldest = body["data"]
    assert oldest["id"] == comment["id"] and oldest["text"] == "@klinikum Wann genau?"
    assert oldest["in_reply_to_user_id"] == user_id
    assert oldest["conversation_id"] == tweet_id
    assert oldest["referenced_tweets"] == [{"type": "replied_to", "id": tweet_id}]
    assert "in_reply_to_user_id" not in newest and newest["conversation_id"] == newest["id"]
    assert {u["username"] for u in body["includes"]["users"]} == {"lena", "ole"}
    assert body["meta"]["newest_id"] == newest["id"]


def test_it_bounds_x_mentions_by_id_and_pages_them(client, sandbox, klinikum):
    posts = [sandbox.add_mention("x", "klinikum", f"Nr. {n}", author="ole") for n in range(7)]
    path = f"/2/users/{klinikum['x']['user_id']}/mentions"
    page = client.get(path, params={"max_results": 5}, headers=bearer("token-x")).json()
    rest = client.get(
        path, params={"pagination_token": page["meta"]["next_token"]}, headers=bearer("token-x")
    ).json()
    since = client.get(path, params={"since_id": posts[4]["id"]}, headers=bearer("token-x")).json()
    empty = client.get(path, params={"since_id": posts[6]["id"]}, headers=bearer("token-x")).json()

    assert [t["id"] for t in page["data"] + rest["data"]] == [p["id"] for p in reversed(posts)]
    assert [t["id"] for t in since["data"]] == [posts[6]["id"], posts[5]["id"]]
    assert empty == {"meta": {"result_count": 0}}


def test_it_refuses_an_x_reply_to_a_missing_post(client, klinikum):
    response = client.post(
        "/2/tweets",
        json={"text": "Antwort", "reply": {"in_reply_to_tweet_id": "1234"}},
        headers=bearer("token-x"),
    )
    assert response.status_code == 403
    assert "deleted or not visible" in response.json()["detail"]


def test_it_does_not_prefix_a_reply_to_ones_own_x_post(client, sandbox, klinikum):
    tweet_id = own_post(client, sandbox, "x")
    response = client.post(
        "/2/tweets",
        json={"text": "Nachtrag", "reply": {"in_reply_to_tweet_id": tweet_id}},
        headers=bearer("token-x"),
    )
    assert response.json()["data"]["text"] == "Nachtrag"


# --- Bluesky -----------------------------------------------------------------------------


def test_it_lists_bluesky_replies_mentions_and_quotes(client, sandbox, klinikum):
    uri = own_post(client, sandbox, "bluesky")
    reply = sandbox.add_comment("bluesky", uri, "Wann genau?", author="lena.sandbox.test")
    mention = sandbox.add_mention("bluesky", "klinikum", "Tolles Team!", author="ole.sandbox.test")
    quote = quote_post(client, sandbox, uri)
    session = bluesky_session(client, "klinikum", "pw")

    body = client.get(
        "/xrpc/app.bsky.notification.listNotifications", headers=bearer(session["accessJwt"])
    ).json()

    assert [(n["uri"], n["reason"]) for n in body["notifications"]] == [
        (quote, "quote"),
        (mention["id"], "mention"),
        (reply["id"], "reply"),
    ]
    replied = body["notifications"][2]
    assert replied["reasonSubject"] == uri
    assert replied["author"]["handle"] == "lena.sandbox.test"
    assert replied["record"]["reply"]["parent"]["uri"] == uri
    only_replies = client.get(
        "/xrpc/app.bsky.notification.listNotifications",
        params={"reasons": "reply"},
        headers=bearer(session["accessJwt"]),
    ).json()
    assert [n["uri"] for n in only_replies["notifications"]] == [reply["id"]]


def quote_post(client, sandbox, uri: str) -> str:
    sandbox.add_account("bluesky", "ole.sandbox.test", password="pw-ole")
    session = bluesky_session(client, "ole.sandbox.test", "pw-ole")
    quoted = sandbox.store.post("bluesky", uri)["data"]
    record = {
        "$type": "app.bsky.feed.post",
        "text": "Lesenswert",
        "createdAt": "2026-11-23T10:00:00Z",
        "embed": {"$type": "app.bsky.embed.record", "record": {"uri": uri, "cid": quoted["cid"]}},
    }
    response = client.post(
        "/xrpc/com.atproto.repo.createRecord",
        json={"repo": session["did"], "collection": "app.bsky.feed.post", "record": record},
        headers=bearer(session["accessJwt"]),
    )
    return response.json()["uri"]


def test_it_pages_bluesky_notifications_with_a_cursor(client, sandbox, klinikum):
    posts = [
        sandbox.add_mention("bluesky", "klinikum", f"Nr. {n}", author="ole.sandbox.test")
        for n in range(3)
    ]
    token = bluesky_session(client, "klinikum", "pw")["accessJwt"]
    path = "/xrpc/app.bsky.notification.listNotifications"
    first = client.get(path, params={"limit": 2}, headers=bearer(token)).json()
    rest = client.get(path, params={"cursor": first["cursor"]}, headers=bearer(token)).json()
    found = [n["uri"] for n in first["notifications"] + rest["notifications"]]
    assert found == [p["id"] for p in reversed(posts)]
    assert "cursor" not in rest


def test_it_does_not_take_plain_at_text_for_a_bluesky_mention(client, sandbox, klinikum):
    sandbox.add_account("bluesky", "ole.sandbox.test", password="pw-ole")
    session = bluesky_session(client, "ole.sandbox.test", "pw-ole")
    record = {
        "$type": "app.bsky.feed.post",
        "text": "@klinikum hallo",
        "createdAt": "2026-11-23T10:00:00Z",
    }
    client.post(
        "/xrpc/com.atproto.repo.createRecord",
        json={"repo": session["did"], "collection": "app.bsky.feed.post", "record": record},
        headers=bearer(session["accessJwt"]),
    )
    token = bluesky_session(client, "klinikum", "pw")["accessJwt"]
    body = client.get("/xrpc/app.bsky.notification.listNotifications", headers=bearer(token))
    assert body.json() == {"notifications": []}


def test_it_validates_a_bluesky_reply_ref_like_the_lexicon(client, sandbox, klinikum):
    uri = own_post(client, sandbox, "bluesky")
    session = bluesky_session(client, "klinikum", "pw")
    record = {
        "$type": "app.bsky.feed.post",
        "text": "Antwort",
        "createdAt": "2026-11-23T10:00:00Z",
        "reply": {"parent": {"uri": uri, "cid": "bafy"}},
    }
    response = client.post(
        "/xrpc/com.atproto.repo.createRecord",
        json={"repo": session["did"], "collection": "app.bsky.feed.post", "record": record},
        headers=bearer(session["accessJwt"]),
    )
    assert response.status_code == 400
    assert response.json()["message"].endswith('Record/reply must have the property "root"')


# --- visitors ----------------------------------------------------------------------------


def test_it_lets_visitors_write_in_over_http(client, sandbox, klinikum):
    status_id = own_post(client, sandbox, "mastodon")
    comment = client.post(
        "/_sandbox/visitors",
        json={"network": "mastodon", "reply_to": status_id, "text": "Wann?", "author": "lena"},
    )
    mention = client.post(
        "/_sandbox/visitors", json={"network": "x", "account": "klinikum", "text": "Danke!"}
    )
    assert comment.status_code == mention.status_code == 201
    assert comment.json()["data"]["in_reply_to_id"] == status_id
    assert mention.json()["text"] == "@klinikum Danke!"
    assert mention.json()["account"] == "lena"  # the default visitor
    missing = client.post(
        "/_sandbox/visitors", json={"network": "x", "reply_to": "999", "text": "Hallo"}
    )
    assert missing.status_code == 400 and "No x post" in missing.json()["error"]
    assert client.post("/_sandbox/visitors", json={"network": "x"}).status_code == 400


def test_it_keeps_visitors_out_of_the_request_log_and_away_from_faults(sandbox, klinikum):
    sandbox.inject_fault(path="/api/v1/statuses", status=500)
    sandbox.add_mention("mastodon", "klinikum", "Hallo", author="ole")
    assert sandbox.requests("mastodon") == []
    assert len(sandbox.faults.list()) == 1  # still armed for the app's own request


def test_it_reports_what_a_network_refuses_a_visitor(sandbox, klinikum):
    with pytest.raises(VisitorError, match="character limit"):
        sandbox.add_mention("mastodon", "klinikum", "x" * 600, author="ole")
    with pytest.raises(VisitorError, match="No bluesky account"):
        sandbox.add_mention("bluesky", "niemand", "Hallo")
