"""What a server speaking Mastodon's client API answers, and how carecast reads it.

Entities are validated with pydantic (never dict-poked). Servers other than Mastodon
(GoToSocial, Pleroma, Akkoma, glitch-soc) send the same entities with fewer fields, so
every field carecast does not need is optional.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

from pydantic import BaseModel, ConfigDict

from carecast.networks.base import PostRequest, Reply

# --- what Mastodon answers for the inbox (validated, never dict-poked) -------------------


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Author(Model):
    id: str
    acct: str = ""
    username: str = ""


class Attachment(Model):
    id: str
    url: str | None = None
    description: str | None = None


class Status(Model):
    id: str
    content: str = ""
    created_at: str = ""
    url: str | None = None
    uri: str = ""
    in_reply_to_id: str | None = None
    in_reply_to_account_id: str | None = None
    visibility: str = "public"
    account: Author
    media_attachments: list[Attachment] = []


class Notification(Model):
    id: str
    type: str
    status: Status | None = None


_MENTION = re.compile(r"^(\s*@[\w.@-]+)+\s*")


def reply_from_status(status: dict[str, Any]) -> Reply:
    account = status.get("account") or {}
    return Reply(
        remote_id=str(status.get("id", "")),
        text=_MENTION.sub("", html_to_text(str(status.get("content") or ""))),
        author=str(account.get("acct") or account.get("username") or ""),
        author_id=str(account.get("id", "")),
        url=str(status.get("url") or status.get("uri") or ""),
        created_at=str(status.get("created_at") or ""),
    )


def mention_from_status(status: Status, own_id: str) -> Reply:
    """A mention, a reply to us, or a direct message (a ``direct`` status: only the accounts
    it mentions see it, so it is answered the same way, never in public)."""
    to_us = bool(status.in_reply_to_id) and status.in_reply_to_account_id == own_id
    kind = "reply" if to_us else "mention"
    return Reply(
        remote_id=status.id,
        text=_MENTION.sub("", html_to_text(status.content)),
        author=status.account.acct or status.account.username,
        author_id=status.account.id,
        url=status.url or status.uri,
        created_at=status.created_at,
        kind="direct" if status.visibility == "direct" else kind,
        in_reply_to=status.in_reply_to_id or "",
    )


def newer(status_id: str, since_id: str) -> bool:
    """Mastodon ids are numeric strings that grow with time: compare them as numbers."""
    if not since_id:
        return True
    try:
        return int(status_id) > int(since_id)
    except ValueError:  # not numeric (another server software): compare as Mastodon sorts
        return (len(status_id), status_id) > (len(since_id), since_id)


def instance_limits(instance: Any) -> dict[str, int]:
    """The limits an instance entity (v2 or v1, Mastodon or not) names, as whole numbers."""
    if not isinstance(instance, dict):
        return {}
    config = _section(instance, "configuration")
    statuses, media = _section(config, "statuses"), _section(config, "media_attachments")
    found: dict[str, Any] = {
        "max_characters": statuses.get("max_characters") or instance.get("max_toot_chars"),
        "max_media_attachments": statuses.get("max_media_attachments"),
        "characters_reserved_per_url": statuses.get("characters_reserved_per_url"),
        "image_size_limit": media.get("image_size_limit"),
        "video_size_limit": media.get("video_size_limit"),
        # Read by carecast.media.video_limits.live: a clip above them is refused before planning.
        "video_frame_rate_limit": media.get("video_frame_rate_limit"),
        "video_matrix_limit": media.get("video_matrix_limit"),
    }
    return {key: int(value) for key, value in found.items() if _whole(value)}


def _section(body: dict[str, Any], name: str) -> dict[str, Any]:
    value = body.get(name)
    return value if isinstance(value, dict) else {}


def _whole(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return (isinstance(value, int) and value > 0) or (isinstance(value, str) and value.isdigit())


# ``@user@server`` shows as ``@user`` in the status HTML; leading names open a reply.
_REMOTE_MENTION = re.compile(r"(?<![\w@])@(\w+)@[\w.-]+\w")


def comparable_text(text: str, *, reply: bool = False) -> str:
    """Text as the server shows it back, for recognising our own status: NFC, remote
    mentions by their local part, whitespace collapsed, a reply's leading @names dropped."""
    text = _REMOTE_MENTION.sub(r"@\1", unicodedata.normalize("NFC", text))
    if reply:
        text = _MENTION.sub("", text)
    return " ".join(text.split())


def is_same_status(status: Status, post: PostRequest) -> bool:
    """Whether ``status`` (as the server lists it) is ``post`` (as we sent it).

    The server turns the text into HTML (links, mentions, paragraphs), so the text is
    compared after ``html_to_text`` and ``comparable_text`` on both sides; a reply must
    answer the same status, and the images must carry the same alt texts in order.
    """
    if (status.in_reply_to_id or "") != post.reply_to:
        return False
    reply = bool(post.reply_to)
    shown = comparable_text(html_to_text(status.content), reply=reply)
    if shown != comparable_text(post.text, reply=reply):
        return False
    alts = [" ".join((m.description or "").split()) for m in status.media_attachments]
    return alts == [" ".join(m.alt_text.split()) for m in post.media]


def html_to_text(content: str) -> str:
    """Mastodon's status HTML as plain text: paragraphs and line breaks kept, tags dropped."""
    content = re.sub(r"<br\s*/?>", "\n", content)
    content = re.sub(r"</p>\s*<p>", "\n\n", content)
    return html.unescape(re.sub(r"<[^>]+>", "", content)).strip()
