"""The sandbox's YouTube (under ``/youtube/``): Google's OAuth pages and token endpoint,
``channels.list?mine=true`` (with the uploads playlist), ``playlistItems.list`` of it,
``videos.insert`` by the resumable upload protocol, and
``videos.delete``.

The resumable session (https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol):
the POST checks the metadata (title ≤ 100 characters, description ≤ 5,000 bytes, no ``<``
``>``, a known privacy status) and answers 200 with the session in ``Location``. Chunks must
continue exactly where the received bytes end and be multiples of 256 KiB (but the last);
each incomplete one answers 308 with ``Range: bytes=0-N``; ``Content-Range: bytes */SIZE``
asks the same. The final chunk makes the video (200 with the resource). Each insert costs
1,600 units of ``youtube_daily_quota`` (setting, default 10,000); beyond it: 403
``quotaExceeded``. The setting ``youtube_sessions_expire`` makes every stored session 404.

``captions.insert`` (https://developers.google.com/youtube/v3/docs/captions/insert): a
``multipart/related`` body (the JSON snippet, then the caption file); the video must exist and
belong to the caller; stored in ``server.youtube_state["captions"]``. An account with the
option ``force_ssl: False`` lacks the scope: 403 ``insufficientPermissions``.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from typing import Any

from carecast.sandbox import paging as paging_of
from carecast.sandbox.consent import (
    account_choices,
    allowed_account,
    back_to,
    consent_page,
)
from carecast.sandbox.routing import HTTPError, Request, Response, Router
from carecast.sandbox.store import AuthFailure
from carecast.sandbox.viewer import page as html_page

router = Router()
NETWORK = "youtube"
QUANTUM = 256 * 1024
INSERT_COST = 1_600
_LOCK = threading.RLock()
_RANGE = re.compile(r"bytes (?:(\d+)-(\d+)|\*)/(\d+)$")


def error(status: int, reason: str, message: str, domain: str = "global") -> Response:
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
        }
    }
    return Response(status, body)


def _state(req: Request) -> dict[str, Any]:
    with _LOCK:
        if not hasattr(req.server, "youtube_state"):
            req.server.youtube_state = {  # type: ignore[attr-defined]
                "codes": {},
                "refresh": {},
                "sessions": {},
                "units": 0,
                "captions": [],
            }
        return req.server.youtube_state  # type: ignore[attr-defined]


def _auth(req: Request) -> dict[str, Any]:
    try:
        return req.store.authenticate(NETWORK, req.bearer)
    except AuthFailure as exc:
        raise HTTPError(
            error(401, "authError", "Request had invalid authentication credentials.")
        ) from exc


# --- Google sign-in -------------------------------------------------------------------------


@router.route("GET", "/youtube/o/oauth2/v2/auth")
def authorize(req: Request) -> Response:
    names = ("client_id", "redirect_uri", "scope", "state", "code_challenge")
    keep = {k: req.arg(k) or "" for k in names}
    if not keep["client_id"] or not keep["redirect_uri"]:
        return html_page("Fehler", "<h1>Fehler 400: invalid_request</h1>", 400)
    channels = account_choices(
        req.store.accounts(NETWORK),
        label=lambda a: str(a["display_name"]),
        empty="<p>Keine Kanäle in der Sandbox.</p>",
    )
    return consent_page(
        "Google-Anmeldung",
        "Google: carecast möchte auf Ihr YouTube-Konto zugreifen",
        action="/youtube/o/oauth2/v2/auth",
        keep=keep,
        choices=channels,
    )


@router.route("POST", "/youtube/o/oauth2/v2/auth")
def decide(req: Request) -> Response:
    redirect = str(req.param("redirect_uri") or "")
    answer = {"state": str(req.param("state") or "")}
    handle = allowed_account(req, NETWORK)
    if not handle:
        answer["error"] = "access_denied"
    else:
        code = f"4/{secrets.token_urlsafe(24)}"
        _state(req)["codes"][code] = {
            "redirect_uri": redirect,
            "handle": handle,
            "scope": str(req.param("scope") or ""),
        }
        answer.update(code=code, scope=str(req.param("scope") or ""))
    return back_to(redirect, answer)


@router.route("POST", "/youtube/token")
def token(req: Request) -> Response:
    grant = str(req.param("grant_type") or "")
    if grant == "refresh_token":
        known = _state(req)["refresh"].get(str(req.param("refresh_token") or ""))
        if known is None:
            return Response(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                },
            )
        access = req.store.issue_token(NETWORK, known["handle"], "access", 3599)
        return Response(
            200,
            {
                "access_token": access,
                "expires_in": 3599,
                "scope": known["scope"],
                "token_type": "Bearer",
            },
        )
    grant_data = _state(req)["codes"].pop(str(req.param("code") or ""), None)
    if grant_data is None or grant_data["redirect_uri"] != str(req.param("redirect_uri") or ""):
        return Response(400, {"error": "invalid_grant", "error_description": "Bad Request"})
    access = req.store.issue_token(NETWORK, grant_data["handle"], "access", 3599)
    refresh = f"1//{secrets.token_urlsafe(32)}"
    _state(req)["refresh"][refresh] = grant_data
    return Response(
        200,
        {
            "access_token": access,
            "expires_in": 3599,
            "refresh_token": refresh,
            "scope": grant_data["scope"],
            "token_type": "Bearer",
        },
    )


@router.route("GET", "/youtube/youtube/v3/channels")
def channels(req: Request) -> Response:
    account = _auth(req)
    if req.arg("mine") != "true":
        return error(400, "missingRequiredParameter", "No filter selected.")
    item: dict[str, Any] = {
        "kind": "youtube#channel",
        "id": account["user_id"],
        "snippet": {"title": account["display_name"], "customUrl": f"@{account['handle']}"},
    }
    if "statistics" in str(req.arg("part") or ""):
        subscribers = str(int(account["options"].get("followers_count", 0)))
        item["statistics"] = {"subscriberCount": subscribers, "hiddenSubscriberCount": False}
    if "contentDetails" in str(req.arg("part") or ""):
        item["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads": _uploads(account)}}
    return Response(200, {"kind": "youtube#channelListResponse", "items": [item]})


def _uploads(account: dict[str, Any]) -> str:
    """The channel's uploads playlist: ``UU`` and the channel id without its ``UC``."""
    channel_id = str(account["user_id"])
    return "UU" + (channel_id[2:] if channel_id.startswith("UC") else channel_id)


