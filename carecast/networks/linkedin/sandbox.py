"""The sandbox's LinkedIn (under ``/linkedin/``): 3-legged OAuth, organisation ACLs, the
versioned Posts, Images and Comments APIs.

A sandbox ``linkedin`` account is an organisation page (``user_id``: its numeric id) whose
token belongs to an administrator. Every ``/rest/`` call needs ``LinkedIn-Version``; one older
than the ``linkedin_oldest_version`` setting answers 426, as a sunset version does. A
commentary with an unescaped reserved character is cut there, silently, as LinkedIn does.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import threading
from typing import Any
from urllib.parse import unquote, urlencode

from carecast.networks.linkedin.rules import RESERVED
from carecast.sandbox.consent import back_to, consent_page
from carecast.sandbox.routing import HTTPError, Request, Response, Router
from carecast.sandbox.store import AuthFailure

router = Router()
NETWORK = "linkedin"
OLDEST_VERSION = "202410"
_LOCK = threading.Lock()
_KEEP = re.compile(r"https?://\S+|(?<![\w#])#\w+|\\.")


def error(status: int, code: str, message: str, service_code: int | None = None) -> Response:
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if service_code:
        body["serviceErrorCode"] = service_code
    return Response(status, body)


def _state(req: Request) -> dict[str, Any]:
    with _LOCK:
        if not hasattr(req.server, "linkedin_state"):
            req.server.linkedin_state = {"codes": {}, "uploads": {}}  # type: ignore[attr-defined]
        return req.server.linkedin_state  # type: ignore[attr-defined]


def _org(req: Request, urn: str) -> dict[str, Any]:
    """The organisation named by ``urn`` if the token's administrator may act for it."""
    _auth(req)
    org = req.store.account_by_id(NETWORK, urn.rsplit(":", 1)[-1])
    if org is None or not urn.startswith("urn:li:organization:"):
        raise HTTPError(error(403, "ACCESS_DENIED", "Not enough permissions to act as this author"))
    return org


def _auth(req: Request) -> dict[str, Any]:
    """The organisation behind the token, after checking the version header."""
    version = req.headers.get("LinkedIn-Version") or ""
    if not version:
        raise HTTPError(error(400, "VERSION_MISSING", "A version must be present."))
    if version < str(req.server.settings.get("linkedin_oldest_version", OLDEST_VERSION)):
        raise HTTPError(
            error(426, "NONEXISTENT_VERSION", f"Requested version {version} is not active")
        )
    try:
        return req.store.authenticate(NETWORK, req.bearer)
    except AuthFailure as exc:
        raise HTTPError(error(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)) from exc


def silently_cut(commentary: str) -> str:
    """What LinkedIn keeps of a commentary: everything up to the first unescaped reserved char."""
    last = 0
    for found in _KEEP.finditer(commentary):
        cut = _first_reserved(commentary[last : found.start()])
        if cut is not None:
            return commentary[: last + cut]
        last = found.end()
    cut = _first_reserved(commentary[last:])
    return commentary if cut is None else commentary[: last + cut]


def _first_reserved(part: str) -> int | None:
    return next((i for i, char in enumerate(part) if char in RESERVED), None)


# --- OAuth ----------------------------------------------------------------------------------


@router.route("GET", "/linkedin/oauth/v2/authorization")
def authorize(req: Request) -> Response:
    keep = {k: req.arg(k) or "" for k in ("client_id", "redirect_uri", "scope", "state")}
    return consent_page(
        "LinkedIn-Anmeldung",
        "LinkedIn: carecast erlauben?",
        action="/linkedin/oauth/v2/authorization",
        keep=keep,
    )


@router.route("POST", "/linkedin/oauth/v2/authorization")
def decide(req: Request) -> Response:
    redirect = str(req.param("redirect_uri") or "")
    answer = {"state": str(req.param("state") or "")}
    if req.param("decision") != "allow":
        answer.update(error="user_cancelled_authorize", error_description="The user cancelled")
    else:
        code = secrets.token_urlsafe(24)
        _state(req)["codes"][code] = redirect
        answer["code"] = code
    return back_to(redirect, answer)


@router.route("POST", "/linkedin/oauth/v2/accessToken")
def access_token(req: Request) -> Response:
    if req.param("grant_type") == "refresh_token":
        return _refresh(req)
    redirect = _state(req)["codes"].pop(str(req.param("code") or ""), None)
    if redirect is None or redirect != str(req.param("redirect_uri") or ""):
        return Response(
            400,
            {"error": "invalid_request", "error_description": "Unable to retrieve access token"},
        )
    # An administrator's token acts for every organisation it administers.
    token = f"li-{secrets.token_urlsafe(20)}"
    for org in req.store.accounts(NETWORK):
        req.store.store_token(NETWORK, org["handle"], token, "access", 5_184_000)
    body = {"access_token": token, "expires_in": 5_184_000, "scope": req.param("scope") or ""}
    if req.server.settings.get("linkedin_refresh_tokens"):  # only apps LinkedIn enabled
        body["refresh_token"] = _refresh_token(req)
        body["refresh_token_expires_in"] = 31_536_000
    return Response(200, body)


