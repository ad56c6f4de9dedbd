"""A small atproto PDS for the demo (the tests use the real PDS from npm).

Sessions with JWT-shaped tokens (the atproto SDK reads their ``exp``), records with
caller-chosen ``rkey``, blobs, and errors as ``{"error", "message"}``. A second
``createRecord`` with an existing rkey answers 400 ``InvalidRequest``: the reference PDS
fails there too (its MST refuses to add an existing key), but as an unhandled 500.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from typing import Any

from carecast.networks.textcount import grapheme_length
from carecast.sandbox.routing import HTTPError, Request, Response, Router
from carecast.sandbox.store import AuthFailure, now_iso

router = Router()
NETWORK = "bluesky"
POST = "app.bsky.feed.post"
ACCESS_SECONDS = 2 * 3600
REFRESH_SECONDS = 90 * 86400
BLOB_LIMIT = 2_000_000
XRPC = "/xrpc/"


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(status, {"error": code, "message": message}, headers or {})


def cid_for(content: bytes, codec: int) -> str:
    """A CIDv1 (sha-256, base32) for ``content``; codec 0x55 raw blobs, 0x71 dag-cbor records."""
    raw = bytes([0x01, codec, 0x12, 0x20]) + hashlib.sha256(content).digest()
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


def _jwt(did: str, scope: str, ttl: int) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    now = int(time.time())
    claims = {"scope": scope, "sub": did, "iat": now, "exp": now + ttl, "jti": secrets.token_hex(8)}
    return ".".join(
        [part({"typ": "at+jwt", "alg": "ES256K"}), part(claims), secrets.token_urlsafe(32)]
    )


def _authenticate(req: Request, kind: str = "access") -> dict[str, Any]:
    try:
        return req.store.authenticate(NETWORK, req.bearer, kind)
    except AuthFailure as exc:
        if exc.reason == "expired":
            raise HTTPError(error(400, "ExpiredToken", "Token has expired")) from None
        raise HTTPError(error(401, "InvalidToken", "Token could not be verified")) from None


def _session(req: Request, account: dict[str, Any]) -> dict[str, Any]:
    did, handle = account["user_id"], account["handle"]
    access = _jwt(did, "com.atproto.access", ACCESS_SECONDS)
    refresh = _jwt(did, "com.atproto.refresh", REFRESH_SECONDS)
    req.store.store_token(NETWORK, handle, access, "access", ACCESS_SECONDS)
    req.store.store_token(NETWORK, handle, refresh, "refresh", REFRESH_SECONDS)
    return {
        "did": did,
        "handle": handle,
        "accessJwt": access,
        "refreshJwt": refresh,
        "active": True,
    }


def _own_repo(req: Request, account: dict[str, Any], repo: Any) -> None:
    if repo not in (account["user_id"], account["handle"]):
        raise HTTPError(error(401, "AuthRequiredError", "Authentication Required"))


@router.route("POST", XRPC + "com.atproto.server.createSession")
def create_session(req: Request) -> Response:
    identifier = str(req.param("identifier") or "").lstrip("@")
    account = req.store.account(NETWORK, identifier) or req.store.account_by_id(NETWORK, identifier)
    try:
        checked = req.store.authenticate(NETWORK, str(req.param("password") or ""), "password")
    except AuthFailure:
        checked = None
    if account is None or checked is None or checked["handle"] != account["handle"]:
        return error(401, "AuthenticationRequired", "Invalid identifier or password")
    return Response(200, _session(req, account))


@router.route("POST", XRPC + "com.atproto.server.refreshSession")
def refresh_session(req: Request) -> Response:
    account = _authenticate(req, "refresh")
    req.store.retire_token(NETWORK, req.bearer or "")
    return Response(200, _session(req, account))


@router.route("GET", XRPC + "com.atproto.server.getSession")
def get_session(req: Request) -> Response:
    account = _authenticate(req)
    return Response(200, {"did": account["user_id"], "handle": account["handle"], "active": True})


@router.route("GET", XRPC + "com.atproto.server.describeServer")
def describe_server(req: Request) -> Response:
    host = req.base_url.split("://", 1)[1].split(":")[0]
    body = {
        "did": f"did:web:{host}",
        "availableUserDomains": [".sandbox.test"],
        "inviteCodeRequired": False,
    }
    return Response(200, {**body, "links": {}, "contact": {}})


@router.route("GET", XRPC + "com.atproto.identity.resolveHandle")
def resolve_handle(req: Request) -> Response:
    account = req.store.account(NETWORK, str(req.arg("handle") or ""))
    if account is None:
        return error(400, "InvalidRequest", "Unable to resolve handle")
    return Response(200, {"did": account["user_id"]})


@router.route("GET", XRPC + "_health")
def health(req: Request) -> Response:
    return Response(200, {"version": "0.4.0-sandbox"})


@router.route("POST", XRPC + "com.atproto.repo.createRecord")
def create_record(req: Request) -> Response:
    account = _authenticate(req)
    body = req.json if isinstance(req.json, dict) else {}
    _own_repo(req, account, body.get("repo"))
    collection, record = str(body.get("collection") or ""), body.get("record")
    if not collection or not isinstance(record, dict):
        return error(400, "InvalidRequest", "Input must have the properties collection and record")
    if collection == POST:
        _check_post(record)
    rkey = str(body.get("rkey") or req.store.next_id(NETWORK))
    uri = f"at://{account['user_id']}/{collection}/{rkey}"
    cid = cid_for(json.dumps(record, sort_keys=True).encode(), 0x71)
    with req.store.lock:
        if req.store.post(NETWORK, uri):
            return error(400, "InvalidRequest", f"Record already exists: {uri}")
        media_ids = []
        for image in _images(record):
            media_ids.append(image["image"]["ref"]["$link"])
            req.store.update_media(NETWORK, media_ids[-1], alt_text=str(image.get("alt", "")))
        data = {"uri": uri, "cid": cid, "rkey": rkey, "collection": collection, "record": record}
        data.update(media_ids=media_ids, created_at=record.get("createdAt") or now_iso())
        url = f"{req.base_url}/bsky/{account['handle']}/post/{rkey}"
        langs = record.get("langs") or [""]
        req.store.add_post(
            NETWORK, account["handle"], uri, str(record.get("text", "")), url, data, langs[0]
        )
    commit = {"cid": cid_for(uri.encode(), 0x71), "rev": req.store.next_id(NETWORK)}
    return Response(200, {"uri": uri, "cid": cid, "commit": commit, "validationStatus": "valid"})


def _check_post(record: dict[str, Any]) -> None:
    text = str(record.get("text", ""))
    if grapheme_length(text) > 300 or len(text.encode()) > 3000:
        message = (
            "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"
        )
        raise HTTPError(error(400, "InvalidRequest", message))
    if not record.get("createdAt"):
        message = 'Invalid app.bsky.feed.post record: Record must have the property "createdAt"'
        raise HTTPError(error(400, "InvalidRequest", message))
    if "reply" in record:
        _check_reply_ref(record["reply"])


def _check_reply_ref(reply: Any) -> None:
    """Lexicon validation of ``reply``: ``root`` and ``parent``, each a strong ref (uri + cid).

    Like the real PDS, nothing checks that the posts exist: the AppView sorts that out.
    """
    prefix = "Invalid app.bsky.feed.post record: Record/reply"
    if not isinstance(reply, dict):
        raise HTTPError(error(400, "InvalidRequest", f"{prefix} must be an object"))
    for name in ("root", "parent"):
        ref = reply.get(name)
        if not isinstance(ref, dict):
            message = f'{prefix} must have the property "{name}"'
            raise HTTPError(error(400, "InvalidRequest", message))
        for field in ("uri", "cid"):
            if not isinstance(ref.get(field), str) or not ref[field]:
                message = f'{prefix}/{name} must have the property "{field}"'
                raise HTTPError(error(400, "InvalidRequest", message))


def _images(record: dict[str, Any]) -> list[dict[str, Any]]:
    embed = record.get("embed") or {}
    images = embed.get("images") or (embed.get("media") or {}).get("images") or []
    return [img for img in images if isinstance(img, dict) and isinstance(img.get("image"), dict)]


@router.route("POST", XRPC + "com.atproto.repo.deleteRecord")
def delete_record(req: Request) -> Response:
    account = _authenticate(req)
    body = req.json if isinstance(req.json, dict) else {}
    _own_repo(req, account, body.get("repo"))
    uri = f"at://{account['user_id']}/{body.get('collection')}/{body.get('rkey')}"
    req.store.delete_post(NETWORK, uri)  # deleting a missing record is not an error in atproto
    return Response(
        200, {"commit": {"cid": cid_for(uri.encode(), 0x71), "rev": req.store.next_id(NETWORK)}}
    )


def _record_view(post: dict[str, Any]) -> dict[str, Any]:
    return {"uri": post["data"]["uri"], "cid": post["data"]["cid"], "value": post["data"]["record"]}


@router.route("GET", XRPC + "com.atproto.repo.getRecord")
def get_record(req: Request) -> Response:
    account = _repo_account(req)
    uri = f"at://{account['user_id']}/{req.arg('collection')}/{req.arg('rkey')}"
    post = req.store.post(NETWORK, uri)
    if post is None:
        return error(400, "RecordNotFound", f"Could not locate record: {uri}")
    return Response(200, _record_view(post))


@router.route("GET", XRPC + "com.atproto.repo.listRecords")
def list_records(req: Request) -> Response:
    account = _repo_account(req)
    collection, limit = req.arg("collection"), min(int(req.arg("limit") or 50), 100)
    posts = [
        p
        for p in req.store.posts(NETWORK, account["handle"])
        if p["data"]["collection"] == collection
    ]
    posts.sort(key=lambda p: p["data"]["rkey"], reverse=req.arg("reverse") != "true")
    cursor = req.arg("cursor")
    if cursor:
        descending = req.arg("reverse") != "true"
        posts = [
            p
            for p in posts
            if (p["data"]["rkey"] < cursor) == descending and p["data"]["rkey"] != cursor
        ]
    page = posts[:limit]
    body: dict[str, Any] = {"records": [_record_view(p) for p in page]}
    if len(posts) > limit:
        body["cursor"] = page[-1]["data"]["rkey"]
    return Response(200, body)


@router.route("GET", XRPC + "app.bsky.feed.getPosts")
def get_posts(req: Request) -> Response:
    """Post views of up to 25 ``uris`` (https://docs.bsky.app/docs/api/app-bsky-feed-get-posts);
    a deleted post is left out, as the AppView does. Counts: the stored data's ``likeCount``,
    ``repostCount``, ``replyCount``, ``quoteCount``."""
    from carecast.sandbox.public_api import _post_view as post_view  # getAuthorFeed's view

    _authenticate(req)
    uris = req.query.get("uris") or []
    if len(uris) > 25:
        return error(400, "InvalidRequest", "uris must not have more than 25 elements")
    views = []
    for uri in uris:
        post = req.store.post(NETWORK, uri)
        account = req.store.account(NETWORK, post["account"]) if post else None
        if post is not None and account is not None:
            views.append(post_view(req, post, account))
    return Response(200, {"posts": views})


@router.route("GET", XRPC + "app.bsky.feed.getPostThread")
def get_post_thread(req: Request) -> Response:
    """The post and its replies (``depth`` levels), as the AppView answers through the PDS."""
    _authenticate(req)
    uri, depth = str(req.arg("uri") or ""), min(int(req.arg("depth") or 6), 1000)
    post = req.store.post(NETWORK, uri)
    if post is None:
        return error(400, "NotFound", f"Post not found: {uri}")
    children: dict[str, list[dict[str, Any]]] = {}
    for other in sorted(req.store.posts(NETWORK), key=lambda p: p["seq"]):
        parent = ((other["data"].get("record") or {}).get("reply") or {}).get("parent") or {}
        if parent.get("uri"):
            children.setdefault(parent["uri"], []).append(other)
    return Response(200, {"thread": _thread_view(req, post, children, depth)})


@router.route("GET", XRPC + "app.bsky.unspecced.getTrendingTopics")
def get_trending_topics(req: Request) -> Response:
    """Topics by how many posts use the hashtag, as the AppView answers through the PDS.

    The real AppView ranks by recent velocity; counting is enough for the demo and tests.
    """
    _authenticate(req)
    limit = min(max(int(req.arg("limit") or 10), 1), 25)
    uses: dict[str, int] = {}
    for post in req.store.posts(NETWORK):
        for facet in (post["data"].get("record") or {}).get("facets") or []:
            for feature in facet.get("features") or []:
                tag = str(feature.get("tag") or "").lower()
                if tag:
                    uses[tag] = uses.get(tag, 0) + 1
    ranked = sorted(uses, key=lambda tag: (-uses[tag], tag))[:limit]
    topics = [{"topic": tag, "link": f"/hashtag/{tag}"} for tag in ranked]
    return Response(200, {"topics": topics, "suggested": []})


@router.route("GET", XRPC + "app.bsky.notification.listNotifications")
def list_notifications(req: Request) -> Response:
    """Replies, mentions and quotes of the caller's posts, newest first, as the AppView answers.

    ``reply``: the record's ``reply.parent`` or ``reply.root`` is one of the caller's posts;
    ``mention``: a ``#mention`` facet names the caller's DID (plain "@handle" text is not a
    mention on Bluesky); ``quote``: the record embeds one of the caller's posts. ``reasons``
    filters, ``cursor`` pages back. Likes, reposts and follows are not simulated.
    """
    account = _authenticate(req)
    limit = min(max(int(req.arg("limit") or 50), 1), 100)
    reasons = set(req.query.get("reasons", []) + req.query.get("reasons[]", []))
    cursor = req.arg("cursor")
    found = []
    for post in req.store.posts(NETWORK):  # newest first
        if post["account"] == account["handle"] or post["data"].get("collection") != POST:
            continue
        if cursor and cursor.isdigit() and post["seq"] >= int(cursor):
            continue
        reason, subject = _notification_reason(post["data"]["record"], account["user_id"])
        if reason and (not reasons or reason in reasons):
            found.append((post, reason, subject))
    page = found[:limit]
    body: dict[str, Any] = {"notifications": [_notification(req, *item) for item in page]}
    if len(found) > limit:
        body["cursor"] = str(page[-1][0]["seq"])
    return Response(200, body)


def _notification_reason(record: dict[str, Any], did: str) -> tuple[str, str | None]:
    mine = f"at://{did}/"
    reply = record.get("reply") or {}
    for name in ("parent", "root"):
        uri = str((reply.get(name) or {}).get("uri") or "")
        if uri.startswith(mine):
            return "reply", uri
    for facet in record.get("facets") or []:
        for feature in facet.get("features") or []:
            if (
                feature.get("$type") == "app.bsky.richtext.facet#mention"
                and feature.get("did") == did
            ):
                return "mention", None
    embed = record.get("embed") or {}
    quoted = str(
        ((embed.get("record") or {}).get("record") or embed.get("record") or {}).get("uri") or ""
    )
    if quoted.startswith(mine):
        return "quote", quoted
    return "", None


def _notification(
    req: Request, post: dict[str, Any], reason: str, subject: str | None
) -> dict[str, Any]:
    author = req.store.account(NETWORK, post["account"]) or {}
    item: dict[str, Any] = {
        "uri": post["data"]["uri"],
        "cid": post["data"]["cid"],
        "author": {
            "did": author.get("user_id", ""),
            "handle": author.get("handle", ""),
            "displayName": author.get("display_name", ""),
        },
        "reason": reason,
        "record": post["data"]["record"],
        "isRead": False,
        "indexedAt": post["created_at"],
        "labels": [],
    }
    if subject:
        item["reasonSubject"] = subject
    return item


def _thread_view(
    req: Request, post: dict[str, Any], children: dict[str, list[dict[str, Any]]], depth: int
) -> dict[str, Any]:
    account = req.store.account(NETWORK, post["account"]) or {}
    replies = children.get(post["id"], [])
    view: dict[str, Any] = {
        "$type": "app.bsky.feed.defs#threadViewPost",
        "post": {
            "uri": post["data"]["uri"],
            "cid": post["data"]["cid"],
            "author": {"did": account.get("user_id", ""), "handle": account.get("handle", "")},
            "record": post["data"]["record"],
            "indexedAt": post["created_at"],
            "replyCount": len(replies),
            "repostCount": 0,
            "likeCount": 0,
        },
    }
    if depth > 0:
        view["replies"] = [_thread_view(req, r, children, depth - 1) for r in replies]
    return view


def _repo_account(req: Request) -> dict[str, Any]:
    repo = str(req.arg("repo") or "")
    account = req.store.account_by_id(NETWORK, repo) or req.store.account(NETWORK, repo)
    if account is None:
        raise HTTPError(error(400, "InvalidRequest", f"Could not find repo: {repo}"))
    return account


@router.route("POST", XRPC + "com.atproto.repo.uploadBlob")
def upload_blob(req: Request) -> Response:
    account = _authenticate(req)
    if len(req.body) > BLOB_LIMIT:
        return error(400, "BlobTooLarge", f"This file is too large. It is {len(req.body)} bytes.")
    mime = req.content_type or "application/octet-stream"
    cid = cid_for(req.body, 0x55)
    if req.store.media_info(NETWORK, cid) is None:
        req.store.add_media(NETWORK, account["handle"], cid, mime, req.body)
    blob = {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": len(req.body)}
    return Response(200, {"blob": blob})


@router.route("GET", XRPC + "com.atproto.sync.getBlob")
def get_blob(req: Request) -> Response:
    found = req.store.media_content(NETWORK, str(req.arg("cid") or ""))
    if found is None:
        return error(400, "BlobNotFound", "Blob not found")
    mime, content = found
    return Response(200, content, {}, mime)
