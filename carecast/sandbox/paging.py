"""Paging of the sandbox's list endpoints, as the networks document theirs.

Every list is of store posts, newest first. A cursor names the last post of a page (its
store ``seq``), so a page does not shift when new posts arrive in between — as the networks'
own cursors behave. Offset-paged lists (LinkedIn's ``start``) do shift, as LinkedIn's do.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from carecast.sandbox.routing import Request


def encode(seq: int) -> str:
    """An opaque cursor, base64 like Meta's (``MTAxNTExOTQ1MjAwNzI5NDE=``)."""
    return base64.urlsafe_b64encode(str(seq).encode()).decode()


def decode(cursor: str) -> int | None:
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode())
    except ValueError:
        return None


def after(posts: list[dict[str, Any]], cursor: str | None) -> list[dict[str, Any]]:
    """The posts older than the one ``cursor`` names (all of them without a cursor)."""
    if not cursor:
        return posts
    seq = decode(cursor)
    return [p for p in posts if seq is not None and p["seq"] < seq]


def graph(
    req: Request, posts: list[dict[str, Any]], default: int, most: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Meta's cursor-based paging (https://developers.facebook.com/docs/graph-api/results):
    ``limit`` and ``after``; ``paging.cursors`` on every page that has items, ``paging.next``
    only while more follow. Returns the page's posts and the ``paging`` object."""
    limit = min(max(int(req.arg("limit") or default), 1), most)
    rest = after(posts, req.arg("after"))
    page = rest[:limit]
    paging: dict[str, Any] = {}
    if page:
        paging["cursors"] = {"before": encode(page[0]["seq"]), "after": encode(page[-1]["seq"])}
    if len(rest) > limit:
        query = {k: v[0] for k, v in req.query.items() if k != "after"}
        query["after"] = paging["cursors"]["after"]
        paging["next"] = f"{req.base_url}{req.path}?{urlencode(query)}"
    return page, paging
