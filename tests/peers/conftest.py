"""Peer hospitals on the sandbox: public profiles with followers and posts with counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


@pytest.fixture
def bluesky_peer(sandbox):
    """A Bluesky account of another hospital: 1,200 followers, three posts, one reply."""

    def make(handle="uniklinik.example", followers=1200, posts=((2, 10, 3, 1), (5, 4, 0, 0))):
        sandbox.add_account(
            "bluesky", handle, "pw", password=f"pw-{handle}", options={"followers_count": followers}
        )
        now = datetime.now(UTC)
        for n, (days_ago, likes, reposts, replies) in enumerate(posts):
            created = (now - timedelta(days=days_ago)).isoformat().replace("+00:00", "Z")
            uri = f"at://did:plc:{handle}/app.bsky.feed.post/{n}"
            record = {"$type": "app.bsky.feed.post", "text": f"Post {n}", "createdAt": created}
            data = {"uri": uri, "record": record, "collection": "app.bsky.feed.post"}
            data.update(
                likeCount=likes, repostCount=reposts, replyCount=replies, created_at=created
            )
            sandbox.store.add_post("bluesky", handle, uri, f"Post {n}", "", data)
        return handle

    return make
