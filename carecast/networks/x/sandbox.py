"""The X API v2, as far as carecast uses it.

Like X, the sandbox rewrites every URL in a post to a t.co link, appends a t.co link for
attached media, and escapes ``&``, ``<`` and ``>`` in the text it returns; refuses a
second post with the same text on one account (403 duplicate content); counts text with
twitter-text weights; answers errors as RFC 7807 problems; rotates refresh tokens.
"""

from __future__ import annotations

import base64
import html
import re
import secrets
import string
from typing import Any

import twitter_text

from carecast.networks.textcount import x_weighted_length
from carecast.sandbox.routing import INVALID_JSON, HTTPError, Request, Response, Router
from carecast.sandbox.store import AuthFailure, image_dimensions, now_iso

router = Router()
NETWORK = "x"
TEXT_LIMIT = 280
ACCESS_TOKEN_SECONDS = 7200
SCOPES = "tweet.read tweet.write users.read media.write offline.access"
IMAGE_LIMIT = 5 * 1024 * 1024
ALT_TEXT_LIMIT = 1000
_INVALID_REQUEST = "https://api.twitter.com/2/problems/invalid-request"
_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found Error"}
_TITLES.update({429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"})


def error(
    status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    """An RFC 7807 problem shaped like X's."""
    title = _TITLES.get(status, "Error")
    body = {"title": title, "detail": detail, "type": "about:blank", "status": status, **extra}
    return Response(status, body, headers or {}, "application/problem+json")


def invalid_request(message: str, parameter: str, value: Any) -> HTTPError:
    body = {
        "errors": [{"parameters": {parameter: [str(value)]}, "message": message}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": _INVALID_REQUEST,
    }
    return HTTPError(Response(400, body, {}, "application/problem+json"))


def _authenticate(req: Request) -> dict[str, Any]:
    try:
        return req.store.authenticate(NETWORK, req.bearer)
    except AuthFailure:
        raise HTTPError(error(401, "Unauthorized")) from None


def _tco() -> str:
    alphabet = string.ascii_letters + string.digits
    return "https://t.co/" + "".join(secrets.choice(alphabet) for _ in range(10))


def displayed_text(text: str, media_link: str = "") -> tuple[str, list[dict[str, Any]]]:
    """The text as X returns it, with its URL entities.

    URLs become t.co links (``entities.urls`` keeps ``expanded_url``), a link to attached
    media is appended, and ``&``, ``<``, ``>`` are HTML-escaped.
    """
    shown, urls, last = "", [], 0
    for found in twitter_text.extract_urls_with_indices(text):
        start, end = found["indices"]
        shown += html.escape(text[last:start], quote=False)
        url = found["url"]
        expanded = url if "://" in url else f"http://{url}"
        urls.append(_url_entity(len(shown), _tco(), expanded, url.split("://")[-1]))
        shown += urls[-1]["url"]
        last = end
    shown += html.escape(text[last:], quote=False)
    if media_link:
        shown = f"{shown} " if shown.strip() else ""
        urls.append(_url_entity(len(shown), _tco(), media_link, "pic.x.com/sandbox"))
        shown += urls[-1]["url"]
    return shown, urls


def _url_entity(start: int, tco: str, expanded: str, display: str) -> dict[str, Any]:
    entity = {"start": start, "end": start + len(tco), "url": tco, "expanded_url": expanded}
    return {**entity, "display_url": display[:26] + ("…" if len(display) > 26 else "")}


def tweet_entity(post: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    entity = {
        "id": post["id"],
        "text": post["data"]["text"],
        "edit_history_tweet_ids": [post["id"]],
    }
    if "created_at" in fields:
        entity["created_at"] = post["created_at"]
    if "author_id" in fields:
        entity["author_id"] = post["data"]["author_id"]
    if "entities" in fields and post["data"].get("urls"):
        entity["entities"] = {"urls": post["data"]["urls"]}
    data = post["data"]
    if "conversation_id" in fields:
        entity["conversation_id"] = data.get("conversation_id") or post["id"]
    if "in_reply_to_user_id" in fields and data.get("in_reply_to_user_id"):
        entity["in_reply_to_user_id"] = data["in_reply_to_user_id"]
    if "referenced_tweets" in fields and data.get("in_reply_to_tweet_id"):
        entity["referenced_tweets"] = [{"type": "replied_to", "id": data["in_reply_to_tweet_id"]}]
    if "public_metrics" in fields:
        stored = data.get("public_metrics") or {}
        entity["public_metrics"] = {name: int(stored.get(name, 0)) for name in PUBLIC_METRICS}
    if "non_public_metrics" in fields:
        stored = data.get("non_public_metrics") or {}
        entity["non_public_metrics"] = {name: int(stored.get(name, 0)) for name in PRIVATE_METRICS}
    return entity


# https://docs.x.com/x-api/fundamentals/metrics: counts on every Post; the non-public ones only
# for the author's own Posts of the last 30 days (user context).
PUBLIC_METRICS = (
    "retweet_count", "reply_count", "like_count", "quote_count", "bookmark_count",
    "impression_count",
)  # fmt: skip
PRIVATE_METRICS = ("impression_count", "url_link_clicks", "user_profile_clicks")
PRIVATE_DAYS = 30


@router.route("GET", "/2/tweets")
def lookup_tweets(req: Request) -> Response:
    """``GET /2/tweets?ids=…`` (up to 100): the Posts found in ``data``, the rest in ``errors``.

    Asking ``non_public_metrics`` of someone else's Post, or of one older than 30 days, is a
    field authorisation error for that Post (it is left out of ``data``).
    """
    account = _authenticate(req)
    ids = [i for i in (req.arg("ids") or "").split(",") if i]
    if not 1 <= len(ids) <= 100:
        raise invalid_request(
            f"The number of values in the `ids` query parameter list [{len(ids)}] is not "
            "between 1 and 100",
            "ids",
            req.arg("ids") or "",
        )
    fields = set((req.arg("tweet.fields") or "").split(","))
    found, problems = [], []
    for tweet_id in ids:
        post = req.store.post(NETWORK, tweet_id)
        if post is None:
            problems.append(_not_found(tweet_id))
        elif "non_public_metrics" in fields and not _private_allowed(post, account):
            problems.append(_field_refused(tweet_id))
        else:
            found.append(tweet_entity(post, fields))
    body: dict[str, Any] = {"data": found} if found else {}
    if problems:
        body["errors"] = problems
    return Response(200, body)


def _private_allowed(post: dict[str, Any], account: dict[str, Any]) -> bool:
    import datetime as dt

    created = dt.datetime.fromisoformat(post["created_at"].replace("Z", "+00:00"))
    young = dt.datetime.now(dt.UTC) - created <= dt.timedelta(days=PRIVATE_DAYS)
    return post["account"] == account["handle"] and young


def _not_found(tweet_id: str) -> dict[str, Any]:
    return {
        "value": tweet_id,
        "detail": f"Could not find tweet with ids: [{tweet_id}].",
        "title": "Not Found Error",
        "resource_type": "tweet",
        "parameter": "ids",
        "resource_id": tweet_id,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def _field_refused(tweet_id: str) -> dict[str, Any]:
    return {
        "value": "non_public_metrics",
        "detail": "Sorry, you are not authorized to access 'non_public_metrics' on a Tweet.",
        "title": "Field Authorization Error",
        "resource_type": "tweet",
        "field": "non_public_metrics",
        "parameter": "tweet.fields",
        "resource_id": tweet_id,
        "type": "https://api.twitter.com/2/problems/not-authorized-for-field",
    }


# --- users and timelines -----------------------------------------------------------------


@router.route("GET", "/2/users/me")
def users_me(req: Request) -> Response:
    account = _authenticate(req)
    user: dict[str, Any] = {
        "id": account["user_id"],
        "name": account["display_name"],
        "username": account["handle"],
    }
    if "public_metrics" in (req.arg("user.fields") or "").split(","):
        followers = int(account["options"].get("followers_count", 0))
        user["public_metrics"] = {"followers_count": followers, "following_count": 0}
    return Response(200, {"data": user})


def _max_results(req: Request) -> int:
    """A timeline's page size, 5 to 100 (10 if not asked), refused as X refuses it."""
    asked = req.arg("max_results") or "10"
    if not asked.isdigit() or not 5 <= int(asked) <= 100:
        message = f"The `max_results` query parameter value [{asked}] is not between 5 and 100"
        raise invalid_request(message, "max_results", asked)
    return int(asked)


@router.route("GET", "/2/users/<user_id>/tweets")
def user_tweets(req: Request, user_id: str) -> Response:
    _authenticate(req)
    max_results = _max_results(req)
    account = req.store.account_by_id(NETWORK, user_id)
    if account is None:
        return _user_not_found(user_id)
    token = req.arg("pagination_token")
    # ``exclude=replies``: the account's answers (its inbox replies) are left out, as X does.
    no_replies = "replies" in (req.arg("exclude") or "").split(",")
    # Without a cursor only the newest page (and one more, for next_token) is needed.
    newest = None if token or no_replies else max_results + 1
    posts = req.store.posts(NETWORK, account["handle"], newest)
    if no_replies:
        posts = [p for p in posts if not p["data"].get("in_reply_to_tweet_id")]
    if token:
        posts = [p for p in posts if int(p["id"]) < int(token)]
    page = posts[:max_results]
    if not page:
        return Response(200, {"meta": {"result_count": 0}})
    fields = set((req.arg("tweet.fields") or "").split(","))
    meta = {"result_count": len(page), "newest_id": page[0]["id"], "oldest_id": page[-1]["id"]}
    if len(posts) > len(page):
        meta["next_token"] = page[-1]["id"]
    return Response(200, {"data": [tweet_entity(p, fields) for p in page], "meta": meta})


@router.route("GET", "/2/users/<user_id>/mentions")
def user_mentions(req: Request, user_id: str) -> Response:
    """Posts by others that @mention the user (replies carry the @name), newest first.

    ``since_id``/``until_id`` bound the ids, ``pagination_token`` pages back, and
    ``expansions=author_id`` adds the authors under ``includes.users``, as X does.
    """
    _authenticate(req)
    max_results = _max_results(req)
    account = req.store.account_by_id(NETWORK, user_id)
    if account is None:
        return _user_not_found(user_id)
    posts = [p for p in req.store.posts(NETWORK) if _mentions(p, account)]
    for name, keep in (
        ("since_id", int.__gt__),
        ("until_id", int.__lt__),
        ("pagination_token", int.__lt__),
    ):
        bound = req.arg(name)
        if bound and bound.isdigit():
            posts = [p for p in posts if keep(int(p["id"]), int(bound))]
    page = posts[:max_results]
    if not page:
        return Response(200, {"meta": {"result_count": 0}})
    fields = set((req.arg("tweet.fields") or "").split(","))
    meta = {"result_count": len(page), "newest_id": page[0]["id"], "oldest_id": page[-1]["id"]}
    if len(posts) > len(page):
        meta["next_token"] = page[-1]["id"]
    body: dict[str, Any] = {"data": [tweet_entity(p, fields) for p in page], "meta": meta}
    if "author_id" in (req.arg("expansions") or "").split(","):
        authors = {p["account"] for p in page}
        body["includes"] = {
            "users": [_user(req.store.account(NETWORK, h)) for h in sorted(authors)]
        }
    return Response(200, body)


def _mentions(post: dict[str, Any], account: dict[str, Any]) -> bool:
    if post["account"] == account["handle"]:
        return False
    return bool(re.search(rf"(?<!\w)@{re.escape(account['handle'])}(?!\w)", post["text"], re.I))


def _user(account: dict[str, Any] | None) -> dict[str, Any]:
    account = account or {"user_id": "0", "display_name": "", "handle": ""}
    return {
        "id": account["user_id"],
        "name": account["display_name"],
        "username": account["handle"],
    }


def _user_not_found(user_id: str) -> Response:
    """X answers 200 with an "errors" array and no data for an unknown user."""
    problem = {
        "value": user_id,
        "detail": f"Could not find user with id: [{user_id}].",
        "title": "Not Found Error",
        "resource_type": "user",
        "parameter": "id",
        "resource_id": user_id,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }
    return Response(200, {"errors": [problem]})


# --- tweets ------------------------------------------------------------------------------


@router.route("POST", "/2/tweets")
def create_tweet(req: Request) -> Response:
    account = _authenticate(req)
    body = req.json
    if not isinstance(body, dict) or body is INVALID_JSON:
        raise invalid_request("Request body is not valid JSON.", "body", "")
    text = str(body.get("text") or "")
    media_ids = [str(m) for m in (body.get("media") or {}).get("media_ids", [])]
    _check_media(req, account, media_ids)
    if not text.strip() and not media_ids:
        raise invalid_request("$.text: must not be empty", "text", text)
    if x_weighted_length(text) > TEXT_LIMIT:
        raise invalid_request("Your Tweet text is too long.", "text", text)
    reply = _reply_to(req, account, body.get("reply"))
    if reply:
        text = reply.pop("prefix") + text
    with req.store.lock:
        if text.strip() and _is_duplicate(req, account, text):
            raise HTTPError(
                error(403, "You are not allowed to create a Tweet with duplicate content.")
            )
        post_id = req.store.next_id(NETWORK)
        url = f"{req.base_url}/x/{account['handle']}/status/{post_id}"
        shown, urls = displayed_text(text, f"{url}/photo/1" if media_ids else "")
        if media_ids:
            urls[-1]["media_key"] = f"3_{media_ids[0]}"
        data = {
            "text": shown,
            "urls": urls,
            "author_id": account["user_id"],
            "media_ids": media_ids,
            **(reply or {}),
        }
        data["created_at"] = now_iso()
        req.store.add_post(NETWORK, account["handle"], post_id, text, url, data)
    return Response(
        201, {"data": {"id": post_id, "text": shown, "edit_history_tweet_ids": [post_id]}}
    )


def _reply_to(req: Request, account: dict[str, Any], reply: Any) -> dict[str, Any] | None:
    """What a reply stores, and the ``@name`` X puts in front of its text (not counted).

    X answers 403 when the post being answered is gone, as it does for a deleted post.
    """
    if reply is None:
        return None
    parent_id = (
        str((reply or {}).get("in_reply_to_tweet_id") or "") if isinstance(reply, dict) else ""
    )
    if not parent_id.isdigit():
        raise invalid_request(
            "$.reply.in_reply_to_tweet_id: must match the pattern ^[0-9]{1,19}$",
            "reply.in_reply_to_tweet_id",
            parent_id,
        )
    parent = req.store.post(NETWORK, parent_id)
    if parent is None:
        message = "You attempted to reply to a Tweet that is deleted or not visible to you."
        raise HTTPError(error(403, message))
    author = req.store.account(NETWORK, parent["account"]) or {}
    own = author.get("handle") == account["handle"]
    return {
        "in_reply_to_tweet_id": parent_id,
        "in_reply_to_user_id": author.get("user_id", ""),
        "conversation_id": parent["data"].get("conversation_id") or parent_id,
        "prefix": "" if own else f"@{author.get('handle', '')} ",
    }


def _check_media(req: Request, account: dict[str, Any], media_ids: list[str]) -> None:
    if len(media_ids) > 4:
        raise invalid_request("Your media IDs are invalid.", "media.media_ids", media_ids)
    for media_id in media_ids:
        info = req.store.media_info(NETWORK, media_id)
        if info is None or info["account"] != account["handle"]:
            raise invalid_request("Your media IDs are invalid.", "media.media_ids", media_id)
        if info["meta"].get("processing"):
            raise invalid_request(
                "Your media IDs are invalid: the media is still being processed.",
                "media.media_ids",
                media_id,
            )


def _is_duplicate(req: Request, account: dict[str, Any], text: str) -> bool:
    wanted = " ".join(text.split())
    return any(
        " ".join(t.split()) == wanted for t in req.store.post_texts(NETWORK, account["handle"])
    )


@router.route("DELETE", "/2/tweets/<tweet_id>")
def delete_tweet(req: Request, tweet_id: str) -> Response:
    account = _authenticate(req)
    post = req.store.post(NETWORK, tweet_id)
    if post is None:
        detail = f"Could not find tweet with id: [{tweet_id}]."
        return error(404, detail, type="https://api.twitter.com/2/problems/resource-not-found")
    if post["account"] != account["handle"]:
        return error(403, "You are not allowed to delete this Tweet.")
    req.store.delete_post(NETWORK, tweet_id)
    return Response(200, {"data": {"deleted": True}})


@router.route("PUT", "/2/tweets/<tweet_id>/hidden")
def hide_reply(req: Request, tweet_id: str) -> Response:
    """Hide or unhide a reply in a conversation the account started (idempotent, as X's)."""
    account = _authenticate(req)
    body = req.json
    if not isinstance(body, dict) or not isinstance(body.get("hidden"), bool):
        raise invalid_request("$.hidden: must be a boolean", "hidden", str(body))
    post = req.store.post(NETWORK, tweet_id)
    if post is None:
        detail = f"Could not find tweet with id: [{tweet_id}]."
        return error(404, detail, type="https://api.twitter.com/2/problems/resource-not-found")
    root = req.store.post(NETWORK, str(post["data"].get("conversation_id") or ""))
    if (
        not post["data"].get("in_reply_to_tweet_id")
        or root is None
        or (root["account"] != account["handle"])
    ):
        return error(403, "You cannot hide or unhide replies to conversations you did not start.")
    req.store.update_post_data(NETWORK, tweet_id, hidden=body["hidden"])
    return Response(200, {"data": {"hidden": body["hidden"]}})


# --- media -------------------------------------------------------------------------------


@router.route("POST", "/2/media/upload")
def upload_media(req: Request) -> Response:
    account = _authenticate(req)
    command = str(req.param("command") or "")
    if command:
        return _chunked(req, account, command)
    uploads = req.files.get("media")
    if not uploads:
        raise invalid_request("A media file is required.", "media", "")
    upload = uploads[0]
    mime = str(req.param("media_type") or upload.content_type).split(";")[0].strip().lower()
    if not mime.startswith("image/"):
        raise invalid_request("Only images can be uploaded in one request.", "media_type", mime)
    if len(upload.data) > IMAGE_LIMIT:
        raise invalid_request(f"File size exceeds {IMAGE_LIMIT} bytes.", "media", len(upload.data))
    category = str(req.param("media_category") or "tweet_image")
    media_id = req.store.next_id(NETWORK)
    size = image_dimensions(upload.data)
    meta: dict[str, Any] = {"media_category": category}
    if size:
        meta.update(width=size[0], height=size[1])
    req.store.add_media(NETWORK, account["handle"], media_id, mime, upload.data, "", meta)
    data: dict[str, Any] = {"id": media_id, "media_key": f"3_{media_id}", "size": len(upload.data)}
    data["expires_after_secs"] = 86400
    if size:
        data["image"] = {"image_type": mime, "w": size[0], "h": size[1]}
    return Response(200, {"data": data})


# --- chunked media upload (videos): INIT, APPEND, FINALIZE, STATUS ------------------------
# https://docs.x.com/x-api/media/quickstart/media-upload-chunked: segments of at most 5 MB,
# numbered from 0 (``segment_index``); FINALIZE checks that they add up to ``total_bytes``;
# the video is then processed (STATUS ``pending`` → ``in_progress`` → ``succeeded``/
# ``failed``; ``x_processing_polls`` setting, default 1) and cannot be posted before.
VIDEO_LIMIT = 512 * 1024 * 1024
SEGMENT_LIMIT = 5 * 1024 * 1024


def _sessions(req: Request) -> dict[str, dict[str, Any]]:
    with req.store.lock:
        if not hasattr(req.server, "x_media_sessions"):
            req.server.x_media_sessions = {}  # type: ignore[attr-defined]
        return req.server.x_media_sessions  # type: ignore[attr-defined]


def _session(req: Request, account: dict[str, Any], media_id: str) -> dict[str, Any]:
    session = _sessions(req).get(media_id)
    if session is None or session["handle"] != account["handle"]:
        raise invalid_request("Your media ID is invalid.", "media_id", media_id)
    return session


def _chunked(req: Request, account: dict[str, Any], command: str) -> Response:
    if command == "INIT":
        mime = str(req.param("media_type") or "").lower()
        total = int(req.param("total_bytes") or 0)
        if not mime.startswith(("video/", "image/")):
            raise invalid_request("media_type is invalid.", "media_type", mime)
        if not 0 < total <= VIDEO_LIMIT:
            raise invalid_request("total_bytes is invalid.", "total_bytes", total)
        media_id = req.store.next_id(NETWORK)
        _sessions(req)[media_id] = {
            "handle": account["handle"],
            "mime": mime,
            "total": total,
            "category": str(req.param("media_category") or ""),
            "segments": {},
            "state": "uploading",
            "polls": 0,
        }
        data = {"id": media_id, "media_key": f"7_{media_id}", "expires_after_secs": 86400}
        return Response(200, {"data": data})
    session = _session(req, account, str(req.param("media_id") or ""))
    media_id = str(req.param("media_id"))
    if command == "APPEND":
        uploads = req.files.get("media")
        index = int(req.param("segment_index") if req.param("segment_index") is not None else -1)
        if not uploads or not 0 <= index <= 999:
            raise invalid_request("segment_index and media are required.", "segment_index", index)
        if len(uploads[0].data) > SEGMENT_LIMIT:
            raise invalid_request("A segment may be at most 5 MB.", "media", len(uploads[0].data))
        if session["state"] != "uploading":
            raise invalid_request("The upload is already finalized.", "media_id", media_id)
        session["segments"][index] = uploads[0].data
        return Response(204, None)
    if command == "FINALIZE":
        indices = sorted(session["segments"])
        content = b"".join(session["segments"][i] for i in indices)
        if indices != list(range(len(indices))) or len(content) != session["total"]:
            raise invalid_request(
                "File size mismatch: segments do not add up to total_bytes.", "media_id", media_id
            )
        from carecast.sandbox.video_probe import probe

        found = probe(content) if session["mime"].startswith("video/") else {}
        session.update(state="pending", probe=found)
        req.store.add_media(
            NETWORK, account["handle"], media_id, session["mime"], content, "", {"processing": True}
        )
        return Response(200, {"data": {"id": media_id, **_processing(session)}})
    raise invalid_request("command is invalid.", "command", command)


def _processing(session: dict[str, Any]) -> dict[str, Any]:
    if session["state"] == "succeeded":
        return {"processing_info": {"state": "succeeded", "progress_percent": 100}}
    if session["state"] == "failed":
        error = {"code": 1, "name": "InvalidMedia", "message": "Invalid or Unsupported media."}
        return {"processing_info": {"state": "failed", "error": error}}
    return {"processing_info": {"state": session["state"], "check_after_secs": 1}}


@router.route("GET", "/2/media/upload")
def media_status(req: Request) -> Response:
    account = _authenticate(req)
    if req.arg("command") != "STATUS":
        raise invalid_request("command must be STATUS.", "command", req.arg("command"))
    media_id = req.arg("media_id") or ""
    session = _session(req, account, media_id)
    if session["state"] in ("pending", "in_progress"):
        session["polls"] += 1
        session["state"] = "in_progress"
        if session["polls"] > int(req.server.settings.get("x_processing_polls", 1)):
            session["state"] = "succeeded" if session["probe"] is not None else "failed"
            if session["state"] == "succeeded":
                req.store.update_media(NETWORK, media_id, meta={"probe": session["probe"]})
    return Response(200, {"data": {"id": media_id, **_processing(session)}})


@router.route("POST", "/2/media/metadata")
def media_metadata(req: Request) -> Response:
    account = _authenticate(req)
    body = req.json if isinstance(req.json, dict) else {}
    media_id = str(body.get("id") or "")
    info = req.store.media_info(NETWORK, media_id)
    if info is None or info["account"] != account["handle"]:
        raise invalid_request("Your media ID is invalid.", "id", media_id)
    alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
    if alt is not None:
        if len(alt) > ALT_TEXT_LIMIT:
            raise invalid_request(
                f"alt_text must be at most {ALT_TEXT_LIMIT} characters.", "alt_text", alt
            )
        req.store.update_media(NETWORK, media_id, alt_text=alt)
    metadata = {"alt_text": {"text": alt}} if alt is not None else {}
    return Response(200, {"data": {"id": media_id, "associated_metadata": metadata}})


# --- OAuth 2 -----------------------------------------------------------------------------


def _oauth_error(status: int, code: str, description: str) -> Response:
    return Response(status, {"error": code, "error_description": description})


@router.route("POST", "/2/oauth2/token")
def oauth2_token(req: Request) -> Response:
    if req.param("grant_type") != "refresh_token":
        return _oauth_error(400, "invalid_request", "Missing required parameter [grant_type].")
    old = str(req.param("refresh_token") or "")
    try:
        account = req.store.authenticate(NETWORK, old, kind="refresh")
    except AuthFailure:
        return _oauth_error(400, "invalid_request", "Value passed for the token was invalid.")
    client_id = str(req.param("client_id") or _basic_user(req) or "")
    if account["client_id"] and client_id != account["client_id"]:
        return _oauth_error(401, "unauthorized_client", "Missing valid authorization header")
    handle = account["handle"]
    access = req.store.issue_token(NETWORK, handle, "access", ACCESS_TOKEN_SECONDS, client_id)
    body = {
        "token_type": "bearer",
        "expires_in": ACCESS_TOKEN_SECONDS,
        "access_token": access,
        "scope": SCOPES,
    }
    if not account["options"].get("omit_refresh_token"):
        body["refresh_token"] = req.store.issue_token(NETWORK, handle, "refresh", None, client_id)
        req.store.retire_token(NETWORK, old)  # X rotates refresh tokens: the old one is spent
    return Response(200, body)


def _basic_user(req: Request) -> str | None:
    scheme, _, value = (req.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        return base64.b64decode(value).decode().split(":", 1)[0]
    except ValueError:
        return None
