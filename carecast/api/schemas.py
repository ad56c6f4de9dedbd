from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class CountIn(Schema):
    text: str = Field(..., max_length=50_000)
    channels: list[int] = Field(..., max_length=100)
    media: list[int] = Field(default_factory=list, max_length=20, description="Media asset ids")


class ProblemOut(Schema):
    code: str
    message: str
    blocking: bool


class CountOut(Schema):
    channel: int
    name: str
    network: str
    used: int
    limit: int
    remaining: int
    fits: bool
    problems: list[ProblemOut]
    facets: list[dict[str, Any]] | None = Field(
        None, description="Bluesky rich-text facets (Bluesky channels only)"
    )


class PublicationOut(Schema):
    id: int
    url: str
    story: str
    channel: int
    channel_name: str
    network: str
    sandbox: bool
    state: str
    state_label: str
    due_at: dt.datetime | None
    due_note: str
    remote_url: str


class ErrorOut(Schema):
    detail: str
