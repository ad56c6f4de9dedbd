"""The sandbox's TikTok (under ``/tiktok/``): Login Kit OAuth, user info, and the Content
Posting API's Direct Post — creator_info, video/init with FILE_UPLOAD, the chunked PUT to
the upload address, status/fetch.

Chunks must follow TikTok's rules (media transfer guide): ``total_chunk_count`` equals
``video_size // chunk_size``, each chunk is ``chunk_size`` except the last (which takes the
rest), they arrive in order (otherwise 416), and the last one answers 201. A completed
upload is probed with ffprobe: a file that is no video fails with
``file_format_check_failed``. Each status fetch after the upload moves the post on:
``PROCESSING_DOWNLOAD`` for ``tiktok_processing_polls`` fetches (setting, default 1), then
``PUBLISH_COMPLETE`` (or ``FAILED`` with the ``tiktok_fail_reason`` setting).

Account options: ``audited: false`` offers only ``SELF_ONLY`` and refuses other levels as
TikTok refuses unaudited apps; ``comment_disabled``/``duet_disabled``/``stitch_disabled``;
``max_duration`` (seconds, default 600).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import threading
from typing import Any

from carecast.sandbox.consent import (
    account_choices,
    allowed_account,
    back_to,
    consent_page,
)
from carecast.sandbox.routing import HTTPError, Request, Response, Router
from carecast.sandbox.store import AuthFailure
from carecast.sandbox.video_probe import probe
from carecast.sandbox.viewer import page as html_page

router = Router()
NETWORK = "tiktok"
MB = 1024 * 1024
_LOCK = threading.RLock()
_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)$")


def error(status: int, code: str, message: str) -> Response:
    log_id = secrets.token_hex(8)
    return Response(
        status, {"data": {}, "error": {"code": code, "message": message, "log_id": log_id}}
    )


def ok(data: dict[str, Any]) -> Response:
    return Response(
        200, {"data": data, "error": {"code": "ok", "message": "", "log_id": secrets.token_hex(8)}}
    )


def _state(req: Request) -> dict[str, Any]:
    with _LOCK:
        if not hasattr(req.server, "tiktok_state"):
            req.server.tiktok_state = {"codes": {}, "refresh": {}, "uploads": {}, "publishes": {}}  # type: ignore[attr-defined]
        return req.server.tiktok_state  # type: ignore[attr-defined]


def _auth(req: Request) -> dict[str, Any]:
    try:
        return req.store.authenticate(NETWORK, req.bearer)
    except AuthFailure as exc:
        raise HTTPError(
            error(
                401,
                "access_token_invalid",
                "The access token is invalid or not found in the request.",
            )
        ) from exc


def _levels(account: dict[str, Any]) -> list[str]:
    if account["options"].get("audited", True) is False:
        return ["SELF_ONLY"]
    return ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]


# --- Login Kit ------------------------------------------------------------------------------


@router.route("GET", "/tiktok/v2/auth/authorize")
def authorize(req: Request) -> Response:
    keep = {k: req.arg(k) or "" for k in ("client_key", "redirect_uri", "scope", "state")}
    if not keep["client_key"] or not keep["redirect_uri"]:
        return html_page("Fehler", "<h1>Anmeldung nicht möglich</h1><p>client_key</p>", 400)
    return consent_page(
        "TikTok-Anmeldung",
        "TikTok: carecast erlauben?",
        action="/tiktok/v2/auth/authorize",
        keep=keep,
        choices=account_choices(req.store.accounts(NETWORK)),
    )


@router.route("POST", "/tiktok/v2/auth/authorize")
def decide(req: Request) -> Response:
    redirect = str(req.param("redirect_uri") or "")
    answer = {"state": str(req.param("state") or "")}
    handle = allowed_account(req, NETWORK)
    if not handle:
        answer.update(error="access_denied", error_description="The user denied the request")
    else:
        code = secrets.token_urlsafe(24)
        _state(req)["codes"][code] = {
            "redirect_uri": redirect,
            "handle": handle,
            "scope": str(req.param("scope") or ""),
        }
        answer.update(code=code, scopes=str(req.param("scope") or ""))
    return back_to(redirect, answer)


@router.route("POST", "/tiktok/v2/oauth/token")
def token(req: Request) -> Response:
    grant = str(req.param("grant_type") or "")
    if grant == "refresh_token":
        handle = _state(req)["refresh"].pop(str(req.param("refresh_token") or ""), None)
        if handle is None:
            return Response(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Refresh token is invalid or expired.",
                },
            )
        return _issue(req, handle, "user.info.basic,video.publish,video.list,user.info.stats")
    if grant != "authorization_code":
        return Response(
            400, {"error": "invalid_request", "error_description": "grant_type is invalid"}
        )
    grant_data = _state(req)["codes"].pop(str(req.param("code") or ""), None)
    if grant_data is None or grant_data["redirect_uri"] != str(req.param("redirect_uri") or ""):
        return Response(
            400, {"error": "invalid_grant", "error_description": "Authorization code is expired."}
        )
    return _issue(req, grant_data["handle"], grant_data["scope"])


def _issue(req: Request, handle: str, scope: str) -> Response:
    account = req.store.account(NETWORK, handle) or {}
    access = req.store.issue_token(NETWORK, handle, "access", 86_400)
    refresh = f"rft.{secrets.token_urlsafe(24)}"
    _state(req)["refresh"][refresh] = handle
    return Response(
        200,
        {
            "access_token": access,
            "expires_in": 86_400,
            "open_id": account.get("user_id", ""),
            "refresh_token": refresh,
            "refresh_expires_in": 31_536_000,
            "scope": scope,
            "token_type": "Bearer",
        },
    )


@router.route("GET", "/tiktok/v2/user/info")
def user_info(req: Request) -> Response:
    account = _auth(req)
    user: dict[str, Any] = {
        "open_id": account["user_id"],
        "display_name": account["display_name"],
        "username": account["handle"],
    }
    if "follower_count" in str(req.arg("fields") or ""):
        user["follower_count"] = int(account["options"].get("followers_count", 0))
    return ok({"user": user})


VIDEO_COUNTS = ("view_count", "like_count", "comment_count", "share_count")


@router.route("POST", "/tiktok/v2/video/query")
def video_query(req: Request) -> Response:
    """``POST /v2/video/query/?fields=…`` with ``filters.video_ids`` (up to 20) — the creator's
    own public videos (https://developers.tiktok.com/doc/tiktok-api-v2-video-query); one it
    does not find is left out."""
    account = _auth(req)
    body = req.json if isinstance(req.json, dict) else {}
    ids = [str(i) for i in ((body.get("filters") or {}).get("video_ids") or [])]
    if not 1 <= len(ids) <= 20:
        return error(400, "invalid_params", "video_ids must hold 1 to 20 ids")
    fields = str(req.arg("fields") or "id").split(",")
    videos = []
    for video_id in ids:
        post = req.store.post(NETWORK, video_id)
        if post is None or post["account"] != account["handle"]:
            continue
        video: dict[str, Any] = {"id": video_id}
        for name in VIDEO_COUNTS:
            if name in fields:
                video[name] = int(post["data"].get(name, 0))
        videos.append(video)
    return ok({"videos": videos, "cursor": 0, "has_more": False})


@router.route("POST", "/tiktok/v2/video/list")
def video_list(req: Request) -> Response:
    """``POST /v2/video/list/?fields=…`` with ``max_count`` (up to 20) and ``cursor`` — the
    creator's public videos, newest first (https://developers.tiktok.com/doc/tiktok-api-v2-
    video-list); ``cursor`` is the last video's create time in UTC milliseconds and asks for
    older ones, ``has_more`` says whether there are."""
    account = _auth(req)
    body = req.json if isinstance(req.json, dict) else {}
    asked, cursor = body.get("max_count", 10), body.get("cursor")
    if not isinstance(asked, int) or not 1 <= asked <= 20:
        return error(400, "invalid_params", "max_count must be between 1 and 20")
    fields = str(req.arg("fields") or "id").split(",")
    videos = [(_millis(p["created_at"]), p) for p in req.store.posts(NETWORK, account["handle"])]
    if isinstance(cursor, int) and cursor > 0:
        videos = [(at, p) for at, p in videos if at < cursor]
    page = videos[:asked]
    return ok(
        {
            "videos": [_listed(req, p, at, fields) for at, p in page],
            "cursor": page[-1][0] if page else 0,
            "has_more": len(videos) > len(page),
        }
    )


def _millis(created_at: str) -> int:
    return int(dt.datetime.fromisoformat(created_at.replace("Z", "+00:00")).timestamp() * 1000)


def _listed(req: Request, post: dict[str, Any], at: int, fields: list[str]) -> dict[str, Any]:
    known = {
        "id": post["id"],
        "create_time": at // 1000,
        "title": post["text"][:150],
        "video_description": post["text"],
        "share_url": post["url"],
        "cover_image_url": f"{req.base_url}/tiktok/cover/{post['id']}.jpeg",
        **{name: int(post["data"].get(name, 0)) for name in VIDEO_COUNTS},
    }
    return {name: known[name] for name in fields if name in known}


# --- Content Posting API --------------------------------------------------------------------


@router.route("POST", "/tiktok/v2/post/publish/creator_info/query")
def creator_info(req: Request) -> Response:
    account = _auth(req)
    options = account["options"]
    return ok(
        {
            "creator_avatar_url": "",
            "creator_username": account["handle"],
            "creator_nickname": account["display_name"],
            "privacy_level_options": _levels(account),
            "comment_disabled": bool(options.get("comment_disabled")),
            "duet_disabled": bool(options.get("duet_disabled")),
            "stitch_disabled": bool(options.get("stitch_disabled")),
            "max_video_post_duration_sec": int(options.get("max_duration", 600)),
        }
    )


@router.route("POST", "/tiktok/v2/post/publish/video/init")
def init(req: Request) -> Response:
    account = _auth(req)
    body = req.json if isinstance(req.json, dict) else {}
    post_info, source = body.get("post_info") or {}, body.get("source_info") or {}
    level = str(post_info.get("privacy_level") or "")
    if level not in (
        "PUBLIC_TO_EVERYONE",
        "MUTUAL_FOLLOW_FRIENDS",
        "FOLLOWER_OF_CREATOR",
        "SELF_ONLY",
    ):
        return error(400, "invalid_params", "privacy_level is required.")
    if level not in _levels(account):
        if account["options"].get("audited", True) is False:
            return error(
                403,
                "unaudited_client_can_only_post_to_private_accounts",
                "Unaudited clients can only post to a private account.",
            )
        return error(
            400,
            "privacy_level_option_mismatch",
            "privacy_level is not among the creator's options.",
        )
    if len(str(post_info.get("title") or "").encode("utf-16-le")) // 2 > 2200:
        return error(400, "invalid_params", "title is longer than 2200 runes.")
    if source.get("source") != "FILE_UPLOAD":
        return error(400, "invalid_params", "source must be FILE_UPLOAD or PULL_FROM_URL.")
    problem = _chunk_problem(source)
    if problem:
        return error(400, "invalid_params", problem)
    publish_id = f"v_pub_file~v2-1.{req.store.next_id(NETWORK)}"
    upload_id = secrets.token_urlsafe(12)
    _state(req)["uploads"][upload_id] = {
        "publish_id": publish_id,
        "size": int(source["video_size"]),
        "chunk": int(source["chunk_size"]),
        "count": int(source["total_chunk_count"]),
        "received": bytearray(),
    }
    _state(req)["publishes"][publish_id] = {
        "handle": account["handle"],
        "status": "PROCESSING_UPLOAD",
        "post_info": post_info,
        "upload_id": upload_id,
        "polls": 0,
    }
    url = f"{req.base_url}/tiktok/video/upload?upload_id={upload_id}&upload_token={secrets.token_hex(8)}"
    return ok({"publish_id": publish_id, "upload_url": url})


def _chunk_problem(source: dict[str, Any]) -> str:
    try:
        size, chunk, count = (
            int(source[k]) for k in ("video_size", "chunk_size", "total_chunk_count")
        )
    except (KeyError, TypeError, ValueError):
        return "video_size, chunk_size and total_chunk_count are required for FILE_UPLOAD."
    if size <= 0 or chunk <= 0:
        return "video_size and chunk_size must be positive."
    if size < 5 * MB and (chunk != size or count != 1):
        return "Videos under 5 MB must be uploaded as one chunk."
    if size >= 5 * MB and not 5 * MB <= chunk <= 64 * MB and chunk != size:
        return "chunk_size must be between 5 MB and 64 MB."
    if count != max(size // chunk, 1) or not 1 <= count <= 1000:
        return "total_chunk_count must be video_size divided by chunk_size, rounded down."
    if size - chunk * (count - 1) > 128 * MB:
        return "The final chunk may be at most 128 MB."
    return ""


@router.route("PUT", "/tiktok/video/upload")
def upload(req: Request) -> Response:
    upload_id = req.arg("upload_id") or ""
    session = _state(req)["uploads"].get(upload_id)
    if session is None:
        return Response(
            404,
            {
                "error": {
                    "code": "upload_not_found",
                    "message": "The upload URL is invalid or has expired.",
                }
            },
        )
    found = _RANGE.match(req.headers.get("Content-Range") or "")
    if not found:
        return Response(
            400, {"error": {"code": "invalid_params", "message": "Content-Range is required."}}
        )
    first, last, total = (int(g) for g in found.groups())
    received = session["received"]
    index = first // session["chunk"] if session["chunk"] else 0
    expected_last = (
        session["size"] - 1 if index == session["count"] - 1 else first + session["chunk"] - 1
    )
    if total != session["size"] or first != len(received):
        return Response(
            416,
            {
                "error": {
                    "code": "range_not_satisfiable",
                    "message": f"Expected the chunk starting at byte {len(received)}.",
                }
            },
        )
    if last != expected_last or len(req.body) != last - first + 1:
        return Response(
            400,
            {
                "error": {
                    "code": "invalid_params",
                    "message": "The chunk does not match chunk_size.",
                }
            },
        )
    received.extend(req.body)
    if len(received) < session["size"]:
        return Response(206, None)
    _finish_upload(req, session)
    return Response(201, None)


def _finish_upload(req: Request, session: dict[str, Any]) -> None:
    publish = _state(req)["publishes"][session["publish_id"]]
    content = bytes(session["received"])
    publish["status"] = "PROCESSING_DOWNLOAD"
    publish["probe"] = probe(content)
    publish["content"] = content


@router.route("POST", "/tiktok/v2/post/publish/status/fetch")
def status_fetch(req: Request) -> Response:
    account = _auth(req)
    body = req.json if isinstance(req.json, dict) else {}
    publish = _state(req)["publishes"].get(str(body.get("publish_id") or ""))
    if publish is None or publish["handle"] != account["handle"]:
        return error(400, "invalid_publish_id", "The publish_id does not exist.")
    with _LOCK:
        _advance(req, publish, account)
    session = _state(req)["uploads"].get(publish["upload_id"]) or {}
    data: dict[str, Any] = {"status": publish["status"]}
    if publish["status"] == "PROCESSING_UPLOAD":
        data["uploaded_bytes"] = len(session.get("received") or b"")
    if publish["status"] == "FAILED":
        data["fail_reason"] = publish["fail_reason"]
    if publish["status"] == "PUBLISH_COMPLETE":
        public = publish["post_info"].get("privacy_level") == "PUBLIC_TO_EVERYONE"
        data["publicaly_available_post_id"] = [int(publish["post_id"])] if public else []
        data["uploaded_bytes"] = session.get("size", 0)
    return ok(data)


def _advance(req: Request, publish: dict[str, Any], account: dict[str, Any]) -> None:
    if publish["status"] != "PROCESSING_DOWNLOAD":
        return
    publish["polls"] += 1
    if publish["polls"] <= int(req.server.settings.get("tiktok_processing_polls", 1)):
        return
    probe = publish.get("probe")
    reason = str(req.server.settings.get("tiktok_fail_reason") or "")
    if probe is None:
        reason = "file_format_check_failed"
    elif probe["duration"] > int(account["options"].get("max_duration", 600)):
        reason = "duration_check_failed"
    if reason:
        publish.update(status="FAILED", fail_reason=reason)
        return
    post_id = req.store.next_id(NETWORK)
    info = publish["post_info"]
    req.store.add_media(
        NETWORK,
        account["handle"],
        f"video-{post_id}",
        "video/mp4",
        publish.pop("content"),
        meta=probe,
    )
    req.store.add_post(
        NETWORK,
        account["handle"],
        post_id,
        str(info.get("title") or ""),
        f"{req.base_url}/tiktok/@{account['handle']}/video/{post_id}",
        {
            "publish_id": next(k for k, v in _state(req)["publishes"].items() if v is publish),
            "post_info": info,
            "media_ids": [f"video-{post_id}"],
        },
    )
    publish.update(status="PUBLISH_COMPLETE", post_id=post_id)
