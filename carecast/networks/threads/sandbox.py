"""The sandbox's Threads API (graph.threads.net under ``/threads-graph/``, the sign-in page of
threads.net under ``/threads-net/``).

Containers from ``text`` or an ``image_url`` the sandbox downloads; ``status`` is
``IN_PROGRESS`` for ``threads_processing_polls`` reads (default 0), then ``FINISHED``;
``threads_publish`` makes the post. ``threads_publishing_limit`` (setting, default 250).
OAuth: code → short-lived token (``POST /oauth/access_token``) → long-lived token
(``GET /access_token?grant_type=th_exchange_token``) → refresh (``/refresh_access_token``).
"""

from __future__ import annotations

import secrets
import threading
from typing import Any

from carecast.networks.facebook.sandbox import authenticate, error, ok
from carecast.networks.instagram.sandbox import _fetch_image, _video_error
from carecast.sandbox import paging as paging_of
from carecast.sandbox.consent import (
    account_choices,
    allowed_account,
    back_to,
    consent_page,
)
from carecast.sandbox.routing import HTTPError, Request, Response, Router
from carecast.sandbox.store import now_iso

router = Router()
NETWORK = "threads"
SHORT_SECONDS, LONG_SECONDS = 3600, 5_183_944
_LOCK = threading.Lock()


def _state(req: Request) -> dict[str, Any]:
    with _LOCK:
        if not hasattr(req.server, "threads_state"):
            req.server.threads_state = {"containers": {}, "codes": {}}  # type: ignore[attr-defined]
        return req.server.threads_state  # type: ignore[attr-defined]


def _user(req: Request, user_id: str) -> dict[str, Any]:
    account = authenticate(req, NETWORK)
    if user_id not in (account["user_id"], "me"):
        raise HTTPError(error(403, 10, "Application does not have permission for this action"))
    return account


# --- sign-in --------------------------------------------------------------------------------


@router.route("GET", "/threads-net/oauth/authorize")
def authorize(req: Request) -> Response:
    keep = {k: req.arg(k) or "" for k in ("client_id", "redirect_uri", "scope", "state")}
    return consent_page(
        "Threads-Anmeldung",
        "Threads: Zugriff erlauben?",
        action="/threads-net/oauth/authorize",
        keep=keep,
        choices=account_choices(req.store.accounts(NETWORK), empty=""),
        allow="Erlauben",
        deny="Ablehnen",
    )


@router.route("POST", "/threads-net/oauth/authorize")
def decide(req: Request) -> Response:
    redirect = str(req.param("redirect_uri") or "")
    answer = {"state": str(req.param("state") or "")}
    handle = allowed_account(req, NETWORK)
    if not handle:
        answer.update(error="access_denied", error_description="Permissions error")
    else:
        code = secrets.token_urlsafe(24)
        _state(req)["codes"][code] = {"handle": handle, "redirect_uri": redirect}
        answer["code"] = code
    return back_to(redirect, answer)


@router.route("POST", "/threads-graph/oauth/access_token")
def code_token(req: Request) -> Response:
    grant = _state(req)["codes"].pop(str(req.param("code") or ""), None)
    if grant is None or grant["redirect_uri"] != str(req.param("redirect_uri") or ""):
        return error(400, 100, "Invalid authorization code", 36009)
    if not req.param("client_secret"):
        return error(400, 101, "Error validating application. Invalid application ID.")
    account = req.store.account(NETWORK, grant["handle"]) or {}
    token = req.store.issue_token(NETWORK, grant["handle"], "access", SHORT_SECONDS)
    return Response(200, {"access_token": token, "user_id": account.get("user_id")})


@router.route("GET", "/threads-graph/access_token")
def long_lived(req: Request) -> Response:
    if req.arg("grant_type") != "th_exchange_token" or not req.arg("client_secret"):
        return error(400, 100, "Unsupported grant_type")
    return _renew(req)


def _renew(req: Request) -> Response:
    account = authenticate(req, NETWORK)
    token = req.store.issue_token(NETWORK, account["handle"], "access", LONG_SECONDS)
    return ok(req, {"access_token": token, "token_type": "bearer", "expires_in": LONG_SECONDS})


@router.route("GET", "/threads-graph/<version>/refresh_access_token")
def refresh(req: Request, version: str) -> Response:
    if req.arg("grant_type") != "th_refresh_token":
        return error(400, 100, "Unsupported grant_type")
    return _renew(req)


# --- publishing -----------------------------------------------------------------------------


