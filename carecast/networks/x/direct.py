"""X's direct messages for the inbox: read the newest message events, answer privately.

``GET /2/dm_events`` (scope ``dm.read``) lists the account's message events newest first;
X offers no ``since_id`` there, so one page is read and the inbox drops what it stored
before (like Bluesky). A reply goes into the one-to-one conversation with the sender:
``POST /2/dm_conversations/with/:participant_id/messages`` (scope ``dm.write``). X has no
idempotency key for messages: an unknown outcome leaves the reply "unconfirmed", never
re-sent without a person looking.
https://docs.x.com/x-api/direct-messages/lookup/introduction ·
https://docs.x.com/x-api/direct-messages/manage/introduction
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from carecast.networks.base import ConnectorError, PostRequest, PostResult, Reply

DM_PAGE = 50
DM_FIELDS = "id,text,event_type,dm_conversation_id,created_at,sender_id"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class DMEvent(_Model):
    id: str
    event_type: str = "MessageCreate"
    text: str = ""
    dm_conversation_id: str = ""
    created_at: str = ""
    sender_id: str = ""


class Sender(_Model):
    id: str
    username: str = ""


class DMIncludes(_Model):
    users: list[Sender] = []


class DMEvents(_Model):
    data: list[DMEvent] | None = None
    includes: DMIncludes | None = None
    meta: dict[str, Any] | None = None


class DMSent(_Model):
    dm_conversation_id: str
    dm_event_id: str


class DMSentResponse(_Model):
    data: DMSent


class XDirect:
    """Mixed into ``XConnector``: uses its ``_request``, ``_parse`` and account."""

    supports_direct = True

    def fetch_direct_messages(self) -> list[Reply]:
        """Messages others sent the account (``kind="direct"``), newest first."""
        own_id = self.account.remote_user_id or self._me().id  # type: ignore[attr-defined]
        action = "Could not read direct messages"
        params = {
            "max_results": DM_PAGE,
            "event_types": "MessageCreate",
            "dm_event.fields": DM_FIELDS,
            "expansions": "sender_id",
            "user.fields": "username",
        }
        data = self._request("GET", "/2/dm_events", action, params=params)  # type: ignore[attr-defined]
        page = self._parse(DMEvents, data, action)  # type: ignore[attr-defined]
        senders = {u.id: u.username for u in (page.includes.users if page.includes else [])}
        return [
            self._direct(event, senders.get(event.sender_id, ""))
            for event in page.data or []
            if event.event_type == "MessageCreate" and event.sender_id != own_id
        ]

    def _direct(self, event: DMEvent, username: str) -> Reply:
        web = str(self.account.config.get("web_url") or "https://x.com").rstrip("/")  # type: ignore[attr-defined]
        return Reply(
            remote_id=f"dm:{event.id}",
            text=event.text,
            author=username,
            author_id=event.sender_id,
            url=f"{web}/messages/{event.dm_conversation_id}" if event.dm_conversation_id else "",
            created_at=event.created_at,
            kind="direct",
        )

    def send_direct(self, post: PostRequest, recipient_id: str) -> PostResult:
        """Answer in the one-to-one conversation with ``recipient_id``, never in public."""
        if not recipient_id:
            raise ConnectorError("Could not answer privately (X): no sender", permanent=True)
        action = "Could not send the direct message"
        data = self._request(  # type: ignore[attr-defined]
            "POST",
            f"/2/dm_conversations/with/{recipient_id}/messages",
            action,
            creates_post=True,
            json={"text": post.text},
        )
        sent = self._parse(DMSentResponse, data, action, creates_post=True)  # type: ignore[attr-defined]
        web = str(self.account.config.get("web_url") or "https://x.com").rstrip("/")  # type: ignore[attr-defined]
        return PostResult(
            remote_id=f"dm:{sent.data.dm_event_id}",
            url=f"{web}/messages/{sent.data.dm_conversation_id}",
            raw=data,
        )
