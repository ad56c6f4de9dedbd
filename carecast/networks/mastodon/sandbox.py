"""A Mastodon server, as far as carecast uses it (REST API v1/v2, entities as documented).

Counting follows Mastodon: URLs weigh ``characters_reserved_per_url``, remote mentions only
their local part, the content warning counts too. ``Idempotency-Key`` returns the earlier
status for one hour per account, as Mastodon's PostStatusService does.
"""

from __future__ import annotations

import re
import time
from typing import Any

from carecast.networks.mastodon import sandbox_entities as entities
from carecast.networks.mastodon.sandbox_entities import (
    DESCRIPTION_LIMIT,
    IMAGE_LIMIT,
    IMAGE_TYPES,
    NETWORK,
    VIDEO_TYPES,
    account_entity,
    media_entity,
    status_entity,
)
from carecast.networks.textcount import mastodon_length
from carecast.sandbox.routing import HTTPError, Request, Response, Router
from carecast.sandbox.store import AuthFailure, image_dimensions, now_iso

router = Router()
_HASHTAG = re.compile(r"#(\w+)")
IDEMPOTENCY_SECONDS = 3600
# Doorkeeper's wording, which Mastodon passes through.
_AUTH_MESSAGES = {
    "invalid": "The access token is invalid",
    "revoked": "The access token was revoked",
    "expired": "The access token expired",
}


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(status, {"error": message}, headers or {})


def _authenticate(req: Request) -> dict[str, Any]:
    try:
        return req.store.authenticate(NETWORK, req.bearer)
    except AuthFailure as exc:
        raise HTTPError(error(401, _AUTH_MESSAGES[exc.reason])) from None


def _max_characters(req: Request) -> int:
    return int(req.server.settings["mastodon_max_characters"])


# --- instance and accounts ---------------------------------------------------------------


@router.route("GET", "/api/v2/instance")
def get_instance_v2(req: Request) -> Response:
    return Response(200, entities.instance_v2(req))


@router.route("GET", "/api/v1/instance")
def get_instance_v1(req: Request) -> Response:
    return Response(200, entities.instance_v1(req))


