"""Accepting uploaded images: check they are images, strip EXIF/GPS, store a MediaAsset.

Photos from phones carry the place they were taken (GPS) and the device in their
EXIF data; a photo from the maternity ward must not tell the world where the
photographer lives. Every image is decoded and saved again from its pixels, which
drops all metadata — in a child process with time and memory limits, since an image
is untrusted input to a decoder (``carecast.lib.images``). The cleaning itself lives in
``carecast.stories.images``, where the automation's feed images use it too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from carecast.stories.images import ACCEPTED, ImageRejected, clean_image
from carecast.stories.models import MediaAsset

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
__all__ = ["ImageRejected", "clean_image", "store_image", "update_alt_texts"]


def store_image(
    upload, organisation, *, uploaded_by=None, alt_text: str = "", draft: bool = False
) -> MediaAsset:
    """Validate ``upload`` (a Django UploadedFile), strip its metadata and save it as a MediaAsset."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ImageRejected(
            _("%(name)s is larger than %(mb)d MB.")
            % {"name": upload.name, "mb": MAX_UPLOAD_BYTES // 2**20}
        )
    data, image_format, size = clean_image(upload.read(), upload.name)
    mime_type, extension = ACCEPTED[image_format]
    asset = MediaAsset(
        organisation=organisation,
        kind=MediaAsset.Kind.IMAGE,
        mime_type=mime_type,
        size_bytes=len(data),
        width=size[0],
        height=size[1],
        alt_text=alt_text.strip(),
        uploaded_by=uploaded_by,
        draft=draft,
    )
    asset.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
    asset.save()
    return asset


def update_alt_texts(assets: Iterable[MediaAsset], alt_texts: Mapping[int, str]) -> None:
    """Store the alt texts typed in the composer (one UPDATE for each that changed)."""
    for asset in assets:
        text = alt_texts.get(asset.pk)
        if text is not None:
            MediaAsset.objects.filter(pk=asset.pk).exclude(alt_text=text.strip()).update(
                alt_text=text.strip()
            )