def _refresh_token(req: Request) -> str:
    token = f"li-refresh-{secrets.token_urlsafe(16)}"
    _state(req).setdefault("refresh", set()).add(token)
    return token


def _refresh(req: Request) -> Response:
    if str(req.param("refresh_token") or "") not in _state(req).get("refresh", set()):
        return Response(
            400,
            {
                "error": "invalid_request",
                "error_description": "The provided refresh token is invalid",
            },
        )
    token = f"li-{secrets.token_urlsafe(20)}"
    for org in req.store.accounts(NETWORK):
        req.store.store_token(NETWORK, org["handle"], token, "access", 5_184_000)
    return Response(
        200,
        {
            "access_token": token,
            "expires_in": 5_184_000,
            "refresh_token": req.param("refresh_token"),
        },
    )


@router.route("GET", "/linkedin/rest/organizationAcls")
def organization_acls(req: Request) -> Response:
    _auth(req)
    elements = [
        {
            "organization": f"urn:li:organization:{org['user_id']}",
            "role": "ADMINISTRATOR",
            "state": "APPROVED",
        }
        for org in req.store.accounts(NETWORK)
    ]
    return Response(200, {"elements": elements, "paging": {"count": 10, "start": 0}})


@router.route("GET", "/linkedin/rest/organizations/<org_id>")
def organization(req: Request, org_id: str) -> Response:
    _auth(req)
    org = req.store.account_by_id(NETWORK, org_id)
    if org is None:
        return error(404, "NOT_FOUND", "Organization not found")
    return Response(
        200, {"id": int(org_id), "localizedName": org["display_name"], "vanityName": org["handle"]}
    )


# --- posts, images, comments ----------------------------------------------------------------


@router.route("POST", "/linkedin/rest/posts")
def create_post(req: Request) -> Response:
    body = req.json if isinstance(req.json, dict) else {}
    org = _org(req, str(body.get("author") or ""))
    missing = [
        f
        for f in ("author", "commentary", "visibility", "distribution", "lifecycleState")
        if f not in body
    ]
    if missing:
        return error(422, "UNPROCESSABLE_ENTITY", f"ERROR :: /{missing[0]} :: field is required")
    urn = f"urn:li:share:{req.store.next_id(NETWORK)}"
    content = body.get("content") or {}
    images = content.get("multiImage", {}).get("images") or (
        [content["media"]] if "media" in content else []
    )
    for image in images:
        video = _state(req).get("videos", {}).get(image["id"])
        if (
            str(image["id"]).startswith("urn:li:video:")
            and (video or {}).get("status") != "AVAILABLE"
        ):
            return error(422, "UNPROCESSABLE_ENTITY", f"Video {image['id']} is not AVAILABLE")
        req.store.update_media(NETWORK, image["id"], alt_text=image.get("altText") or "")
    data = {
        "commentary": silently_cut(str(body["commentary"])),
        "media_ids": [i["id"] for i in images],
        "content": content,
    }
    req.store.add_post(
        NETWORK, org["handle"], urn, data["commentary"], f"{req.base_url}/linkedin/feed/{urn}", data
    )
    return Response(201, None, {"x-restli-id": urn})


@router.route("GET", "/linkedin/rest/posts")
def find_posts(req: Request) -> Response:
    if req.arg("q") != "author":
        return error(400, "ILLEGAL_ARGUMENT", "q=author is required")
    """Find Posts by Authors (https://learn.microsoft.com/linkedin/marketing/community-management/
    shares/posts-api#find-posts-by-authors): newest first, ``count`` up to 100 from ``start``;
    ``paging.total`` and a ``rel=next`` link while more follow."""
    org = _org(req, req.arg("author") or "")
    own = [p for p in req.store.posts(NETWORK, org["handle"]) if not p["data"].get("parent")]
    count = min(max(int(req.arg("count") or 10), 1), 100)
    start = max(int(req.arg("start") or 0), 0)
    elements = [_post_entity(req, p) for p in own[start : start + count]]
    paging: dict[str, Any] = {"count": count, "start": start, "total": len(own), "links": []}
    if start + count < len(own):
        query = {k: v[0] for k, v in req.query.items() if k != "start"}
        href = f"/rest/posts?{urlencode({**query, 'start': start + count})}"
        paging["links"].append({"type": "application/json", "rel": "next", "href": href})
    return Response(200, {"elements": elements, "paging": paging})


