"""Comments from a network arrive without control characters."""

from __future__ import annotations

from carecast.inbox import fetch
from carecast.inbox.models import InboxItem


def test_a_comment_with_control_characters_is_stored_clean(mastodon, comment):
    comment("Wann ist\x0bBesuchszeit?\x00")
    fetch.fetch_channel(mastodon)
    assert InboxItem.objects.get().text.endswith("Wann ist\nBesuchszeit?")
