"""Private messages of a Facebook Page and an Instagram professional account (Send API).

A person writes first (the Page's or account's ``messages`` webhook brings it to the inbox,
see ``carecast.inbox.meta_webhooks``); the answer goes back privately with
``POST /{page-id}/messages`` (Instagram: ``POST /{ig-id}/messages``) and the JSON body
``{"recipient": {"id": PSID/IGSID}, "message": {"text": ...}, "messaging_type": "RESPONSE"}``;
Meta answers ``{"recipient_id", "message_id"}``.
https://developers.facebook.com/docs/messenger-platform/send-messages ·
https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/messaging-api

A ``RESPONSE`` is allowed only within 24 hours of the person's last message (standard
messaging window); later Meta refuses it with code 10, subcode 2018278
(https://developers.facebook.com/docs/messenger-platform/error-codes). carecast refuses
such a reply before sending (``DIRECT_WINDOW``, checked by the inbox); should Meta refuse
anyway, the error is permanent — it is no expired token, nothing to reconnect.
Meta has no idempotency key for messages: an unknown outcome leaves the reply
"unconfirmed", never re-sent without a person looking.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from carecast.networks.base import ConnectorError, PostRequest, PostResult
from carecast.networks.facebook.graph import OUTSIDE_WINDOW_SUBCODE

# Meta's standard messaging window for a RESPONSE.
DIRECT_WINDOW = dt.timedelta(hours=24)
__all__ = ["DIRECT_WINDOW", "OUTSIDE_WINDOW_SUBCODE", "GraphMessages"]


class GraphMessages:
    """Mixed into the Facebook and Instagram connectors: uses ``request`` and ``object_id``."""

    supports_direct = True
    direct_window: dt.timedelta | None = DIRECT_WINDOW

    def send_direct(self, post: PostRequest, recipient_id: str) -> PostResult:
        """Answer the person privately in the Page's (account's) conversation with them."""
        label = self.label  # type: ignore[attr-defined]
        if not recipient_id:
            raise ConnectorError(f"Could not answer privately ({label}): no sender", permanent=True)
        body: dict[str, Any] = {
            "recipient": {"id": recipient_id},
            "message": {"text": post.text},
            "messaging_type": "RESPONSE",
        }
        action = "Could not send the message"
        path = f"{self.object_id}/messages"  # type: ignore[attr-defined]
        data = self.request("POST", path, action, creates_post=True, json=body)  # type: ignore[attr-defined]
        message_id = str(data.get("message_id") or "")
        if not message_id:
            raise ConnectorError(
                f"{action} ({label}): the answer named no message", outcome_unknown=True
            )
        return PostResult(remote_id=f"dm:{message_id}", url="", raw=data)
