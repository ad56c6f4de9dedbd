"""The sandbox's Send API for Facebook Pages and Instagram accounts (the inbox's private answers).

``POST /graph/<version>/{page-id or ig-id}/messages`` with a JSON body
``{"recipient": {"id"}, "message": {"text"}, "messaging_type": "RESPONSE"}`` answers
``{"recipient_id", "message_id"}``
(https://developers.facebook.com/docs/messenger-platform/send-messages). The token must be
the Page's (the IG account's). A ``RESPONSE`` is refused outside the 24-hour window after the
person's last message with code 10, subcode 2018278, as Meta does
(https://developers.facebook.com/docs/messenger-platform/error-codes); a person who never
wrote cannot be messaged at all (code 100, subcode 2018001).

People's messages are made with ``visitor_message`` (it returns the webhook event Meta would
send); both directions are kept in the store under ``facebook_dm`` / ``instagram_dm``, so no
feed, comment or media endpoint ever lists them.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from carecast.networks.facebook.sandbox import authenticate, error, ok
from carecast.sandbox.routing import INVALID_JSON, HTTPError, Request, Response, Router
from carecast.sandbox.store import AuthFailure

router = Router()
WINDOW_SECONDS = 24 * 3600
TEXT_LIMIT = 2000  # Messenger's limit for one text message


def dm_network(network: str) -> str:
    return f"{network}_dm"


@router.route("POST", "/graph/<version>/<object_id>/messages")
def send_message(req: Request, version: str, object_id: str) -> Response:
    network, account = _account(req, object_id)
    body = req.json
    if not isinstance(body, dict) or body is INVALID_JSON:
        return error(400, 100, "(#100) The parameter recipient is required")
    recipient = str((body.get("recipient") or {}).get("id") or "")
    text = str((body.get("message") or {}).get("text") or "")
    if not recipient:
        return error(400, 100, "(#100) The parameter recipient is required")
    if not text.strip():
        return error(400, 100, "(#100) The parameter message is required")
    if len(text) > TEXT_LIMIT:
        return error(400, 100, "(#100) Param message[text] must be UTF-8 encoded and <= 2000")
    if body.get("messaging_type") not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
        return error(400, 100, "(#100) Param messaging_type is invalid")
    last = _last_from(req.server, network, account["user_id"], recipient)
    if last is None:
        return error(400, 100, "(#100) No matching user found", 2018001)
    if time.time() - last > WINDOW_SECONDS:
        return error(
            400,
            10,
            "(#10) This message is sent outside of allowed window.",
            2018278,
        )
    message_id = f"m_{secrets.token_urlsafe(12)}"
    data = {
        "sender": account["user_id"],
        "recipient": recipient,
        "timestamp": int(time.time() * 1000),
        "messaging_type": body.get("messaging_type"),
        "direction": "out",
    }
    req.store.add_post(dm_network(network), account["handle"], message_id, text, "", data)
    return ok(req, {"recipient_id": recipient, "message_id": message_id})


def _account(req: Request, object_id: str) -> tuple[str, dict[str, Any]]:
    """Pages and Instagram accounts share the path: the token says whose call it is."""
    for network in ("facebook", "instagram"):
        try:
            account = req.store.authenticate(network, req.bearer or "")
        except AuthFailure:
            continue
        if account["user_id"] != object_id:
            raise HTTPError(error(403, 200, "(#200) The user hasn't authorized the application."))
        return network, account
    authenticate(req)  # raises Meta's 190 for the token
    raise AssertionError("unreachable")


def _last_from(server: Any, network: str, account_id: str, person: str) -> float | None:
    times = [
        int(m["data"]["timestamp"]) / 1000
        for m in server.store.posts(dm_network(network))
        if m["data"].get("direction") == "in"
        and m["data"].get("sender") == person
        and m["data"].get("recipient") == account_id
    ]
    return max(times) if times else None


def visitor_message(server: Any, network: str, account_id: str, person: str, text: str) -> dict:
    """``person`` (a PSID / IGSID) writes to the Page or IG account ``account_id``; returns the
    webhook body Meta would POST (``object`` ``page`` or ``instagram``)."""
    mid = f"m_{secrets.token_urlsafe(12)}"
    stamp = int(time.time() * 1000)
    data = {"sender": person, "recipient": account_id, "timestamp": stamp, "direction": "in"}
    server.store.add_post(dm_network(network), person, mid, text, "", data)
    event = {
        "sender": {"id": person},
        "recipient": {"id": account_id},
        "timestamp": stamp,
        "message": {"mid": mid, "text": text},
    }
    return {
        "object": "page" if network == "facebook" else "instagram",
        "entry": [{"id": account_id, "time": stamp, "messaging": [event]}],
    }
