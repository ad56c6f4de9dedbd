"""A feed channel publishes into the website's RSS/Atom feed."""

import feedparser
from django.utils import timezone

from carecast.publishing import dispatch, services
from carecast.publishing.models import Publication, State


def test_it_publishes_into_the_channel_feed_exactly_once(client, feed_channel, story_for):
    story = story_for(feed_channel, link="https://klinikum.example/news/mrt")
    publication = services.schedule(story.variants.get(), timezone.now())
    dispatch.publish_one(publication.pk)
    dispatch.publish_one(publication.pk)  # a second worker finds nothing to do
    publication.refresh_from_db()
    assert publication.state == State.PUBLISHED
    assert publication.remote_url.endswith(f"#{publication.idempotency_key}")

    response = client.get(f"/feeds/{feed_channel.pk}.xml")
    assert response["Content-Type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    assert [e.title for e in parsed.entries] == ["Neuer MRT"]
    assert "leiser, schneller" in parsed.entries[0].description
    assert parsed.entries[0].link == "https://klinikum.example/news/mrt"


def test_it_serves_atom_and_leaves_out_unpublished_posts(client, feed_channel, story_for):
    story = story_for(feed_channel)
    services.schedule(story.variants.get(), timezone.now() + timezone.timedelta(days=1))
    parsed = feedparser.parse(client.get(f"/feeds/{feed_channel.pk}.atom").content)
    assert parsed.version == "atom10"
    assert parsed.entries == []
    assert Publication.objects.filter(state=State.SCHEDULED).count() == 1