@router.route("GET", "/youtube/youtube/v3/playlistItems")
def playlist_items(req: Request) -> Response:
    """``playlistItems.list`` of the caller's uploads playlist, newest first
    (https://developers.google.com/youtube/v3/docs/playlistItems/list): ``maxResults`` 0–50
    (default 5), ``pageToken``/``nextPageToken``; another playlist is 404 ``playlistNotFound``."""
    account = _auth(req)
    if req.arg("playlistId") != _uploads(account):
        message = "The playlist identified with the request's <code>playlistId</code> parameter cannot be found."
        return error(404, "playlistNotFound", message, "youtube.playlistItem")
    asked = str(req.arg("maxResults") or "5")
    if not asked.isdigit() or int(asked) > 50:
        message = f"Invalid value '{asked}'. Values must be within the range: [0, 50]"
        return error(400, "invalidParameter", message)
    videos = paging_of.after(req.store.posts(NETWORK, account["handle"]), req.arg("pageToken"))
    page = videos[: int(asked)]
    body: dict[str, Any] = {
        "kind": "youtube#playlistItemListResponse",
        "pageInfo": {"totalResults": len(req.store.posts(NETWORK, account["handle"])),
                     "resultsPerPage": int(asked)},
        "items": [_playlist_item(req, account, p, i) for i, p in enumerate(page)],
    }  # fmt: skip
    if len(videos) > len(page) and page:
        body["nextPageToken"] = paging_of.encode(page[-1]["seq"])
    return Response(200, body)


def _playlist_item(req: Request, account, post: dict[str, Any], position: int) -> dict[str, Any]:
    snippet = post["data"].get("snippet") or {}
    thumbnail = f"{req.base_url}/youtube/vi/{post['id']}/default.jpg"
    return {
        "kind": "youtube#playlistItem",
        "id": f"item-{post['id']}",
        "snippet": {
            "publishedAt": post["created_at"], "channelId": account["user_id"],
            "title": str(snippet.get("title") or post["text"]),
            "description": str(snippet.get("description") or ""),
            "thumbnails": {"default": {"url": thumbnail, "width": 120, "height": 90}},
            "playlistId": _uploads(account), "position": position,
            "resourceId": {"kind": "youtube#video", "videoId": post["id"]},
        },
        "contentDetails": {"videoId": post["id"], "videoPublishedAt": post["created_at"]},
    }  # fmt: skip


