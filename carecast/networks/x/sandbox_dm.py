"""X's direct messages (API v2), as far as carecast's inbox uses them.

``GET /2/dm_events`` lists the user's message events, newest first, paged by
``pagination_token``; ``POST /2/dm_conversations/with/:participant_id/messages`` sends a
message in the one-to-one conversation with that user (created on the first message).
https://docs.x.com/x-api/direct-messages/lookup/introduction ·
https://docs.x.com/x-api/direct-messages/manage/introduction
Messages are kept in the sandbox store under their own network name, so no tweet
endpoint ever lists them.
"""

from __future__ import annotations

from typing import Any

from carecast.networks.x.sandbox import NETWORK, _authenticate, _user, error, invalid_request
from carecast.sandbox.routing import INVALID_JSON, HTTPError, Request, Response, Router

router = Router()
DM_NETWORK = "x_dm"
TEXT_LIMIT = 10_000  # X's limit for one direct message
EVENT_TYPES = ("MessageCreate", "ParticipantsJoin", "ParticipantsLeave")


def conversation_id(one: str, other: str) -> str:
    """A one-to-one conversation's id: both user ids, lower first, joined by a dash (as X)."""
    low, high = sorted((one, other), key=int)
    return f"{low}-{high}"


@router.route("POST", "/2/dm_conversations/with/<participant_id>/messages")
def send_message(req: Request, participant_id: str) -> Response:
    account = _authenticate(req)
    body = req.json
    if not isinstance(body, dict) or body is INVALID_JSON:
        raise invalid_request("Request body is not valid JSON.", "body", "")
    text = str(body.get("text") or "")
    if not text.strip():
        raise invalid_request("$.text: must not be empty", "text", text)
    if len(text) > TEXT_LIMIT:
        raise invalid_request("$.text: is too long", "text", text)
    other = req.store.account_by_id(NETWORK, participant_id)
    if other is None or participant_id == account["user_id"]:
        raise HTTPError(error(403, "You cannot send messages to this user."))
    with req.store.lock:
        event_id = req.store.next_id(NETWORK)
        conversation = conversation_id(account["user_id"], participant_id)
        data = {
            "sender_id": account["user_id"],
            "participant_ids": sorted([account["user_id"], participant_id], key=int),
            "dm_conversation_id": conversation,
        }
        req.store.add_post(DM_NETWORK, account["handle"], event_id, text, "", data)
    return Response(201, {"data": {"dm_conversation_id": conversation, "dm_event_id": event_id}})


@router.route("GET", "/2/dm_events")
def dm_events(req: Request) -> Response:
    """The user's message events, newest first: ``max_results`` (1–100, default 100),
    ``pagination_token``, ``dm_event.fields``, ``expansions=sender_id`` with ``user.fields``."""
    account = _authenticate(req)
    try:
        max_results = int(req.arg("max_results") or 100)
    except ValueError:
        max_results = 0
    if not 1 <= max_results <= 100:
        raise invalid_request(
            "The `max_results` query parameter value is not between 1 and 100",
            "max_results",
            req.arg("max_results"),
        )
    events = [
        e for e in req.store.posts(DM_NETWORK) if account["user_id"] in e["data"]["participant_ids"]
    ]
    token = req.arg("pagination_token")
    if token and token.isdigit():
        events = [e for e in events if int(e["id"]) < int(token)]
    page = events[:max_results]
    if not page:
        return Response(200, {"meta": {"result_count": 0}})
    fields = set((req.arg("dm_event.fields") or "").split(","))
    meta: dict[str, Any] = {"result_count": len(page)}
    if len(events) > len(page):
        meta["next_token"] = page[-1]["id"]
    body: dict[str, Any] = {"data": [_event(e, fields) for e in page], "meta": meta}
    if "sender_id" in (req.arg("expansions") or "").split(","):
        senders = sorted({e["data"]["sender_id"] for e in page})
        body["includes"] = {"users": [_user(req.store.account_by_id(NETWORK, s)) for s in senders]}
    return Response(200, body)


def _event(event: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    """A DM event: ``id``, ``event_type`` and ``text`` always, the rest when asked for."""
    data = event["data"]
    entity = {"id": event["id"], "event_type": "MessageCreate", "text": event["text"]}
    if "dm_conversation_id" in fields:
        entity["dm_conversation_id"] = data["dm_conversation_id"]
    if "created_at" in fields:
        entity["created_at"] = event["created_at"]
    if "sender_id" in fields:
        entity["sender_id"] = data["sender_id"]
    if "participant_ids" in fields:
        entity["participant_ids"] = data["participant_ids"]
    return entity
