"""Public RSS/Atom feeds of feed channels, for the hospital website to embed."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from carecast.networks.feed.connector import FeedEntry, render_feed
from carecast.networks.models import Channel
from carecast.publishing.models import Publication, State

FEED_SIZE = 50


def channel_feed(request, channel_id: int, atom: bool = False):
    channel = get_object_or_404(Channel, pk=channel_id, network="feed")
    publications = (
        Publication.objects.filter(channel=channel, state=State.PUBLISHED)
        .select_related("variant__story")
        .order_by("-published_at")[:FEED_SIZE]
    )
    entries = [
        FeedEntry(
            key=p.idempotency_key,
            title=p.variant.story.title,
            text=p.text,
            published=p.published_at,
            link=p.variant.story.link,
        )
        for p in publications
    ]
    body = render_feed(
        title=f"{channel.organisation.name} – {channel.name}",
        feed_url=request.build_absolute_uri(),
        site_url=channel.organisation.website,
        entries=entries,
        atom=atom,
    )
    content_type = "application/atom+xml" if atom else "application/rss+xml"
    return HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