# --- videos.insert (resumable) --------------------------------------------------------------


@router.route("POST", "/youtube/upload/youtube/v3/videos")
def start_session(req: Request) -> Response:
    account = _auth(req)
    if req.arg("uploadType") != "resumable":
        return error(400, "badRequest", "This sandbox accepts only uploadType=resumable.")
    body = req.json if isinstance(req.json, dict) else {}
    snippet, status = body.get("snippet") or {}, body.get("status") or {}
    title, description = str(snippet.get("title") or ""), str(snippet.get("description") or "")
    if not title.strip() or len(title) > 100 or "<" in title or ">" in title:
        return error(
            400,
            "invalidTitle",
            "The request metadata specifies an invalid video title.",
            "youtube.video",
        )
    if len(description.encode()) > 5000 or "<" in description or ">" in description:
        return error(
            400,
            "invalidDescription",
            "The request metadata specifies an invalid video description.",
            "youtube.video",
        )
    if status.get("privacyStatus") not in ("public", "unlisted", "private"):
        return error(
            400, "invalidVideoMetadata", "The request metadata is invalid.", "youtube.video"
        )
    size = int(req.headers.get("X-Upload-Content-Length") or 0)
    if size <= 0:
        return error(400, "badContent", "X-Upload-Content-Length is required.")
    with _LOCK:
        quota = int(req.server.settings.get("youtube_daily_quota", 10_000))
        if _state(req)["units"] + INSERT_COST > quota:
            return error(
                403,
                "quotaExceeded",
                "The request cannot be completed because you have exceeded your quota.",
                "youtube.quota",
            )
        _state(req)["units"] += INSERT_COST
    upload_id = secrets.token_urlsafe(16)
    _state(req)["sessions"][upload_id] = {
        "handle": account["handle"],
        "size": size,
        "type": req.headers.get("X-Upload-Content-Type") or "video/*",
        "resource": body,
        "received": bytearray(),
        "video": None,
    }
    location = f"{req.base_url}/youtube/upload/youtube/v3/videos?uploadType=resumable&upload_id={upload_id}"
    return Response(200, None, {"Location": location})


@router.route("PUT", "/youtube/upload/youtube/v3/videos")
def put_chunk(req: Request) -> Response:
    session = _state(req)["sessions"].get(req.arg("upload_id") or "")
    if session is None or req.server.settings.get("youtube_sessions_expire"):
        return error(404, "notFound", "The upload session does not exist or has expired.")
    found = _RANGE.match(req.headers.get("Content-Range") or "")
    if not found or int(found.group(3)) != session["size"]:
        return error(400, "badRequest", "Failed to parse Content-Range header.")
    with _LOCK:
        if session["video"] is not None:
            return Response(200, session["video"])
        received = session["received"]
        if found.group(1) is not None:  # a chunk, not a question
            first, last = int(found.group(1)), int(found.group(2))
            if first != len(received) or len(req.body) != last - first + 1:
                return error(
                    400,
                    "badRequest",
                    f"Invalid request. The next byte expected is {len(received)}.",
                )
            final = last == session["size"] - 1
            if not final and len(req.body) % QUANTUM:
                return error(400, "badRequest", "Chunks must be multiples of 256 KiB.")
            received.extend(req.body)
        if len(received) < session["size"]:
            headers = {"Range": f"bytes=0-{len(received) - 1}"} if received else {}
            return Response(308, None, headers)
        session["video"] = _make_video(req, session)
        return Response(200, session["video"])


