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
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from carecast.networks.models import Channel, ChannelStatus

# Which webhook object and field carry comments, per network.
COMMENT_FIELDS = {"page": ("facebook", "feed"), "instagram": ("instagram", "comments")}


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


def receive(payload: Any) -> list[int]:
    """Read the comments of every channel the event names, now; returns their ids."""
    from carecast.inbox import tasks

    channels = channels_with_new_comments(payload)
    for channel in channels:
        tasks.fetch_channel(channel.pk)
    return [channel.pk for channel in channels]
