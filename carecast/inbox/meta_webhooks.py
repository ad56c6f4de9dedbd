"""Meta webhooks: Facebook Page and Instagram comments are read as soon as they are written.

https://developers.facebook.com/docs/graph-api/webhooks/getting-started
* Verification: Meta sends ``GET`` with ``hub.mode=subscribe``, ``hub.verify_token`` (the
  token the hospital typed into its app's webhook settings) and ``hub.challenge``, which
  is answered back as it came.
* Events: ``POST`` with a JSON body, signed with the app secret —
  ``X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body, hex>``. Anything unsigned or
  signed with another secret is refused before it is read.
* Page comments arrive as ``object: page`` with ``changes[].field == "feed"`` and
  ``value.item == "comment"`` (https://developers.facebook.com/docs/graph-api/webhooks/reference/page/#feed);
  Instagram comments as ``object: instagram`` with ``field == "comments"``
  (https://developers.facebook.com/docs/instagram-platform/webhooks).

* Private messages (Messenger Platform ``messages`` field, Instagram ``messages``) arrive as
  ``entry[].messaging[]`` with ``sender.id``, ``recipient.id`` (the Page / IG account),
  ``timestamp`` (ms) and ``message.mid`` / ``message.text``
  (https://developers.facebook.com/docs/messenger-platform/webhooks). Meta offers no way to
  poll them, so each one becomes a Direktnachricht right here, once per ``mid``; echoes of
  the Page's own messages (``message.is_echo``) are not.

Only when the installation has a public address (Meta must reach it) and a verify token is
set. Polling stays either way: an event only makes the channel's comments be read *now*,
through the same fetch as every minute, so a comment is taken once whichever comes first,
and an event Meta never delivers is still found by the next poll.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from carecast.networks.base import Reply
from carecast.networks.models import Channel, ChannelStatus

# Which webhook object and field carry comments, per network.
COMMENT_FIELDS = {"page": ("facebook", "feed"), "instagram": ("instagram", "comments")}
# Which network's channels receive the private messages of a webhook object.
MESSAGE_NETWORKS = {"page": "facebook", "instagram": "instagram"}


def has_public_address(url: str) -> bool:
    """Whether Meta could reach ``url``: a name (not localhost) or a global IP address."""
    host = (urlsplit(url).hostname or "").lower()
    if not host or host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return "." in host


def enabled() -> bool:
    return bool(
        settings.CARECAST_META_WEBHOOK_VERIFY_TOKEN
        and settings.CARECAST_META_APP_SECRET
        and has_public_address(settings.CARECAST_PUBLIC_URL)
    )


def challenge(params: Mapping[str, str]) -> str | None:
    """The ``hub.challenge`` to answer, or None when the request is not Meta's subscription."""
    token = str(params.get("hub.verify_token") or "")
    wanted = settings.CARECAST_META_WEBHOOK_VERIFY_TOKEN
    if params.get("hub.mode") != "subscribe" or not hmac.compare_digest(token, wanted):
        return None
    return str(params.get("hub.challenge") or "")


def signed_by_meta(body: bytes, header: str) -> bool:
    """``X-Hub-Signature-256`` is the HMAC-SHA256 of exactly these bytes with the app secret."""
    secret = settings.CARECAST_META_APP_SECRET.encode()
    expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header or "")


def channels_with_new_comments(payload: Any) -> list[Channel]:
    """The active channels an event says have new comments (other changes are ignored)."""
    if not isinstance(payload, dict) or payload.get("object") not in COMMENT_FIELDS:
        return []
    network, field = COMMENT_FIELDS[payload["object"]]
    ids = set()
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        for change in entry.get("changes") or []:
            if isinstance(change, dict) and _is_comment(network, field, change):
                ids.add(str(entry.get("id") or ""))
    return list(
        Channel.objects.filter(
            network=network, remote_user_id__in=ids - {""}, status=ChannelStatus.ACTIVE
        )
    )


def _is_comment(network: str, field: str, change: dict[str, Any]) -> bool:
    if change.get("field") != field:
        return False
    if network == "facebook":
        value = change.get("value") or {}
        return isinstance(value, dict) and value.get("item") == "comment"
    return True


def messages(payload: Any) -> list[tuple[Channel, Reply]]:
    """The private messages an event brings, each with the active channel it was sent to
    (``recipient.id``); echoes and messages without text are left out."""
    if not isinstance(payload, dict) or payload.get("object") not in MESSAGE_NETWORKS:
        return []
    found: list[tuple[str, Reply]] = []
    for entry in payload.get("entry") or []:
        for event in (entry.get("messaging") or []) if isinstance(entry, dict) else []:
            reply = _message(event)
            if reply is not None:
                found.append((str(event["recipient"].get("id") or ""), reply))
    channels = {
        channel.remote_user_id: channel
        for channel in Channel.objects.filter(
            network=MESSAGE_NETWORKS[payload["object"]],
            remote_user_id__in={recipient for recipient, _reply in found} - {""},
            status=ChannelStatus.ACTIVE,
        )
    }
    return [(channels[r], reply) for r, reply in found if r in channels]


def _message(event: Any) -> Reply | None:
    if not isinstance(event, dict):
        return None
    message, sender = event.get("message"), event.get("sender")
    if not isinstance(message, dict) or not isinstance(sender, dict):
        return None
    if not isinstance(event.get("recipient"), dict) or message.get("is_echo"):
        return None
    mid, text = str(message.get("mid") or ""), str(message.get("text") or "")
    if not mid or not text.strip():
        return None
    return Reply(
        remote_id=f"dm:{mid}",
        text=text,
        author=str(sender.get("id") or ""),
        author_id=str(sender.get("id") or ""),
        created_at=_when(event.get("timestamp")),
        kind="direct",
    )


def _when(timestamp: Any) -> str:
    """Meta's ``timestamp`` is milliseconds since the epoch; empty (now) when unreadable."""
    try:
        return datetime.fromtimestamp(int(timestamp) / 1000, UTC).isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return ""


def receive(payload: Any) -> list[int]:
    """Store the private messages the event brings and read the comments of every channel it
    names, now; returns the ids of the channels whose comments were read."""
    from carecast.inbox import fetch, tasks

    for channel, reply in messages(payload):
        fetch.store_message(channel, reply)
    channels = channels_with_new_comments(payload)
    for channel in channels:
        tasks.fetch_channel(channel.pk)
    return [channel.pk for channel in channels]
