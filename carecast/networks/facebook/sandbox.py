"""The sandbox's Graph API for Facebook Pages, under ``/graph/<version>/`` (graph.facebook.com).

A sandbox ``facebook`` account is a Page: its handle, its id (``user_id``) and its Page
access token. Posts are ``{page-id}_{n}``; comments are posts with a ``parent``. Error bodies
and codes follow https://developers.facebook.com/docs/graph-api/guides/error-handling.
Settings ``meta_app_usage`` / ``meta_buc_usage`` (dicts) are sent as ``X-App-Usage`` /
``X-Business-Use-Case-Usage`` on every answer, so clients can be tested backing off early.
"""

from __future__ import annotations

import json
import secrets
import threading
from typing import Any

from carecast.sandbox import paging as paging_of
from carecast.sandbox.routing import HTTPError, Request, Response, Router
from carecast.sandbox.store import AuthFailure, now_iso

router = Router()
NETWORK = "facebook"
_SUBSCRIPTIONS_LOCK = threading.Lock()
_AUTH_ERRORS = {
    "invalid": (None, "Invalid OAuth access token - Cannot parse access token"),
    "expired": (463, "Error validating access token: Session has expired."),
    "revoked": (458, "Error validating access token: The user has not authorized application."),
}


def error(status: int, code: int, message: str, subcode: int | None = None, **kw: Any) -> Response:
    """A Graph error body (``type`` OAuthException for 190, else the usual types)."""
    kind = "OAuthException" if code in (102, 190) or code >= 200 else "GraphMethodException"
    body: dict[str, Any] = {
        "message": message,
        "type": kind,
        "code": code,
        "fbtrace_id": secrets.token_urlsafe(8),
    }
    if subcode:
        body["error_subcode"] = subcode
    return Response(status, {"error": body}, kw.get("headers") or {})


def usage_headers(req: Request) -> dict[str, str]:
    headers = {}
    if req.server.settings.get("meta_app_usage"):
        headers["X-App-Usage"] = json.dumps(req.server.settings["meta_app_usage"])
    if req.server.settings.get("meta_buc_usage"):
        headers["X-Business-Use-Case-Usage"] = json.dumps(req.server.settings["meta_buc_usage"])
    return headers


def ok(req: Request, body: Any) -> Response:
    return Response(200, body, usage_headers(req))


def token_of(req: Request) -> str:
    return req.bearer or str(req.param("access_token") or "")


def authenticate(req: Request, network: str = NETWORK) -> dict[str, Any]:
    """The account behind the token, or a Graph 190 error as Meta sends it (HTTP 400)."""
    try:
        return req.store.authenticate(network, token_of(req))
    except AuthFailure as exc:
        subcode, message = _AUTH_ERRORS[exc.reason]
        raise HTTPError(error(400, 190, message, subcode)) from exc


def page_of(req: Request, page_id: str) -> dict[str, Any]:
    page = authenticate(req)
    if page["user_id"] != page_id:
        raise HTTPError(error(403, 200, "(#200) The user hasn't authorized the application."))
    return page


def _new_id(req: Request, page: dict[str, Any]) -> str:
    return f"{page['user_id']}_{req.store.next_id(NETWORK)}"


@router.route("POST", "/graph/<version>/<page_id>/photos")
def upload_photo(req: Request, version: str, page_id: str) -> Response:
    page = page_of(req, page_id)
    uploads = req.files.get("source") or []
    if not uploads:
        return error(400, 324, "(#324) Requires upload file")
    photo_id = req.store.next_id(NETWORK)
    upload = uploads[0]
    alt = str(req.param("alt_text_custom") or "")
    req.store.add_media(NETWORK, page["handle"], photo_id, upload.content_type, upload.data, alt)
    return ok(req, {"id": photo_id})


