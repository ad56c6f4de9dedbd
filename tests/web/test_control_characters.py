"""A control character (a vertical tab, as Word pastes it) never breaks anything: texts are
cleaned where they enter carecast, and the public feed renders rows stored before that."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.test import Client
from django.utils import timezone

from carecast.automation.parse import FeedItem
from carecast.publishing.models import Publication, State
from carecast.stories.services import save_story


def test_a_story_is_stored_without_control_characters(org, mastodon):
    story = save_story(
        org,
        title="Neuer\x0bMRT",
        text="Ab Montag\x0bim Haus C\x00.",
        channels=[mastodon],
        variant_texts={mastodon.pk: "Mastodon\x0bText\x07"},
    )
    story.refresh_from_db()
    assert story.title == "Neuer\nMRT" and story.text == "Ab Montag\nim Haus C."
    assert story.variants.get().text == "Mastodon\nText"


def test_the_public_feed_renders_a_post_stored_with_a_vertical_tab(org, feed_channel, story_for):
    story = story_for(feed_channel)
    variant = story.variants.get()
    Publication.objects.create(
        variant=variant,
        channel=feed_channel,
        state=State.PUBLISHED,
        due_at=timezone.now(),
        published_at=timezone.now(),
        text="Zeile eins\x0bZeile zwei\x07",  # PostgreSQL refuses NUL itself
    )
    for path in (f"/feeds/{feed_channel.pk}.xml", f"/feeds/{feed_channel.pk}.atom"):
        response = Client().get(path)
        assert response.status_code == 200
        root = ET.fromstring(response.content)  # well-formed XML
        assert "Zeile eins\nZeile zwei" in ET.tostring(root, encoding="unicode")


def test_feed_items_lose_their_control_characters():
    item = FeedItem(guid="1", title="Stroke\x0bUnit\x01", summary="<p>Neu\x0bim Haus</p>")
    assert item.title == "Stroke Unit" and item.summary == "Neu im Haus"
