"""Mastodon entities as the API documents them (Account, Status, MediaAttachment, Instance)."""

from __future__ import annotations

import html
import re
from typing import Any

from carecast.sandbox.routing import Request

NETWORK = "mastodon"
VERSION = "4.3.0"
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/heic")
VIDEO_TYPES = ("video/mp4", "video/webm", "video/quicktime")
IMAGE_LIMIT = 16 * 1024 * 1024
DESCRIPTION_LIMIT = 1500


def account_entity(req: Request, account: dict[str, Any]) -> dict[str, Any]:
    base, username = req.base_url, account["handle"]
    count, newest = req.store.post_stats(NETWORK, username)
    return {
        "id": account["user_id"],
        "username": username,
        "acct": username,
        "display_name": account["display_name"],
        "locked": False,
        "bot": False,
        "discoverable": True,
        "group": False,
        "created_at": account["created_at"],
        "note": "",
        "url": f"{base}/@{username}",
        "uri": f"{base}/users/{username}",
        "avatar": f"{base}/avatars/original/missing.png",
        "avatar_static": f"{base}/avatars/original/missing.png",
        "header": f"{base}/headers/original/missing.png",
        "header_static": f"{base}/headers/original/missing.png",
        "followers_count": int(account.get("options", {}).get("followers_count", 0)),
        "following_count": 0,
        "statuses_count": count,
        "last_status_at": newest[:10] if newest else None,
        "emojis": [],
        "fields": [],
    }


def media_entity(req: Request, info: dict[str, Any]) -> dict[str, Any]:
    meta = info["meta"]
    ready = meta.get("pending_polls", 0) <= 0
    url = f"{req.base_url}/_sandbox/media/{NETWORK}/{info['id']}"
    original = {}
    if meta.get("width"):
        width, height = meta["width"], meta["height"]
        original = {
            "width": width,
            "height": height,
            "size": f"{width}x{height}",
            "aspect": width / height,
        }
    return {
        "id": info["id"],
        "type": _media_type(info["mime_type"]),
        "url": url if ready else None,
        "preview_url": url,
        "remote_url": None,
        "preview_remote_url": None,
        "text_url": None,
        "meta": {"original": original} if original else {},
        "description": info["alt_text"] or None,
        "blurhash": None,
    }


def _media_type(mime: str) -> str:
    if mime == "image/gif":
        return "gifv"
    if mime.startswith("image/"):
        return "image"
    if mime.startswith("video/"):
        return "video"
    return "audio" if mime.startswith("audio/") else "unknown"