def _make_video(req: Request, session: dict[str, Any]) -> dict[str, Any]:
    video_id = secrets.token_urlsafe(8)[:11]
    resource = session["resource"]
    snippet, status = resource.get("snippet") or {}, resource.get("status") or {}
    req.store.add_media(
        NETWORK, session["handle"], f"video-{video_id}", session["type"], bytes(session["received"])
    )
    data = {"snippet": snippet, "status": status, "media_ids": [f"video-{video_id}"]}
    req.store.add_post(
        NETWORK,
        session["handle"],
        video_id,
        str(snippet.get("title") or ""),
        f"{req.base_url}/youtube/watch?v={video_id}",
        data,
    )
    return {
        "kind": "youtube#video",
        "id": video_id,
        "snippet": snippet,
        "status": {**status, "uploadStatus": "uploaded"},
    }


@router.route("GET", "/youtube/youtube/v3/videos")
def list_videos(req: Request) -> Response:
    """``videos.list`` with ``id=a,b`` (up to 50) and ``part=statistics``: counts as strings, as
    the Data API sends them (https://developers.google.com/youtube/v3/docs/videos/list); an
    unknown or deleted id is left out of ``items``."""
    _auth(req)
    ids = [i for i in str(req.arg("id") or "").split(",") if i]
    if len(ids) > 50:
        return error(400, "invalidFilters", "The request specifies too many video IDs.")
    items = []
    for video_id in ids:
        post = req.store.post(NETWORK, video_id)
        if post is None:
            continue
        stats = {
            k: str(int(post["data"].get(k, 0))) for k in ("viewCount", "likeCount", "commentCount")
        }
        stats["favoriteCount"] = "0"
        items.append({"kind": "youtube#video", "id": video_id, "statistics": stats})
    return Response(200, {"kind": "youtube#videoListResponse", "items": items})


@router.route("DELETE", "/youtube/youtube/v3/videos")
def delete_video(req: Request) -> Response:
    _auth(req)
    if not req.store.delete_post(NETWORK, req.arg("id") or ""):
        return error(
            404,
            "videoNotFound",
            "The video that you are trying to delete cannot be found.",
            "youtube.video",
        )
    return Response(204, None)


# --- captions.insert (multipart) ------------------------------------------------------------


def _related_parts(body: bytes, content_type: str) -> list[tuple[str, bytes]]:
    """The parts of a ``multipart/related`` body as (content type, bytes)."""
    found = re.search(r'boundary="?([^";]+)"?', content_type)
    if not content_type.startswith("multipart/related") or not found:
        return []
    parts = []
    for chunk in body.split(b"--" + found.group(1).encode())[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        kind = ""
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            if key.strip().lower() == "content-type":
                kind = value.strip()
        parts.append((kind, content.removesuffix(b"\r\n")))
    return parts


@router.route("POST", "/youtube/upload/youtube/v3/captions")
def insert_caption(req: Request) -> Response:
    account = _auth(req)
    if account["options"].get("force_ssl") is False:
        return error(
            403,
            "insufficientPermissions",
            "Request had insufficient authentication scopes.",
        )
    if req.arg("uploadType") != "multipart" or req.arg("part") != "snippet":
        return error(400, "badRequest", "This sandbox accepts part=snippet&uploadType=multipart.")
    parts = _related_parts(req.body, req.headers.get("Content-Type") or "")
    if len(parts) != 2 or not parts[0][0].startswith("application/json") or not parts[1][1]:
        return error(400, "badContent", "Expected the caption resource and the caption file.")
    try:
        resource = json.loads(parts[0][1])
    except ValueError:
        return error(400, "parseError", "The caption resource is not valid JSON.")
    snippet = resource.get("snippet") if isinstance(resource, dict) else None
    snippet = snippet if isinstance(snippet, dict) else {}
    for field in ("videoId", "language", "name"):
        if not str(snippet.get(field) or "").strip():
            return error(400, "required", f"snippet.{field} is required.", "youtube.caption")
    post = req.store.post(NETWORK, str(snippet["videoId"]))
    if post is None or post["account"] != account["handle"]:
        return error(
            404,
            "videoNotFound",
            "The video identified by the videoId parameter could not be found.",
            "youtube.caption",
        )
    caption_id = secrets.token_urlsafe(12)
    with _LOCK:
        _state(req)["captions"].append(
            {"id": caption_id, "snippet": snippet, "type": parts[1][0], "data": parts[1][1]}
        )
    return Response(200, {"kind": "youtube#caption", "id": caption_id, "snippet": snippet})