@router.route("POST", "/graph/<version>/<page_id>/subscribed_apps")
def subscribed_apps(req: Request, version: str, page_id: str) -> Response:
    """The Page sends its webhook events to the app (``subscribed_fields`` kept on the Page)."""
    page = page_of(req, page_id)
    fields = str(req.param("subscribed_fields") or "")
    if not fields:
        return error(400, 100, "(#100) The parameter subscribed_fields is required")
    with _SUBSCRIPTIONS_LOCK:
        if not hasattr(req.server, "fb_subscriptions"):
            req.server.fb_subscriptions = {}  # type: ignore[attr-defined]
        req.server.fb_subscriptions[page["user_id"]] = fields.split(",")  # type: ignore[attr-defined]
    return ok(req, {"success": True})


@router.route("POST", "/graph/<version>/<page_id>/feed")
def publish(req: Request, version: str, page_id: str) -> Response:
    page = page_of(req, page_id)
    message, link = str(req.param("message") or ""), str(req.param("link") or "")
    media_ids = _attached(req)
    if not message and not link and not media_ids:
        return error(400, 100, "(#100) Missing message or attachment")
    recent = req.store.posts(NETWORK, page["handle"], limit=1)
    if recent and message and recent[0]["text"] == message and not recent[0]["data"].get("parent"):
        return error(400, 506, "(#506) Duplicate status message")
    post_id = _new_id(req, page)
    data = {"link": link, "media_ids": media_ids, "from": _author(page), "created_time": now_iso()}
    req.store.add_post(NETWORK, page["handle"], post_id, message, _url(req, post_id), data)
    return ok(req, {"id": post_id})


@router.route("POST", "/graph/<version>/<page_id>/videos")
def publish_video(req: Request, version: str, page_id: str) -> Response:
    """A Page video post in one request (``source`` and ``description``); the post it makes
    appears among the Page's posts with the description as its message."""
    from carecast.sandbox.video_probe import probe

    page = page_of(req, page_id)
    uploads = req.files.get("source") or []
    if not uploads:
        return error(400, 324, "(#324) Requires upload file")
    if probe(uploads[0].data) is None:
        return error(
            400,
            352,
            "(#352) Sorry, the video file you selected is in a format that we don't support.",
        )
    video_id = _new_id(req, page)
    message = str(req.param("description") or "")
    req.store.add_media(
        NETWORK, page["handle"], f"video-{video_id}", uploads[0].content_type, uploads[0].data
    )
    data = {"media_ids": [f"video-{video_id}"], "from": _author(page), "created_time": now_iso()}
    req.store.add_post(NETWORK, page["handle"], video_id, message, _url(req, video_id), data)
    return ok(req, {"id": video_id})


def _attached(req: Request) -> list[str]:
    found = []
    for index in range(10):
        raw = req.param(f"attached_media[{index}]")
        if raw is None:
            break
        try:
            media_id = str(json.loads(raw)["media_fbid"])
        except (ValueError, KeyError, TypeError) as exc:
            raise HTTPError(error(400, 100, "(#100) Invalid attached_media")) from exc
        if req.store.media_info(NETWORK, media_id) is None:
            raise HTTPError(error(400, 100, f"(#100) Unknown media_fbid {media_id}"))
        found.append(media_id)
    return found


def _author(page: dict[str, Any]) -> dict[str, str]:
    return {"id": page["user_id"], "name": page["display_name"]}


def _url(req: Request, post_id: str) -> str:
    return f"{req.base_url}/fb/{post_id}"


@router.route("POST", "/graph/<version>/<object_id>/comments")
def comment(req: Request, version: str, object_id: str) -> Response:
    page = authenticate(req)
    if req.store.post(NETWORK, object_id) is None:
        return error(400, 100, f"(#100) Object with ID '{object_id}' does not exist")
    message = str(req.param("message") or "")
    if not message:
        return error(400, 100, "(#100) Missing message")
    comment_id = f"{object_id}_{req.store.next_id(NETWORK)}"
    data = {"parent": object_id, "from": _author(page), "created_time": now_iso()}
    req.store.add_post(NETWORK, page["handle"], comment_id, message, _url(req, comment_id), data)
    return ok(req, {"id": comment_id})


