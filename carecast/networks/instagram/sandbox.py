"""The sandbox's Instagram Graph API (under ``/graph/<version>/``, as on graph.facebook.com).

Containers are created from an ``image_url`` that the sandbox really downloads (a broken
address fails here as it fails on Instagram: code 9004, subcode 2207052); they report
``IN_PROGRESS`` for ``instagram_processing_polls`` status reads (setting, default 0), then
``FINISHED``, and ``PUBLISHED`` once ``media_publish`` made them a post. The daily limit is
``instagram_publishing_limit`` (default 50, as the media_publish reference says). Node reads
and writes on containers, media, comments and the account itself arrive here through
``node_hook`` from the Facebook routes.
"""

from __future__ import annotations

import secrets
import threading
from typing import Any

import httpx

from carecast.networks.facebook.sandbox import authenticate, error, ok
from carecast.sandbox import paging as paging_of
from carecast.sandbox.routing import Request, Response, Router
from carecast.sandbox.store import now_iso

router = Router()
NETWORK = "instagram"
_LOCK = threading.Lock()


def _containers(req: Request) -> dict[str, dict[str, Any]]:
    with _LOCK:
        if not hasattr(req.server, "ig_containers"):
            req.server.ig_containers = {}  # type: ignore[attr-defined]
        return req.server.ig_containers  # type: ignore[attr-defined]


def _account(req: Request, ig_id: str) -> dict[str, Any]:
    account = authenticate(req, NETWORK)
    if account["user_id"] != ig_id:
        from carecast.sandbox.routing import HTTPError

        raise HTTPError(error(403, 200, "(#200) Permissions error"))
    return account


@router.route("POST", "/graph/<version>/<ig_id>/media")
def create_container(req: Request, version: str, ig_id: str) -> Response:
    account = _account(req, ig_id)
    container_id = str(req.store.next_id(NETWORK))
    item: dict[str, Any] = {
        "account": account["handle"],
        "caption": str(req.param("caption") or ""),
        "status": "IN_PROGRESS",
        "polls": int(req.server.settings.get("instagram_processing_polls", 0)),
    }
    if req.param("media_type") == "CAROUSEL":
        children = [c for c in str(req.param("children") or "").split(",") if c]
        if not children or any(c not in _containers(req) for c in children):
            return error(400, 100, "(#100) The parameter children is invalid")
        item["media_ids"] = [m for c in children for m in _containers(req)[c]["media_ids"]]
    elif req.param("media_type") == "REELS":
        media_id = _fetch_image(req, account, str(req.param("video_url") or ""), prefix="video/")
        if isinstance(media_id, Response):
            return media_id
        item["media_ids"] = [media_id]
        item["polls"] = max(item["polls"], 1)  # a video is processed before it can go out
        item["error"] = _video_error(req, media_id)
    else:
        media_id = _fetch_image(req, account, str(req.param("image_url") or ""))
        if isinstance(media_id, Response):
            return media_id
        item["media_ids"] = [media_id]
    _containers(req)[container_id] = item
    return ok(req, {"id": container_id})


def _video_error(req: Request, media_id: str, network: str = NETWORK) -> str:
    """Meta's words for a clip it cannot process (none when ffprobe reads a video)."""
    from carecast.sandbox.video_probe import probe

    found = req.store.media_content(network, media_id)
    if found is not None and probe(found[1]) is not None:
        return ""
    return "ERROR: Error code 2207026: Unsupported video format"