def _post_entity(req: Request, post: dict[str, Any]) -> dict[str, Any]:
    created = int(dt.datetime.fromisoformat(post["created_at"].replace("Z", "+00:00")).timestamp())
    entity: dict[str, Any] = {
        "id": post["id"], "author": req.arg("author"), "commentary": post["text"],
        "createdAt": created * 1000, "publishedAt": created * 1000,
        "lastModifiedAt": created * 1000, "lifecycleState": "PUBLISHED", "visibility": "PUBLIC",
    }  # fmt: skip
    for key in ("content", "reshareContext"):
        if post["data"].get(key):
            entity[key] = post["data"][key]
    return entity


@router.route("GET", "/linkedin/rest/organizationalEntityShareStatistics")
def share_statistics(req: Request) -> Response:
    """``q=organizationalEntity&organizationalEntity=<org urn>&shares=List(<urns>)``: lifetime
    statistics per post (https://learn.microsoft.com/linkedin/marketing/community-management/
    organizations/share-statistics); a post it does not know is left out. Counts: the stored
    data keys of ``totalShareStatistics``' names."""
    if req.arg("q") != "organizationalEntity":
        return error(400, "ILLEGAL_ARGUMENT", "q=organizationalEntity is required")
    org = _org(req, req.arg("organizationalEntity") or "")
    listed = re.fullmatch(r"List\((.*)\)", req.arg("shares") or req.arg("ugcPosts") or "")
    urns = [unquote(u) for u in (listed.group(1).split(",") if listed else []) if u]
    elements = []
    for urn in urns:
        post = req.store.post(NETWORK, urn)
        if post is None or post["account"] != org["handle"]:
            continue
        stats: dict[str, Any] = {n: int(post["data"].get(n, 0)) for n in SHARE_STATISTICS}
        stats["engagement"] = 0.0
        elements.append(
            {"share": urn, "organizationalEntity": req.arg("organizationalEntity"),
             "totalShareStatistics": stats}
        )  # fmt: skip
    return Response(200, {"elements": elements, "paging": {"count": 10, "start": 0}})


SHARE_STATISTICS = (
    "impressionCount", "uniqueImpressionsCount", "clickCount", "likeCount", "commentCount",
    "shareCount",
)  # fmt: skip


@router.route("GET", "/linkedin/rest/networkSizes/<urn>")
def network_size(req: Request, urn: str) -> Response:
    """``edgeType=COMPANY_FOLLOWED_BY_MEMBER``: the organisation's followers."""
    org = _org(req, unquote(urn))
    return Response(200, {"firstDegreeSize": int(org["options"].get("followers_count", 0))})


@router.route("DELETE", "/linkedin/rest/posts/<urn>")
def delete_post(req: Request, urn: str) -> Response:
    _auth(req)
    if not req.store.delete_post(NETWORK, unquote(urn)):
        return error(404, "NOT_FOUND", "Post not found")
    return Response(204, None)


@router.route("POST", "/linkedin/rest/images")
def initialize_upload(req: Request) -> Response:
    body = req.json if isinstance(req.json, dict) else {}
    org = _org(req, str((body.get("initializeUploadRequest") or {}).get("owner") or ""))
    if req.arg("action") != "initializeUpload":
        return error(400, "ILLEGAL_ARGUMENT", "action=initializeUpload is required")
    image = f"urn:li:image:{req.store.next_id(NETWORK)}"
    _state(req)["uploads"][image] = org["handle"]
    url = f"{req.base_url}/linkedin/upload/{image}"
    return Response(200, {"value": {"uploadUrl": url, "image": image, "uploadUrlExpiresAt": 0}})


@router.route("PUT", "/linkedin/upload/<image>")
def upload(req: Request, image: str) -> Response:
    handle = _state(req)["uploads"].pop(unquote(image), None)
    if handle is None:
        return error(404, "NOT_FOUND", "Upload not found")
    kind = req.headers.get("Content-Type") or "application/octet-stream"
    req.store.add_media(NETWORK, handle, unquote(image), kind, req.body)
    return Response(201, None)


# --- videos: initializeUpload, parts, finalizeUpload, status ------------------------------
PART_BYTES = 4 * 1024 * 1024  # LinkedIn's parts are 4 MB (the last one takes the rest)


