"""The inbox on every network the sandbox speaks: read a mention, answer it once."""

from __future__ import annotations

import pytest

from carecast.inbox import fetch, send
from carecast.inbox.models import InboxItem, InboxReply, ReplyState

HANDLES = {"mastodon": "klinikum", "bluesky": "klinikum.bsky.test", "x": "KlinikumMS"}


@pytest.mark.parametrize("network", ["mastodon", "bluesky", "x"])
def test_it_reads_a_mention_and_replies_once(network, channel_on, sandbox, ben):
    channel = channel_on(network, handle=HANDLES[network])
    sandbox.add_mention(network, HANDLES[network], "Wann hat die Cafeteria am Sonntag offen?")
    assert fetch.fetch_channel(channel).new == 1
    assert fetch.fetch_channel(channel).new == 0
    item = InboxItem.objects.get(channel=channel)
    assert "question" in item.labels and item.url
    reply = InboxReply.objects.create(
        item=item, text="Sonntags von 11 bis 17 Uhr.", author=ben.user
    )
    assert send.send(reply.pk) == ReplyState.SENT
    assert send.send(reply.pk) is None
    ours = [p for p in sandbox.posts(network) if p["account"] == HANDLES[network]]
    assert len(ours) == 1 and "11 bis 17 Uhr" in ours[0]["text"]
    assert fetch.fetch_channel(channel).new == 0  # our own answer is not a new comment