def status_entity(
    req: Request,
    post: dict[str, Any],
    account: dict[str, Any],
    author: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``author``: the account's entity when the caller already built it (a list of statuses)."""
    data, base, username = post["data"], req.base_url, account["handle"]
    return {
        "id": post["id"],
        "created_at": post["created_at"],
        "in_reply_to_id": data.get("in_reply_to_id"),
        "in_reply_to_account_id": data.get("in_reply_to_account_id"),
        "sensitive": bool(data.get("sensitive")),
        "spoiler_text": data.get("spoiler_text", ""),
        "visibility": data.get("visibility", "public"),
        "language": post["language"] or None,
        "uri": f"{base}/users/{username}/statuses/{post['id']}",
        "url": post["url"],
        "replies_count": int(data.get("replies_count", 0)),
        "reblogs_count": int(data.get("reblogs_count", 0)),
        "favourites_count": int(data.get("favourites_count", 0)),
        "edited_at": None,
        "content": render_content(post["text"]),
        "reblog": None,
        "application": {"name": data.get("application", "carecast"), "website": None},
        "account": author or account_entity(req, account),
        "media_attachments": [media_entity(req, m) for m in post["media"]],
        "mentions": [
            {
                "id": m["user_id"],
                "username": m["handle"],
                "acct": m["handle"],
                "url": f"{base}/@{m['handle']}",
            }
            for m in mentioned_accounts(req, post["text"])
        ],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
    }


_URL = re.compile(r"https?://[^\s<>\"]+")
# ``@user`` or ``@user@domain``, not inside an e-mail address (Mastodon's Account::MENTION_RE).
_MENTION = re.compile(r"(?<![\w@/])@(\w+)(?:@([\w.-]+\w))?", re.ASCII)


def mentioned_accounts(req: Request, text: str) -> list[dict[str, Any]]:
    """The local accounts ``text`` mentions (``@user``, or ``@user@<this host>``), in order."""
    host = req.base_url.split("://", 1)[1]
    found: list[dict[str, Any]] = []
    for username, domain in _MENTION.findall(text):
        if domain and domain.lower() not in (host.lower(), host.split(":")[0].lower()):
            continue
        account = req.store.account(NETWORK, username)
        if account and account not in found:
            found.append(account)
    return found


def render_content(text: str) -> str:
    """Mastodon's plain-text formatter, roughly: paragraphs, line breaks, linked URLs."""
    paragraphs = [p for p in re.split(r"\n{2,}", text.strip()) if p]
    rendered = []
    for paragraph in paragraphs:
        escaped = html.escape(paragraph)
        linked = _URL.sub(
            lambda m: (
                f'<a href="{m.group(0)}" rel="nofollow noopener" target="_blank">{m.group(0)}</a>'
            ),
            escaped,
        )
        rendered.append("<p>" + linked.replace("\n", "<br />") + "</p>")
    return "".join(rendered)


def instance_configuration(req: Request) -> dict[str, Any]:
    return {
        "urls": {"streaming": req.base_url.replace("http", "ws", 1)},
        "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
        "statuses": {
            "max_characters": int(req.server.settings["mastodon_max_characters"]),
            "max_media_attachments": 4,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": [*IMAGE_TYPES, *VIDEO_TYPES],
            "description_limit": DESCRIPTION_LIMIT,
            "image_size_limit": IMAGE_LIMIT,
            "image_matrix_limit": 33177600,
            "video_size_limit": 103809024,
            "video_frame_rate_limit": 120,
            "video_matrix_limit": 8294400,
        },
        "polls": {
            "max_options": 4,
            "max_characters_per_option": 50,
            "min_expiration": 300,
            "max_expiration": 2629746,
        },
        "translation": {"enabled": False},
    }


def reported_version(req: Request) -> str:
    """Mastodon's version, or another server's string (the ``mastodon_version`` setting)."""
    return str(req.server.settings.get("mastodon_version") or VERSION)


def instance_v2(req: Request) -> dict[str, Any]:
    host = req.base_url.split("://", 1)[1]
    return {
        "domain": host,
        "title": "carecast Sandbox (Mastodon)",
        "version": reported_version(req),
        "source_url": "https://github.com/mastodon/mastodon",
        "description": "Lokaler Testserver – nichts hiervon ist öffentlich.",
        "usage": {"users": {"active_month": len(req.store.accounts(NETWORK))}},
        "thumbnail": {"url": f"{req.base_url}/packs/media/images/preview.png"},
        "languages": ["de", "en"],
        "configuration": instance_configuration(req),
        "registrations": {"enabled": False, "approval_required": False, "message": None},
        **({"api_versions": {"mastodon": 2}} if reported_version(req) == VERSION else {}),
        "contact": {"email": "sandbox@localhost", "account": None},
        "rules": [],
    }


def instance_v1(req: Request) -> dict[str, Any]:
    host = req.base_url.split("://", 1)[1]
    return {
        "uri": host,
        "title": "carecast Sandbox (Mastodon)",
        "short_description": "Lokaler Testserver",
        "description": "Lokaler Testserver – nichts hiervon ist öffentlich.",
        "email": "sandbox@localhost",
        "version": reported_version(req),
        "urls": {"streaming_api": req.base_url.replace("http", "ws", 1)},
        "stats": {
            "user_count": len(req.store.accounts(NETWORK)),
            "status_count": 0,
            "domain_count": 1,
        },
        "thumbnail": None,
        "languages": ["de", "en"],
        "registrations": False,
        "approval_required": False,
        "invites_enabled": False,
        "configuration": instance_configuration(req),
        "contact_account": None,
        "rules": [],
    }
