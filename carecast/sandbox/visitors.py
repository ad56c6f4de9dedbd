"""Other people on the sandbox networks: comments on an account's posts and mentions of it.

The inbox needs someone to answer. A visitor is a sandbox account of its own (created on
first use) that posts through the same API handlers a real client would reach — a Mastodon
status with ``in_reply_to_id``, an X post with ``reply.in_reply_to_tweet_id``, a Bluesky
record with ``reply.root``/``reply.parent`` or a ``#mention`` facet — so notifications,
mentions timelines and threads see it exactly as they would see a real person's post. The
requests are dispatched in-process: they stay out of the request log and are never hit by
injected faults, so tests can count what the app sent.

Used through ``SandboxServer.add_comment`` / ``add_mention`` and ``POST /_sandbox/visitors``.
"""

from __future__ import annotations

import json
import re
from email.message import Message
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from carecast.sandbox.routing import Request
from carecast.sandbox.store import now_iso

if TYPE_CHECKING:
    from carecast.sandbox.server import SandboxServer

DEFAULT_AUTHORS = {"mastodon": "lena", "x": "lena", "bluesky": "lena.sandbox.test"}
BLUESKY_POST = "app.bsky.feed.post"
MENTION_FACET = "app.bsky.richtext.facet#mention"


class VisitorError(ValueError):
    """The network refused the visitor's post (the parent is gone, the text is too long …)."""


def comment(
    server: SandboxServer, network: str, reply_to: str, text: str, author: str = ""
) -> dict[str, Any]:
    """``author`` answers post ``reply_to`` (a status id, tweet id or at:// URI); returns the post.

    On Mastodon the answered author is @mentioned first, as every client does (without it
    Mastodon notifies nobody); X puts the @name in front by itself.
    """
    parent = server.store.post(network, reply_to)
    if parent is None:
        raise VisitorError(f"No {network} post {reply_to!r} in the sandbox to comment on.")
    if network in ("facebook", "instagram", "threads", "linkedin"):  # stored directly
        from carecast.networks.facebook.sandbox import visitor_comment

        return visitor_comment(server, network, reply_to, text, author or "lena")
    author = _visitor(server, network, author)
    if network == "mastodon":
        status = _mention_first(parent["account"], text) if parent["account"] != author else text
        return _mastodon_status(server, author, {"status": status, "in_reply_to_id": reply_to})
    if network == "x":
        body = {"text": text, "reply": {"in_reply_to_tweet_id": reply_to}}
        return _x_post(server, author, body)
    data = parent["data"]
    ref = {"uri": data["uri"], "cid": data["cid"]}
    root = (data["record"].get("reply") or {}).get("root") or ref
    return _bluesky_post(server, author, {"text": text, "reply": {"root": root, "parent": ref}})


def mention(
    server: SandboxServer, network: str, account: str, text: str, author: str = ""
) -> dict[str, Any]:
    """``author`` posts ``text`` naming ``@account`` (put in front unless the text has it)."""
    target = server.store.account(network, account)
    if target is None:
        raise VisitorError(f"No {network} account {account!r} in the sandbox to mention.")
    author = _visitor(server, network, author)
    text = _mention_first(target["handle"], text)
    if network == "mastodon":
        return _mastodon_status(server, author, {"status": text})
    if network == "x":
        return _x_post(server, author, {"text": text})
    name = f"@{target['handle']}".encode()
    start = text.encode().index(name)
    facet = {
        "index": {"byteStart": start, "byteEnd": start + len(name)},
        "features": [{"$type": MENTION_FACET, "did": target["user_id"]}],
    }
    return _bluesky_post(server, author, {"text": text, "facets": [facet]})


def _visitor(server: SandboxServer, network: str, author: str) -> str:
    author = (author or DEFAULT_AUTHORS.get(network, "lena")).lstrip("@")
    if server.store.account(network, author) is None:
        server.add_account(network, author, f"visitor-{network}-{author}")
    return author


def _mention_first(handle: str, text: str) -> str:
    # "@klinikum" counts, "info@klinikum.example" or "@klinikum2" do not.
    named = re.search(rf"(?<![\w@/])@{re.escape(handle)}(?![\w-]|\.\w)", text, re.IGNORECASE)
    return text if named else f"@{handle} {text}"


def _mastodon_status(server: SandboxServer, author: str, form: dict[str, str]) -> dict[str, Any]:
    body = _dispatch(server, "mastodon", author, "/api/v1/statuses", form=form)
    return _stored(server, "mastodon", str(body["id"]))


def _x_post(server: SandboxServer, author: str, payload: dict[str, Any]) -> dict[str, Any]:
    body = _dispatch(server, "x", author, "/2/tweets", payload=payload)
    return _stored(server, "x", str(body["data"]["id"]))


def _bluesky_post(server: SandboxServer, author: str, fields: dict[str, Any]) -> dict[str, Any]:
    did = (server.store.account("bluesky", author) or {})["user_id"]
    record = {"$type": BLUESKY_POST, "createdAt": now_iso(), "langs": ["de"], **fields}
    payload = {"repo": did, "collection": BLUESKY_POST, "record": record}
    body = _dispatch(
        server, "bluesky", author, "/xrpc/com.atproto.repo.createRecord", payload=payload
    )
    return _stored(server, "bluesky", str(body["uri"]))


def _dispatch(
    server: SandboxServer,
    network: str,
    author: str,
    path: str,
    *,
    payload: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
) -> Any:
    """POST as ``author`` straight to the API handler (no request log, no faults)."""
    headers = Message()
    headers["Authorization"] = "Bearer " + server.store.issue_token(network, author, "access", 600)
    if payload is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(payload).encode()
    else:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urlencode(form or {}).encode()
    response = server.dispatch(Request("POST", path, {}, headers, body, server), network)
    if response.status >= 400:
        raise VisitorError(
            f"{network} refused the visitor's post ({response.status}): {response.body}"
        )
    return response.body


def _stored(server: SandboxServer, network: str, post_id: str) -> dict[str, Any]:
    post = server.store.post(network, post_id)
    assert post is not None  # the handler just stored it
    return post