@router.route("POST", "/threads-graph/<version>/<user_id>/threads")
def create_container(req: Request, version: str, user_id: str) -> Response:
    account = _user(req, user_id)
    kind = str(req.param("media_type") or "")
    item: dict[str, Any] = {
        "text": str(req.param("text") or ""),
        "reply_to": str(req.param("reply_to_id") or ""),
        "status": "IN_PROGRESS",
        "polls": int(req.server.settings.get("threads_processing_polls", 0)),
        "media_ids": [],
    }
    containers = _state(req)["containers"]
    if kind == "CAROUSEL":
        children = [c for c in str(req.param("children") or "").split(",") if c]
        if len(children) < 2 or any(c not in containers for c in children):
            return error(400, 100, "(#100) The parameter children is invalid")
        item["media_ids"] = [m for c in children for m in containers[c]["media_ids"]]
    elif kind == "IMAGE":
        media_id = _fetch_image(req, account, str(req.param("image_url") or ""), NETWORK)
        if isinstance(media_id, Response):
            return media_id
        item["media_ids"] = [media_id]
    elif kind == "VIDEO":
        url = str(req.param("video_url") or "")
        media_id = _fetch_image(req, account, url, NETWORK, prefix="video/")
        if isinstance(media_id, Response):
            return media_id
        item["media_ids"] = [media_id]
        item["polls"] = max(item["polls"], 1)  # a video is processed before it can go out
        item["error"] = _video_error(req, media_id, NETWORK)
    elif kind != "TEXT" or not item["text"]:
        return error(400, 100, "(#100) The parameter media_type is invalid")
    if len(item["text"]) > 500:
        return error(400, 100, "(#100) The parameter text is too long", 2207050)
    container_id = str(req.store.next_id(NETWORK))
    containers[container_id] = item
    return ok(req, {"id": container_id})


@router.route("POST", "/threads-graph/<version>/<user_id>/threads_publish")
def publish(req: Request, version: str, user_id: str) -> Response:
    account = _user(req, user_id)
    with req.store.lock:
        item = _state(req)["containers"].get(str(req.param("creation_id") or ""))
        if item is None or item["status"] != "FINISHED":
            return error(400, 24, "The requested resource does not exist or is not ready", 4279009)
        if _used(req, account) >= int(req.server.settings.get("threads_publishing_limit", 250)):
            return error(400, 9, "Application request limit reached", 2207042)
        media_id = str(req.store.next_id(NETWORK))
        data = {
            "media_ids": item["media_ids"],
            "parent": item["reply_to"] or None,
            "username": account["handle"],
            "created_time": now_iso(),
        }
        url = f"{req.base_url}/threads-net/@{account['handle']}/post/{media_id}"
        req.store.add_post(NETWORK, account["handle"], media_id, item["text"], url, data)
        item["status"] = "PUBLISHED"
    return ok(req, {"id": media_id})


def _own_threads(req: Request, account: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in req.store.posts(NETWORK, account["handle"]) if not p["data"].get("parent")]


def _used(req: Request, account: dict[str, Any]) -> int:
    return len(req.store.posts(NETWORK, account["handle"]))


@router.route("GET", "/threads-graph/<version>/<user_id>/threads_publishing_limit")
def publishing_limit(req: Request, version: str, user_id: str) -> Response:
    account = _user(req, user_id)
    total = int(req.server.settings.get("threads_publishing_limit", 250))
    config = {"quota_total": total, "quota_duration": 86400}
    return ok(req, {"data": [{"quota_usage": _used(req, account), "config": config}]})


def _item(post: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": post["id"],
        "text": post["text"],
        "username": post["data"].get("username", ""),
        "timestamp": post["data"].get("created_time", post["created_at"]),
        "permalink": post["url"],
        "hide_status": "HIDDEN" if post["data"].get("hidden") else "NOT_HUSHED",
    }


@router.route("GET", "/threads-graph/<version>/<user_id>/threads")
def threads(req: Request, version: str, user_id: str) -> Response:
    """The user's own threads, newest first (replies are under ``/replies``), paged by cursors
    (``limit`` up to 100, ``after``; https://developers.facebook.com/docs/threads/threads-media)."""
    account = _user(req, user_id)
    listed, paging = paging_of.graph(req, _own_threads(req, account), 25, 100)
    data = [{**_item(p), "media_type": _media_type(p)} for p in listed]
    return ok(req, {"data": data, "paging": paging})


