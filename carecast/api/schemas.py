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


class FieldErrorOut(Schema):
    field: str
    message: str


class ApiErrorOut(Schema):
    """The one shape of every error the API answers with."""

    code: str = Field(..., description="Stable, for scripts: not_found, forbidden, invalid…")
    detail: str = Field(..., description="For people, in the request's language")
    fields: list[FieldErrorOut] = Field(default_factory=list)


class ChannelOut(Schema):
    id: int
    name: str
    network: str
    handle: str
    status: str
    sandbox: bool
    department: int | None


class ChannelPage(Schema):
    items: list[ChannelOut]
    next: str | None = Field(None, description="Pass as ?cursor= for the next page")


class PostOut(Schema):
    id: int
    story: int
    story_title: str
    channel: int
    network: str
    state: str
    state_label: str
    due_at: dt.datetime | None
    published_at: dt.datetime | None
    remote_url: str
    error: str


class PostPage(Schema):
    items: list[PostOut]
    next: str | None = None


class StoryIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    text: str = Field(..., min_length=1, max_length=50_000)
    channels: list[int] = Field(..., min_length=1, max_length=50)
    link: str = Field("", max_length=1000)
    hashtags: str = Field("", max_length=500)
    media: list[int] = Field(default_factory=list, max_length=20)
    texts: dict[int, str] = Field(
        default_factory=dict, description="Own text for a channel, by channel id"
    )
    due_at: dt.datetime | None = Field(
        None, description="Schedule every post for this time; without it the story stays a draft"
    )


class StoryOut(Schema):
    id: int
    title: str
    posts: list[PostOut]


class InboxItemOut(Schema):
    id: int
    channel: int
    kind: str
    author: str
    text: str
    url: str
    received_at: dt.datetime
    status: str
    emergency: bool


class InboxPage(Schema):
    items: list[InboxItemOut]
    next: str | None = None