def _fetch_image(
    req: Request,
    account: dict[str, Any],
    url: str,
    network: str = NETWORK,
    *,
    prefix: str = "image/",
) -> str | Response:
    """Download the image (or video) as Instagram would; its answer when that fails."""
    try:
        answer = httpx.get(url, timeout=5, follow_redirects=False)
        kind = answer.headers.get("content-type", "").split(";")[0]
        failed = answer.status_code != 200 or not kind.startswith(prefix)
    except (httpx.HTTPError, ValueError):
        failed, answer, kind = True, None, ""
    if failed or answer is None:
        return Response(
            400,
            {
                "error": {
                    "message": "Only photo or video can be accepted as media type.",
                    "type": "OAuthException",
                    "code": 9004,
                    "error_subcode": 2207052,
                    "error_user_title": "Media download has failed.",
                    "error_user_msg": f"The media could not be fetched from this URI: {url}",
                    "fbtrace_id": secrets.token_urlsafe(8),
                }
            },
        )
    media_id = str(req.store.next_id(network))
    alt = str(req.param("alt_text") or "")
    req.store.add_media(network, account["handle"], media_id, kind, answer.content, alt)
    return media_id


@router.route("POST", "/graph/<version>/<ig_id>/media_publish")
def media_publish(req: Request, version: str, ig_id: str) -> Response:
    account = _account(req, ig_id)
    with req.store.lock:
        container = _containers(req).get(str(req.param("creation_id") or ""))
        if container is None or container["status"] != "FINISHED":
            state = container["status"] if container else "unknown"
            return error(
                400, 9007, f"(#9007) The media is not ready for publishing ({state})", 2207027
            )
        if _used(req, account) >= _limit(req):
            return error(400, 9, "Application request limit reached", 2207042)
        media_id = str(req.store.next_id(NETWORK))
        data = {"media_ids": container["media_ids"], "caption": container["caption"]}
        url = f"{req.base_url}/ig/p/{media_id}"
        req.store.add_post(NETWORK, account["handle"], media_id, container["caption"], url, data)
        container["status"] = "PUBLISHED"
    return ok(req, {"id": media_id})


def _used(req: Request, account: dict[str, Any]) -> int:
    return len(
        [p for p in req.store.posts(NETWORK, account["handle"]) if not p["data"].get("parent")]
    )


def _limit(req: Request) -> int:
    return int(req.server.settings.get("instagram_publishing_limit", 50))


@router.route("GET", "/graph/<version>/<ig_id>/content_publishing_limit")
def publishing_limit(req: Request, version: str, ig_id: str) -> Response:
    account = _account(req, ig_id)
    config = {"quota_total": _limit(req), "quota_duration": 86400}
    return ok(req, {"data": [{"config": config, "quota_usage": _used(req, account)}]})


@router.route("GET", "/graph/<version>/<ig_id>/media")
def recent_media(req: Request, version: str, ig_id: str) -> Response:
    """The account's media, newest first (IG User media edge), paged by cursors (``limit`` up
    to 100, ``after``; https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/
    reference/ig-user/media)."""
    account = _account(req, ig_id)
    own = [p for p in req.store.posts(NETWORK, account["handle"]) if not p["data"].get("parent")]
    listed, paging = paging_of.graph(req, own, 25, 100)
    asked = str(req.arg("fields") or "").split(",")
    data = []
    for post in listed:
        item = {
            "id": post["id"],
            "caption": post["text"],
            "permalink": post["url"],
            "timestamp": post["created_at"],
        }
        if "media_type" in asked:  # Graph answers the fields asked for
            item["media_type"] = _media_type(post)
        if "comments" in str(req.arg("fields") or ""):
            item["comments"] = {"data": [_comment(c) for c in _children(req, post["id"])]}
        data.append(item)
    return ok(req, {"data": data, "paging": paging})


def _media_type(post: dict[str, Any]) -> str:
    """IMAGE, VIDEO or CAROUSEL_ALBUM, from what was published (or what a test stored)."""
    if post["data"].get("media_type"):
        return str(post["data"]["media_type"])
    if len(post["media"]) > 1:
        return "CAROUSEL_ALBUM"
    kinds = [str(m.get("mime_type", "")) for m in post["media"]]
    return "VIDEO" if any(k.startswith("video/") for k in kinds) else "IMAGE"


def _children(req: Request, parent: str) -> list[dict[str, Any]]:
    return [p for p in req.store.posts(NETWORK) if p["data"].get("parent") == parent]


def _comment(post: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": post["id"],
        "text": post["text"],
        "username": post["data"].get("username", ""),
        "timestamp": post["data"].get("created_time", post["created_at"]),
        "hidden": bool(post["data"].get("hidden")),
    }


