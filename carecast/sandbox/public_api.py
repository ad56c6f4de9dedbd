"""Public, sign-in-free reads that peer benchmarking uses, as the networks document them.

* Mastodon ``GET /api/v1/accounts/lookup?acct=`` (https://docs.joinmastodon.org/methods/accounts/#lookup):
  the account entity, 404 ``{"error": "Record not found"}`` when unknown.
* Bluesky ``app.bsky.actor.getProfile`` (https://docs.bsky.app/docs/api/app-bsky-actor-get-profile)
  and ``app.bsky.feed.getAuthorFeed`` (https://docs.bsky.app/docs/api/app-bsky-feed-get-author-feed),
  served by the AppView without a token; an unknown actor is 400 ``InvalidRequest``.

Counts come from what the test or demo stored: an account's ``followers_count`` option,
a post's ``likeCount``/``repostCount``/``replyCount``/``quoteCount`` (Bluesky) or
``favourites_count``/``reblogs_count``/``replies_count`` (Mastodon) in its data.
"""

from __future__ import annotations

import re
from typing import Any

from carecast.sandbox.routing import HTTPError, Request, Response, Router

router = Router()
XRPC = "/xrpc/"


@router.route("POST", "/_sandbox/public-posts")
def add_public_post(req: Request) -> Response:
    """For the demo: a post by ``handle`` on ``network`` with its public counts, e.g.
    ``{"network": "bluesky", "handle": "…", "text": "…", "created_at": "…Z",
    "counts": {"likeCount": 12}}`` (keys as the module docstring names them)."""
    spec = req.json if isinstance(req.json, dict) else {}
    network, handle = str(spec.get("network") or ""), str(spec.get("handle") or "")
    account = req.store.account(network, handle) if network in ("mastodon", "bluesky") else None
    if account is None:
        return Response(400, {"error": "Give network (mastodon or bluesky) and a known handle."})
    created = str(spec.get("created_at") or "") or None
    post_id = req.store.next_id(network)
    data: dict[str, Any] = {**dict(spec.get("counts") or {}), "created_at": created}
    if network == "bluesky":
        post_id = f"at://{account['user_id']}/app.bsky.feed.post/{post_id}"
        record: dict[str, Any] = {
            "$type": "app.bsky.feed.post",
            "text": str(spec.get("text") or ""),
        }
        data.update(uri=post_id, collection="app.bsky.feed.post", record=record)
        record["createdAt"] = created
    req.store.add_post(network, handle, post_id, str(spec.get("text") or ""), "", data)
    return Response(201, {"id": post_id})


def _followers(account: dict[str, Any]) -> int:
    """Stored by tests and the demo as ``followers_count`` (Bluesky's own spelling works too)."""
    options = account["options"]
    return int(options.get("followers_count", options.get("followersCount", 0)))


@router.route("GET", "/api/v1/accounts/lookup")
def mastodon_lookup(req: Request) -> Response:
    acct = str(req.arg("acct") or "").lstrip("@").split("@")[0]
    account = req.store.account("mastodon", acct) if acct else None
    if account is None:
        return Response(404, {"error": "Record not found"})
    username = account["handle"]
    posts = req.store.posts("mastodon", username)
    return Response(
        200,
        {
            "id": account["user_id"],
            "username": username,
            "acct": username,
            "display_name": account["display_name"],
            "locked": False,
            "bot": False,
            "created_at": account["created_at"],
            "note": "",
            "url": f"{req.base_url}/@{username}",
            "followers_count": _followers(account),
            "following_count": 0,
            "statuses_count": len(posts),
            "last_status_at": posts[0]["created_at"][:10] if posts else None,
            "emojis": [],
            "fields": [],
        },
    )


def _bluesky_actor(req: Request) -> dict[str, Any]:
    actor = str(req.arg("actor") or "")
    if not actor:
        raise HTTPError(_xrpc_error('Error: Params must have the property "actor"'))
    found = (
        req.store.account_by_id("bluesky", actor)
        if actor.startswith("did:")
        else req.store.account("bluesky", actor)
    )
    if found is None:
        raise HTTPError(_xrpc_error("Profile not found"))
    return found


