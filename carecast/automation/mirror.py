"""Another channel as a source: its published posts, made in carecast or outside it.

Posts published through carecast are read from the channel's publications. For Mastodon
the account's statuses are read too, so posts made in the Mastodon app are mirrored as
well. Both use the network's post id as GUID, so a post seen both ways is one item.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from carecast.automation.errors import SourceError
from carecast.automation.models import Source
from carecast.automation.parse import FeedItem
from carecast.networks.base import ConnectorError
from carecast.publishing.models import Publication, State

RECENT = 40


class MirrorError(SourceError):
    """The channel's posts could not be read."""


def items_of(source: Source) -> list[FeedItem]:
    channel = source.channel
    if channel is None:
        raise MirrorError(gettext_noop("This source has no channel."))
    items = {item.guid: item for item in _from_publications(source)}
    if channel.network == "mastodon" and channel.remote_user_id:
        for item in _from_mastodon(source):
            items.setdefault(item.guid, item)
    return list(items.values())


def _from_publications(source: Source) -> list[FeedItem]:
    publications = (
        Publication.objects.filter(channel=source.channel, state=State.PUBLISHED)
        .select_related("variant__story")
        .order_by("-published_at")[:RECENT]
    )
    return [_publication_item(source, p) for p in publications]


def _publication_item(source: Source, publication: Publication) -> FeedItem:
    story = publication.variant.story
    guid = (
        f"{source.channel.network}:{publication.remote_id}"
        if publication.remote_id
        else f"publication:{publication.pk}"
    )
    return FeedItem(
        guid=guid,
        title=story.title,
        summary=story.text or publication.text,
        link=story.link or publication.remote_url,
        published_at=publication.published_at,
    )


def _from_mastodon(source: Source) -> list[FeedItem]:
    connector = source.channel.rules.connector(source.channel.account())
    try:
        statuses = connector.fetch_statuses(RECENT)
    except ConnectorError as exc:
        raise MirrorError(
            gettext_noop("Could not read the channel’s posts: %(error)s"), error=exc
        ) from exc
    finally:
        connector.close()
    items = []
    for status in statuses:
        if status.get("reblog") or status.get("visibility") not in (None, "public", "unlisted"):
            continue  # boosts are someone else's post; private posts stay private
        items.append(
            FeedItem(
                guid=f"mastodon:{status.get('id')}",
                title="",
                summary=str(status.get("content") or ""),
                link=str(status.get("url") or ""),
                categories=[t.get("name", "") for t in status.get("tags") or [] if t.get("name")],
                published_at=status.get("created_at"),
            )
        )
    return items