@router.route("POST", "/graph/<version>/<comment_id>/replies")
def reply(req: Request, version: str, comment_id: str) -> Response:
    account = authenticate(req, NETWORK)
    if req.store.post(NETWORK, comment_id) is None:
        return error(400, 100, f"(#100) Object with ID '{comment_id}' does not exist", 33)
    reply_id = str(req.store.next_id(NETWORK))
    data = {"parent": comment_id, "username": account["handle"], "created_time": now_iso()}
    text = str(req.param("message") or "")
    req.store.add_post(NETWORK, account["handle"], reply_id, text, "", data)
    return ok(req, {"id": reply_id})


def node_hook(req: Request, object_id: str) -> Response | None:
    """GET/POST/DELETE on an Instagram container, media or comment; None if it is none."""
    container = _containers(req).get(object_id)
    post = req.store.post(NETWORK, object_id)
    if container is None and post is None:
        return _user_node(req, object_id)
    authenticate(req, NETWORK)
    if container is not None and req.method == "GET":
        if container["status"] == "IN_PROGRESS":
            container["polls"] -= 1
            if container["polls"] < 0:
                container["status"] = "ERROR" if container.get("error") else "FINISHED"
        status = container["status"]
        shown = container.get("error") if status == "ERROR" else status.title()
        return ok(req, {"id": object_id, "status_code": status, "status": shown})
    if post is None:
        return error(400, 100, "(#100) Unsupported request", 33)
    if req.method == "POST" and post["data"].get("parent"):
        req.store.update_post_data(
            NETWORK, object_id, hidden=str(req.param("hide")).lower() == "true"
        )
        return ok(req, {"success": True})
    if req.method == "DELETE" and post["data"].get("parent"):
        req.store.delete_post(NETWORK, object_id)
        return ok(req, {"success": True})
    if req.method == "DELETE":
        return error(400, 100, "(#100) Unsupported delete request", 33)
    return ok(req, {"id": post["id"], "caption": post["text"], "permalink": post["url"]})


def _user_node(req: Request, object_id: str) -> Response | None:
    """``GET /{ig-user-id}?fields=id,username,followers_count``: the professional account
    itself (followers from the account's ``followers_count`` option) —
    https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user"""
    if req.method != "GET" or req.store.account_by_id(NETWORK, object_id) is None:
        return None
    account = _account(req, object_id)
    from carecast.sandbox.public_api import business_discovery

    if (discovered := business_discovery(req, account)) is not None:
        return discovered
    body: dict[str, Any] = {"id": account["user_id"], "username": account["handle"].lstrip("@")}
    if "followers_count" in str(req.param("fields") or ""):
        body["followers_count"] = int(account["options"].get("followers_count", 0))
    return ok(req, body)


def media_with_counts(post: dict[str, Any], fields: str) -> dict[str, Any]:
    """A media node with the counts ``fields`` asks for (data keys ``like_count``,
    ``comments_count``, ``reach``, ``saved``, ``shares``, ``views``) — the IG Media fields and
    insights of https://developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights"""
    data = post["data"]
    body: dict[str, Any] = {"id": post["id"], "permalink": post["url"]}
    for name in ("like_count", "comments_count"):
        if name in fields:
            body[name] = int(data.get(name, 0))
    if "insights" in fields:
        body["insights"] = {
            "data": [
                {"name": name, "period": "lifetime", "values": [{"value": int(data.get(name, 0))}]}
                for name in ("reach", "saved", "shares", "views")
            ]
        }
    return body


def media_comments(req: Request, media_id: str) -> Response:
    """``GET /{ig-media-id}/comments`` (reached through the Graph comments route)."""
    authenticate(req, NETWORK)
    return ok(req, {"data": [_comment(c) for c in _children(req, media_id)], "paging": {}})


# The S3-compatible bucket registers its routes on this router.
from carecast.networks.instagram import sandbox_bucket  # noqa: E402, F401