def _xrpc_error(message: str) -> Response:
    return Response(400, {"error": "InvalidRequest", "message": message})


@router.route("GET", XRPC + "app.bsky.actor.getProfile")
def bluesky_profile(req: Request) -> Response:
    account = _bluesky_actor(req)
    posts = [p for p in req.store.posts("bluesky", account["handle"]) if _is_post(p)]
    return Response(
        200,
        {
            "did": account["user_id"],
            "handle": account["handle"],
            "displayName": account["display_name"],
            "followersCount": _followers(account),
            "followsCount": 0,
            "postsCount": len(posts),
            "indexedAt": account["created_at"],
            "createdAt": account["created_at"],
        },
    )


def _is_post(post: dict[str, Any]) -> bool:
    return post["data"].get("collection", "app.bsky.feed.post") == "app.bsky.feed.post"


@router.route("GET", XRPC + "app.bsky.feed.getAuthorFeed")
def bluesky_author_feed(req: Request) -> Response:
    account = _bluesky_actor(req)
    limit = min(max(int(req.arg("limit") or 50), 1), 100)
    posts = [p for p in req.store.posts("bluesky", account["handle"]) if _is_post(p)]
    if req.arg("filter") in ("posts_no_replies", "posts_and_author_threads"):
        posts = [p for p in posts if "reply" not in (p["data"].get("record") or {})]
    cursor = req.arg("cursor")
    if cursor:
        posts = [p for p in posts if p["seq"] < int(cursor)]
    page = posts[:limit]
    body: dict[str, Any] = {"feed": [{"post": _post_view(req, p, account)} for p in page]}
    if len(posts) > limit:
        body["cursor"] = str(page[-1]["seq"])
    return Response(200, body)


def _post_view(req: Request, post: dict[str, Any], account: dict[str, Any]) -> dict[str, Any]:
    data = post["data"]
    record = data.get("record") or {"$type": "app.bsky.feed.post", "text": post["text"]}
    record.setdefault("createdAt", post["created_at"])
    return {
        "uri": data.get("uri") or post["id"],
        "cid": data.get("cid", ""),
        "author": {
            "did": account["user_id"],
            "handle": account["handle"],
            "displayName": account["display_name"],
        },
        "record": record,
        "replyCount": int(data.get("replyCount", 0)),
        "repostCount": int(data.get("repostCount", 0)),
        "likeCount": int(data.get("likeCount", 0)),
        "quoteCount": int(data.get("quoteCount", 0)),
        "indexedAt": post["created_at"],
    }


def business_discovery(req: Request, account: dict[str, Any]) -> Response | None:
    """Instagram's Business Discovery, asked on our own professional account:
    ``GET /{ig-user-id}?fields=business_discovery.username(NAME){followers_count,media_count,
    media.limit(N){like_count,comments_count,timestamp}}``
    (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/business_discovery).
    None when the fields ask for something else. Unknown names answer as Meta does: code 110."""
    fields = str(req.arg("fields") or "")
    found = re.search(r"business_discovery\.username\(([^)]*)\)", fields)
    if not found:
        return None
    other = req.store.account("instagram", found.group(1))
    if other is None:
        body = {
            "message": f"(#110) Invalid user id: cannot find {found.group(1)}",
            "type": "OAuthException",
            "code": 110,
        }
        return Response(400, {"error": body})
    limit = int((re.search(r"media\.limit\((\d+)\)", fields) or [0, 25])[1])
    posts = req.store.posts("instagram", other["handle"])
    media = [
        {
            "id": p["id"],
            "like_count": int(p["data"].get("like_count", 0)),
            "comments_count": int(p["data"].get("comments_count", 0)),
            "timestamp": p["created_at"],
        }
        for p in posts[:limit]
        if not p["data"].get("parent")  # comments are stored as posts too
    ]
    discovered = {
        "id": other["user_id"],
        "username": other["handle"],
        "name": other["display_name"],
        "followers_count": _followers(other),
        "media_count": len(posts),
        "media": {"data": media},
    }
    return Response(200, {"business_discovery": discovered, "id": account["user_id"]})