@router.route("GET", "/graph/<version>/<object_id>/comments")
def comments(req: Request, version: str, object_id: str) -> Response:
    if req.store.post("instagram", object_id) is not None:  # an Instagram media's comments
        from carecast.networks.instagram.sandbox import media_comments

        return media_comments(req, object_id)
    authenticate(req)
    found = [_comment(c) for c in _children(req, object_id)]
    return ok(req, {"data": found, "paging": {}})


def _children(req: Request, parent: str) -> list[dict[str, Any]]:
    return [p for p in req.store.posts(NETWORK) if p["data"].get("parent") == parent]


def _comment(post: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": post["id"],
        "message": post["text"],
        "from": post["data"].get("from", {}),
        "created_time": post["data"].get("created_time", post["created_at"]),
        "permalink_url": post["url"],
        "is_hidden": bool(post["data"].get("is_hidden")),
    }


@router.route("GET", "/graph/<version>/<page_id>/published_posts")
def published_posts(req: Request, version: str, page_id: str) -> Response:
    """The Page's own posts, newest first, paged by cursors (``limit`` up to 100, ``after``)."""
    page = page_of(req, page_id)
    own = [p for p in req.store.posts(NETWORK, page["handle"]) if not p["data"].get("parent")]
    listed, paging = paging_of.graph(req, own, 25, 100)
    return ok(req, {"data": [_post(p) for p in listed], "paging": paging})


def _post(post: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": post["id"],
        "message": post["text"],
        "created_time": post["data"].get("created_time", post["created_at"]),
        "permalink_url": post["url"],
    }


@router.route("GET", "/graph/<version>/<page_id>/feed")
def feed(req: Request, version: str, page_id: str) -> Response:
    """The Page's posts; with ``fields=...comments...`` each carries its comments."""
    page = page_of(req, page_id)
    own = [p for p in req.store.posts(NETWORK, page["handle"]) if not p["data"].get("parent")]
    with_comments = "comments" in str(req.arg("fields") or "")
    data = []
    for post in own[: min(int(req.arg("limit") or 25), 100)]:
        item = _post(post)
        if with_comments:
            visible = [_comment(c) for c in _children(req, post["id"])]
            item["comments"] = {"data": visible}
        data.append(item)
    return ok(req, {"data": data, "paging": {}})


@router.route("DELETE", "/graph/<version>/<object_id>")
def delete(req: Request, version: str, object_id: str) -> Response:
    if (hooked := _instagram(req, object_id)) is not None:
        return hooked
    authenticate(req)
    if not req.store.delete_post(NETWORK, object_id):
        message = f"(#100) Object with ID '{object_id}' does not exist"
        return error(400, 100, message, 33)
    return ok(req, {"success": True})


@router.route("POST", "/graph/<version>/<object_id>")
def update(req: Request, version: str, object_id: str) -> Response:
    """Hiding a comment (``is_hidden``): only comments under the Page's own posts."""
    if (hooked := _instagram(req, object_id)) is not None:
        return hooked
    page = authenticate(req)
    post = req.store.post(NETWORK, object_id)
    if post is None or not post["data"].get("parent"):
        return error(400, 100, f"(#100) Object with ID '{object_id}' does not exist", 33)
    parent = req.store.post(NETWORK, post["data"]["parent"]) or {}
    if parent.get("account") != page["handle"]:
        return error(403, 200, "(#200) Permissions error")
    hidden = str(req.param("is_hidden") or "").lower() == "true"
    req.store.update_post_data(NETWORK, object_id, is_hidden=hidden)
    return ok(req, {"success": True})