def _media_type(post: dict[str, Any]) -> str:
    """TEXT_POST, IMAGE, VIDEO or CAROUSEL_ALBUM (or what a test stored)."""
    if post["data"].get("media_type"):
        return str(post["data"]["media_type"])
    kinds = [str(m.get("mime_type", "")) for m in post["media"]]
    if len(kinds) > 1:
        return "CAROUSEL_ALBUM"
    if kinds:
        return "VIDEO" if kinds[0].startswith("video/") else "IMAGE"
    return "TEXT_POST"


THREAD_METRICS = ("views", "likes", "replies", "reposts", "quotes", "shares")


@router.route("GET", "/threads-graph/<version>/<media_id>/insights")
def media_insights(req: Request, version: str, media_id: str) -> Response:
    """``GET /{threads-media-id}/insights?metric=…`` (https://developers.facebook.com/docs/threads/insights):
    each asked metric from the post's stored data keys of the same name."""
    account = authenticate(req, NETWORK)
    post = req.store.post(NETWORK, media_id)
    if post is None or post["account"] != account["handle"]:
        return error(400, 100, f"(#100) Object with ID '{media_id}' does not exist", 33)
    asked = [m for m in str(req.arg("metric") or "").split(",") if m]
    unknown = [m for m in asked if m not in THREAD_METRICS]
    if not asked or unknown:
        return error(400, 100, f"(#100) metric[{len(asked)}] must be one of {THREAD_METRICS}")
    data = [
        {"name": m, "period": "lifetime", "values": [{"value": int(post["data"].get(m, 0))}],
         "id": f"{media_id}/insights/{m}/lifetime"}
        for m in asked
    ]  # fmt: skip
    return ok(req, {"data": data})


@router.route("GET", "/threads-graph/<version>/<user_id>/threads_insights")
def user_insights(req: Request, version: str, user_id: str) -> Response:
    """``metric=followers_count``: a total value, as the Threads API reports it."""
    account = _user(req, user_id)
    followers = int(account["options"].get("followers_count", 0))
    data = [{"name": "followers_count", "period": "day", "total_value": {"value": followers}}]
    return ok(req, {"data": data})


@router.route("GET", "/threads-graph/<version>/<media_id>/replies")
def replies(req: Request, version: str, media_id: str) -> Response:
    authenticate(req, NETWORK)
    found = [_item(p) for p in req.store.posts(NETWORK) if p["data"].get("parent") == media_id]
    return ok(req, {"data": found, "paging": {}})


@router.route("POST", "/threads-graph/<version>/<reply_id>/manage_reply")
def manage_reply(req: Request, version: str, reply_id: str) -> Response:
    account = authenticate(req, NETWORK)
    reply = req.store.post(NETWORK, reply_id)
    parent = req.store.post(NETWORK, (reply or {}).get("data", {}).get("parent") or "")
    if reply is None or parent is None or parent["account"] != account["handle"]:
        return error(400, 100, f"(#100) Object with ID '{reply_id}' does not exist", 33)
    req.store.update_post_data(NETWORK, reply_id, hidden=str(req.param("hide")).lower() == "true")
    return ok(req, {"success": True})


@router.route("GET", "/threads-graph/<version>/<object_id>")
def node(req: Request, version: str, object_id: str) -> Response:
    account = authenticate(req, NETWORK)
    if object_id in ("me", account["user_id"]):
        return ok(req, {"id": account["user_id"], "username": account["handle"]})
    item = _state(req)["containers"].get(object_id)
    if item is not None:
        if item["status"] == "IN_PROGRESS":
            item["polls"] -= 1
            if item["polls"] < 0:
                item["status"] = "ERROR" if item.get("error") else "FINISHED"
        answer = {"id": object_id, "status": item["status"]}
        if item["status"] == "ERROR":
            answer["error_message"] = item["error"]
        return ok(req, answer)
    post = req.store.post(NETWORK, object_id)
    if post is None:
        return error(400, 100, f"(#100) Object with ID '{object_id}' does not exist", 33)
    return ok(req, _item(post))


@router.route("DELETE", "/threads-graph/<version>/<object_id>")
def delete(req: Request, version: str, object_id: str) -> Response:
    account = authenticate(req, NETWORK)
    post = req.store.post(NETWORK, object_id)
    if post is None or post["account"] != account["handle"]:
        return error(400, 100, f"(#100) Object with ID '{object_id}' does not exist", 33)
    req.store.delete_post(NETWORK, object_id)
    return ok(req, {"success": True, "deleted_id": object_id})
