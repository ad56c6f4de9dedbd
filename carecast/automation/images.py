"""The image of a feed item: fetched like the feed (same SSRF guard, smaller limits), no metadata.

Images are fetched when an item is first seen, outside any database transaction, so a
slow image server never holds the database. A missing or broken image is not an error
of the source: the item is simply posted without it.
"""

from __future__ import annotations

import logging
import uuid

from django.core.files.base import ContentFile

from carecast.automation.fetch import FetchError, fetch
from carecast.automation.models import Item, Source
from carecast.stories.images import ACCEPTED, ImageRejected, clean_image
from carecast.stories.models import MediaAsset

log = logging.getLogger(__name__)
MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_IMAGES_PER_POLL = 20  # a feed that suddenly lists 500 images must not stall the worker
IMAGE_TIMEOUT = 10.0


def attach_images(source: Source, items: list[Item]) -> int:
    wanted = [i for i in items if i.image_url and i.image_id is None][:MAX_IMAGES_PER_POLL]
    attached = 0
    for item in wanted:
        asset = fetch_image(source, item)
        if asset is not None:
            Item.objects.filter(pk=item.pk).update(image=asset)
            item.image = asset
            attached += 1
    return attached


def fetch_image(source: Source, item: Item) -> MediaAsset | None:
    try:
        fetched = fetch(
            item.image_url,
            allow_hosts=source.allowed_hosts(),
            max_bytes=MAX_IMAGE_BYTES,
            timeout=IMAGE_TIMEOUT,
        )
        data, image_format, (width, height) = clean_image(fetched.body, item.image_url)
    except (FetchError, ImageRejected) as exc:
        log.info("image of item %s skipped: %s", item.pk, exc)
        return None
    mime_type, extension = ACCEPTED[image_format]
    asset = MediaAsset(
        organisation_id=source.organisation_id,
        kind=MediaAsset.Kind.IMAGE,
        mime_type=mime_type,
        size_bytes=len(data),
        width=width,
        height=height,
        # The feed says nothing about what the picture shows; the title is the best hint
        # until someone writes a real description.
        alt_text=item.title[:300],
        credit=source.name[:200],
    )
    asset.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
    asset.save()
    return asset