@router.route("GET", "/graph/<version>")
def nodes(req: Request, version: str) -> Response:
    """Multiple-ID read: ``GET /?ids=a,b&fields=…``, each post as a node read with its counts;
    an unknown id refuses the whole call with code 803, as Meta does."""
    network = _network_of_token(req)
    ids = [i for i in str(req.arg("ids") or "").split(",") if i]
    posts = {i: req.store.post(network, i) for i in ids}
    missing = [i for i, post in posts.items() if post is None]
    if not ids or missing:
        message = f"(#803) Some of the aliases you requested do not exist: {','.join(missing)}"
        return error(404, 803, message)
    fields = str(req.arg("fields") or "")
    if network == "instagram":
        from carecast.networks.instagram.sandbox import media_with_counts

        return ok(req, {i: media_with_counts(post, fields) for i, post in posts.items() if post})
    return ok(req, {i: _post_with_counts(post, fields) for i, post in posts.items() if post})


def _network_of_token(req: Request) -> str:
    """Pages and Instagram accounts share graph.facebook.com: the token says whose call it is."""
    try:
        authenticate(req)
    except HTTPError:
        authenticate(req, "instagram")
        return "instagram"
    return NETWORK


def _post_with_counts(post: dict[str, Any], fields: str) -> dict[str, Any]:
    """The post's node with what ``fields`` asks of its stored counts (data keys ``reactions``,
    ``comments_count``, ``shares``, ``impressions_unique``, ``link_clicks``)."""
    data, body = post["data"], _post(post)
    if "reactions" in fields:
        body["reactions"] = {"data": [], "summary": {"total_count": int(data.get("reactions", 0))}}
    if "comments" in fields:
        body["comments"] = {
            "data": [],
            "summary": {"total_count": int(data.get("comments_count", 0))},
        }
    if "shares" in fields and int(data.get("shares", 0)):
        body["shares"] = {"count": int(data["shares"])}  # left out when nobody shared it
    if "insights" in fields:
        clicks = {"link clicks": int(data.get("link_clicks", 0)), "other clicks": 0}
        body["insights"] = {
            "data": [
                _insight(post, "post_impressions_unique", int(data.get("impressions_unique", 0))),
                _insight(post, "post_clicks_by_type", clicks),
            ]
        }
    return body


def _insight(post: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    return {
        "name": name,
        "period": "lifetime",
        "values": [{"value": value}],
        "id": f"{post['id']}/insights/{name}/lifetime",
    }


@router.route("GET", "/graph/<version>/<object_id>")
def node(req: Request, version: str, object_id: str) -> Response:
    """A Page (``id``, ``name``, linked ``instagram_business_account``) or a post."""
    if (hooked := _instagram(req, object_id)) is not None:
        return hooked
    page = authenticate(req)
    if object_id in (page["user_id"], "me"):
        body: dict[str, Any] = {"id": page["user_id"], "name": page["display_name"]}
        if "followers_count" in str(req.arg("fields") or ""):
            body["followers_count"] = int(page["options"].get("followers_count", 0))
        linked = page["options"].get("instagram_id")
        if linked and "instagram_business_account" in str(req.arg("fields") or ""):
            body["instagram_business_account"] = {"id": linked}
        return ok(req, body)
    post = req.store.post(NETWORK, object_id)
    if post is None:
        return error(400, 100, f"(#100) Object with ID '{object_id}' does not exist", 33)
    return ok(req, _post_with_counts(post, str(req.arg("fields") or "")))


def visitor_comment(
    server: Any, network: str, reply_to: str, text: str, author: str
) -> dict[str, Any]:
    """Someone (``author``, a person on Facebook or Instagram) comments on ``reply_to``."""
    comment_id = f"{reply_to}_{server.store.next_id(network)}"
    person = {"id": f"person-{author}", "name": author.title()}
    data = {
        "parent": reply_to,
        "from": person,
        "created_time": now_iso(),
        "username": author,
        "actor": f"urn:li:person:{author}",  # LinkedIn names people by URN
    }
    url = f"{server.base_url}/fb/{comment_id}"
    return server.store.add_post(network, author, comment_id, text, url, data)


def _instagram(req: Request, object_id: str) -> Response | None:
    """Instagram containers, media and comments share graph.facebook.com's node paths."""
    from carecast.networks.instagram.sandbox import node_hook

    return node_hook(req, object_id)