@router.route("POST", "/linkedin/rest/videos")
def videos(req: Request) -> Response:
    body = req.json if isinstance(req.json, dict) else {}
    if req.arg("action") == "initializeUpload":
        request = body.get("initializeUploadRequest") or {}
        org = _org(req, str(request.get("owner") or ""))
        size = int(request.get("fileSizeBytes") or 0)
        if not 75 * 1024 <= size <= 500 * 1024 * 1024:
            return error(422, "UNPROCESSABLE_ENTITY", "fileSizeBytes must be 75 KB to 500 MB")
        video = f"urn:li:video:{req.store.next_id(NETWORK)}"
        parts = []
        for index, first in enumerate(range(0, size, PART_BYTES)):
            last = min(first + PART_BYTES, size) - 1
            url = f"{req.base_url}/linkedin/upload/video/{video}/{index}"
            parts.append({"uploadUrl": url, "firstByte": first, "lastByte": last})
        _state(req).setdefault("videos", {})[video] = {
            "handle": org["handle"],
            "size": size,
            "parts": {},
            "count": len(parts),
            "status": "WAITING_UPLOAD",
            "polls": 0,
        }
        value = {"video": video, "uploadInstructions": parts, "uploadToken": ""}
        return Response(200, {"value": {**value, "uploadUrlsExpireAt": 0}})
    if req.arg("action") == "finalizeUpload":
        request = body.get("finalizeUploadRequest") or {}
        _auth(req)
        item = _state(req).get("videos", {}).get(str(request.get("video") or ""))
        if item is None:
            return error(404, "NOT_FOUND", "Video not found")
        etags = [str(e) for e in request.get("uploadedPartIds") or []]
        expected = [item["parts"].get(i, (None, b""))[0] for i in range(item["count"])]
        if etags != expected or None in expected:
            return error(400, "BAD_REQUEST", "uploadedPartIds do not match the uploaded parts")
        content = b"".join(item["parts"][i][1] for i in range(item["count"]))
        from carecast.sandbox.video_probe import probe

        req.store.add_media(NETWORK, item["handle"], str(request["video"]), "video/mp4", content)
        item.update(status="PROCESSING", probe=probe(content))
        return Response(200, None)
    return error(400, "ILLEGAL_ARGUMENT", "action must be initializeUpload or finalizeUpload")


@router.route("PUT", "/linkedin/upload/video/<video>/<index>")
def upload_video_part(req: Request, video: str, index: str) -> Response:
    item = _state(req).get("videos", {}).get(unquote(video))
    if item is None or not index.isdigit() or int(index) >= item["count"]:
        return error(404, "NOT_FOUND", "Upload not found")
    etag = f"/ambry-video/{secrets.token_hex(8)}"
    item["parts"][int(index)] = (etag, req.body)
    return Response(200, None, {"ETag": etag})


@router.route("GET", "/linkedin/rest/videos/<video>")
def video_status(req: Request, video: str) -> Response:
    _auth(req)
    item = _state(req).get("videos", {}).get(unquote(video))
    if item is None:
        return error(404, "NOT_FOUND", "Video not found")
    if item["status"] == "PROCESSING":
        item["polls"] += 1
        if item["polls"] > int(req.server.settings.get("linkedin_processing_polls", 1)):
            item["status"] = "AVAILABLE" if item.get("probe") else "PROCESSING_FAILED"
    return Response(200, {"id": unquote(video), "status": item["status"]})


@router.route("POST", "/linkedin/rest/socialActions/<urn>/comments")
def create_comment(req: Request, urn: str) -> Response:
    body = req.json if isinstance(req.json, dict) else {}
    org = _org(req, str(body.get("actor") or ""))
    target = unquote(urn)
    if req.store.post(NETWORK, target) is None:
        return error(404, "NOT_FOUND", "Target not found")
    comment = f"urn:li:comment:({target},{req.store.next_id(NETWORK)})"
    text = str((body.get("message") or {}).get("text") or "")
    data = {"parent": target, "actor": body.get("actor") or f"urn:li:organization:{org['user_id']}"}
    req.store.add_post(NETWORK, org["handle"], comment, text, "", data)
    return Response(201, {"id": comment}, {"x-restli-id": comment})


@router.route("GET", "/linkedin/rest/socialActions/<urn>/comments")
def comments(req: Request, urn: str) -> Response:
    _auth(req)
    target = unquote(urn)
    elements = [
        {
            "$URN": p["id"],
            "actor": p["data"].get("actor"),
            "message": {"text": p["text"]},
            "created": {"actor": p["data"].get("actor"), "time": _epoch_ms(p["created_at"])},
        }
        for p in req.store.posts(NETWORK)
        if p["data"].get("parent") == target
    ]
    paging = {"start": 0, "count": 10, "total": len(elements), "links": []}
    return Response(200, {"elements": elements, "paging": paging})


def _epoch_ms(iso: str) -> int:
    """LinkedIn's audit stamps are milliseconds since the epoch, not ISO text."""
    from datetime import datetime

    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)