@router.route("GET", "/api/v1/trends/tags")
def trending_tags(req: Request) -> Response:
    """Tags by how many posts on this server use them (Mastodon weighs recent use; we count)."""
    limit = min(max(int(req.arg("limit") or 10), 1), 20)
    uses: dict[str, int] = {}
    accounts: dict[str, set[str]] = {}
    for post in req.store.posts(NETWORK):
        for tag in {t.lower() for t in _HASHTAG.findall(post["text"])}:
            uses[tag] = uses.get(tag, 0) + 1
            accounts.setdefault(tag, set()).add(post["account"])
    ranked = sorted(uses, key=lambda tag: (-uses[tag], tag))[:limit]
    day = str(int(time.time()) // 86400 * 86400)
    return Response(
        200,
        [
            {
                "name": tag,
                "url": f"{req.base_url}/tags/{tag}",
                "history": [
                    {"day": day, "uses": str(uses[tag]), "accounts": str(len(accounts[tag]))}
                ],
            }
            for tag in ranked
        ],
    )


@router.route("GET", "/api/v1/accounts/verify_credentials")
def verify_credentials(req: Request) -> Response:
    account = _authenticate(req)
    entity = account_entity(req, account)
    entity["source"] = {
        "privacy": "public",
        "sensitive": False,
        "language": "de",
        "note": "",
        "fields": [],
    }
    return Response(200, entity)


@router.route("GET", "/api/v1/accounts/<account_id>/statuses")
def account_statuses(req: Request, account_id: str) -> Response:
    account = req.store.account_by_id(NETWORK, account_id)
    if account is None:
        raise HTTPError(error(404, "Record not found"))
    limit = min(max(int(req.arg("limit") or 20), 1), 40)
    max_id, since_id, min_id = req.arg("max_id"), req.arg("since_id"), req.arg("min_id")
    # ``exclude_replies``: the account's answers (its inbox replies) are left out, as Mastodon's
    # AccountStatusesFilter does; boosts are never stored here, so ``exclude_reblogs`` holds.
    no_replies = str(req.arg("exclude_replies")).lower() == "true"
    # The first page needs only the newest posts (ids grow with insertion order).
    newest_only = not (max_id or since_id or min_id or no_replies)
    posts = req.store.posts(NETWORK, account["handle"], limit if newest_only else None)
    if no_replies:
        posts = [p for p in posts if not p["data"].get("in_reply_to_id")]
    if max_id:
        posts = [p for p in posts if int(p["id"]) < int(max_id)]
    lower = since_id or min_id
    if lower:
        posts = [p for p in posts if int(p["id"]) > int(lower)]
    posts = posts[-limit:] if min_id else posts[:limit]
    headers = {}
    if posts:
        path = f"{req.base_url}/api/v1/accounts/{account_id}/statuses"
        headers["Link"] = (
            f'<{path}?limit={limit}&max_id={posts[-1]["id"]}>; rel="next", '
            f'<{path}?limit={limit}&min_id={posts[0]["id"]}>; rel="prev"'
        )
    return Response(200, [status_entity(req, p, account) for p in posts], headers)


# --- statuses ----------------------------------------------------------------------------


@router.route("POST", "/api/v1/statuses")
def create_status(req: Request) -> Response:
    account = _authenticate(req)
    # Some servers that speak Mastodon's API (the ``mastodon_idempotency`` setting) ignore it.
    honoured = req.server.settings.get("mastodon_idempotency", True)
    key = req.headers.get("Idempotency-Key") if honoured else None
    with req.store.lock:
        if key:
            earlier = req.store.idempotent_post_id(
                NETWORK, account["handle"], key, IDEMPOTENCY_SECONDS
            )
            if earlier:
                post = req.store.post(NETWORK, earlier)
                if post is None:  # deleted since: Mastodon's find() raises RecordNotFound
                    raise HTTPError(error(404, "Record not found"))
                return Response(200, status_entity(req, post, account))
        post = _create_status(req, account)
        if key:
            req.store.remember_idempotency(NETWORK, account["handle"], key, post["id"])
    return Response(200, status_entity(req, post, account))


def _create_status(req: Request, account: dict[str, Any]) -> dict[str, Any]:
    text = str(req.param("status") or "")
    spoiler = str(req.param("spoiler_text") or "")
    media_ids = [str(m) for m in req.param_list("media_ids")]
    if len(media_ids) > 4:
        raise HTTPError(error(422, "Cannot attach more than 4 files"))
    media = [
        m
        for m in (req.store.media_info(NETWORK, i) for i in media_ids)
        if m and m["account"] == account["handle"]
    ]
    if any(m["meta"].get("pending_polls", 0) > 0 for m in media):
        raise HTTPError(
            error(
                422, "Cannot attach files that have not finished processing. Try again in a moment!"
            )
        )
    if not text.strip() and not media:
        raise HTTPError(error(422, "Validation failed: Text can't be blank"))
    limit = _max_characters(req)
    if mastodon_length(text) + len(spoiler) > limit:
        raise HTTPError(error(422, f"Validation failed: Text character limit of {limit} exceeded"))
    visibility = str(req.param("visibility") or "public")
    if visibility not in ("public", "unlisted", "private", "direct"):
        raise HTTPError(error(422, "Validation failed: Visibility is not included in the list"))
    parent = _parent(req)
    post_id = req.store.next_id(NETWORK)
    data = {
        "created_at": now_iso(),
        "spoiler_text": spoiler,
        "sensitive": str(req.param("sensitive") or "").lower() in ("1", "true"),
        "visibility": visibility,
        "in_reply_to_id": parent["id"] if parent else None,
        "in_reply_to_account_id": parent["account_id"] if parent else None,
        "media_ids": [m["id"] for m in media],
    }
    url = f"{req.base_url}/@{account['handle']}/{post_id}"
    language = str(req.param("language") or "")
    return req.store.add_post(NETWORK, account["handle"], post_id, text, url, data, language)


def _parent(req: Request) -> dict[str, Any] | None:
    """The status being answered (``in_reply_to_id``) with its author's id; 404 if it is gone."""
    parent_id = str(req.param("in_reply_to_id") or "")
    if not parent_id:
        return None
    parent = req.store.post(NETWORK, parent_id)
    author = req.store.account(NETWORK, parent["account"]) if parent else None
    if parent is None or author is None:
        # StatusesController#create: statuses.errors.in_reply_not_found
        raise HTTPError(error(404, "The post you are trying to reply to does not appear to exist."))
    return {"id": parent["id"], "account_id": author["user_id"]}


def _own_status(req: Request, status_id: str, account: dict[str, Any] | None) -> dict[str, Any]:
    post = req.store.post(NETWORK, status_id)
    if post is None or (account is not None and post["account"] != account["handle"]):
        raise HTTPError(error(404, "Record not found"))
    return post


@router.route("GET", "/api/v1/statuses")
def get_statuses(req: Request) -> Response:
    """``GET /api/v1/statuses?id[]=…`` (Mastodon 4.3): the statuses found, the rest left out."""
    ids = (req.query.get("id[]") or [])[:20]
    found, authors = [], {}
    for status_id in ids:
        post = req.store.post(NETWORK, status_id)
        account = req.store.account(NETWORK, post["account"]) if post else None
        if post is not None and account is not None:
            if account["handle"] not in authors:
                authors[account["handle"]] = entities.account_entity(req, account)
            found.append(status_entity(req, post, account, authors[account["handle"]]))
    return Response(200, found)


@router.route("GET", "/api/v1/statuses/<status_id>")
def get_status(req: Request, status_id: str) -> Response:
    post = _own_status(req, status_id, None)
    account = req.store.account(NETWORK, post["account"])
    return Response(200, status_entity(req, post, account))


@router.route("GET", "/api/v1/statuses/<status_id>/context")
def status_context(req: Request, status_id: str) -> Response:
    """Ancestors and descendants (replies at any depth, oldest first), as Mastodon answers."""
    post = _own_status(req, status_id, None)
    posts = {p["id"]: p for p in req.store.posts(NETWORK)}
    children: dict[str, list[dict[str, Any]]] = {}
    for other in sorted(posts.values(), key=lambda p: p["seq"]):
        parent = other["data"].get("in_reply_to_id")
        if parent:
            children.setdefault(str(parent), []).append(other)
    descendants, pending = [], list(children.get(post["id"], []))
    while pending:
        reply = pending.pop(0)
        descendants.append(reply)
        pending[:0] = children.get(reply["id"], [])
    ancestors: list[dict[str, Any]] = []
    parent_id = post["data"].get("in_reply_to_id")
    while parent_id and str(parent_id) in posts:
        ancestors.insert(0, posts[str(parent_id)])
        parent_id = posts[str(parent_id)]["data"].get("in_reply_to_id")

    def entity(p: dict[str, Any]) -> dict[str, Any]:
        return status_entity(req, p, req.store.account(NETWORK, p["account"]))

    return Response(
        200,
        {
            "ancestors": [entity(p) for p in ancestors],
            "descendants": [entity(p) for p in descendants],
        },
    )


@router.route("DELETE", "/api/v1/statuses/<status_id>")
def delete_status(req: Request, status_id: str) -> Response:
    account = _authenticate(req)
    post = _own_status(req, status_id, account)
    entity = status_entity(req, post, account)
    entity["text"] = post["text"]  # "delete and redraft" source, as Mastodon returns it
    req.store.delete_post(NETWORK, status_id)
    return Response(200, entity)


# --- notifications -----------------------------------------------------------------------

NOTIFICATION_TYPES = ("mention",)  # the only type the sandbox creates


@router.route("GET", "/api/v1/notifications")
def notifications(req: Request) -> Response:
    """Mention notifications, newest first, paged like Mastodon (``max_id``/``since_id``/``min_id``).

    A status notifies each local account its text mentions (Mastodon's ProcessMentionsService:
    a reply without the @mention notifies nobody). Notification ids are their own sequence,
    not status ids, as in Mastodon.
    """
    account = _authenticate(req)
    limit = min(max(int(req.arg("limit") or 40), 1), 80)
    types = set(req.param_list("types")) or set(NOTIFICATION_TYPES)
    types -= set(req.param_list("exclude_types"))
    found = _mentions_of(req, account) if "mention" in types else []
    max_id, since_id, min_id = req.arg("max_id"), req.arg("since_id"), req.arg("min_id")
    if max_id:
        found = [n for n in found if int(n["id"]) < int(max_id)]
    lower = since_id or min_id
    if lower:
        found = [n for n in found if int(n["id"]) > int(lower)]
    page = found[-limit:] if min_id else found[:limit]
    headers = {}
    if page:
        path = f"{req.base_url}/api/v1/notifications"
        headers["Link"] = (
            f'<{path}?limit={limit}&max_id={page[-1]["id"]}>; rel="next", '
            f'<{path}?limit={limit}&min_id={page[0]["id"]}>; rel="prev"'
        )
    return Response(200, page, headers)


def _mentions_of(req: Request, account: dict[str, Any]) -> list[dict[str, Any]]:
    notes = []
    for post in req.store.posts(NETWORK):  # newest first
        if post["account"] == account["handle"]:
            continue
        mentioned = entities.mentioned_accounts(req, post["text"])
        if account["handle"] not in {m["handle"] for m in mentioned}:
            continue
        author = req.store.account(NETWORK, post["account"]) or {}
        notes.append(
            {
                "id": str(post["seq"]),
                "type": "mention",
                "group_key": f"ungrouped-{post['seq']}",
                "created_at": post["created_at"],
                "account": account_entity(req, author),
                "status": status_entity(req, post, author),
            }
        )
    return notes


# --- media -------------------------------------------------------------------------------


@router.route("POST", "/api/v2/media")
def upload_media_v2(req: Request) -> Response:
    info = _upload_media(req, asynchronous=True)
    pending = info["meta"].get("pending_polls", 0) > 0
    return Response(202 if pending else 200, media_entity(req, info))


@router.route("POST", "/api/v1/media")
def upload_media_v1(req: Request) -> Response:
    return Response(200, media_entity(req, _upload_media(req, asynchronous=False)))


def _upload_media(req: Request, asynchronous: bool) -> dict[str, Any]:
    account = _authenticate(req)
    uploads = req.files.get("file")
    if not uploads:
        raise HTTPError(error(422, "Validation failed: File can't be blank"))
    upload = uploads[0]
    mime = upload.content_type.split(";")[0].strip().lower()
    if mime not in IMAGE_TYPES + VIDEO_TYPES:
        raise HTTPError(
            error(422, "Validation failed: File content type is invalid, File is invalid")
        )
    if mime in IMAGE_TYPES and len(upload.data) > IMAGE_LIMIT:
        raise HTTPError(error(422, "Validation failed: File file size must be less than 16 MB"))
    description = str(req.param("description") or "")
    if len(description) > DESCRIPTION_LIMIT:
        raise HTTPError(
            error(
                422,
                f"Validation failed: Description is too long (maximum is {DESCRIPTION_LIMIT} characters)",
            )
        )
    meta: dict[str, Any] = {}
    size = image_dimensions(upload.data)
    if size:
        meta.update(width=size[0], height=size[1])
    # Videos are processed in the background; the "processing" fault does it to images too.
    polls = (
        int((req.fault or {}).get("polls", 1))
        if (req.fault or {}).get("mode") == "processing"
        else 0
    )
    if asynchronous and (polls or mime in VIDEO_TYPES):
        meta["pending_polls"] = polls or 1
    media_id = req.store.next_id(NETWORK)
    return req.store.add_media(
        NETWORK, account["handle"], media_id, mime, upload.data, description, meta
    )


def _own_media(req: Request, media_id: str) -> dict[str, Any]:
    account = _authenticate(req)
    info = req.store.media_info(NETWORK, media_id)
    if info is None or info["account"] != account["handle"]:
        raise HTTPError(error(404, "Record not found"))
    return info


@router.route("GET", "/api/v1/media/<media_id>")
def get_media(req: Request, media_id: str) -> Response:
    info = _own_media(req, media_id)
    pending = info["meta"].get("pending_polls", 0)
    if pending > 0:
        req.store.update_media(
            NETWORK, media_id, meta={**info["meta"], "pending_polls": pending - 1}
        )
        return Response(206, media_entity(req, info))
    return Response(200, media_entity(req, info))


@router.route("PUT", "/api/v1/media/<media_id>")
def update_media(req: Request, media_id: str) -> Response:
    info = _own_media(req, media_id)
    description = req.param("description")
    if description is not None:
        req.store.update_media(NETWORK, media_id, alt_text=str(description))
    return Response(200, media_entity(req, req.store.media_info(NETWORK, info["id"])))
