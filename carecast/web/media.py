"""Accepting uploaded images: check they are images, strip EXIF/GPS, store a MediaAsset.

Photos from phones carry the place they were taken (GPS) and the device in their
EXIF data; a photo from the maternity ward must not tell the world where the
photographer lives. Every image is decoded and saved again from its pixels, which
drops all metadata — in a child process with time and memory limits, since an image
is untrusted input to a decoder (``carecast.lib.images``). (Candidate to move to the
stories app as its media service.)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from carecast.lib import images
from carecast.stories.models import MediaAsset

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ACCEPTED = images.ACCEPTED


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message is for the person who uploaded it."""


def _reasons() -> dict[str, str]:
    return {
        "format": _("%(name)s: only JPEG, PNG, GIF and WebP images."),
        "pixels": _("%(name)s has too many pixels."),
        "frames": _("%(name)s has too many frames (or too many pixels across its frames)."),
        "unreadable": _("%(name)s is not a readable image."),
        "too_costly": _(
            "%(name)s is too large to process safely. Please save it smaller (e.g. 4000 pixels "
            "on the long side) and upload it again."
        ),
    }


def store_image(upload, organisation, *, uploaded_by=None, alt_text: str = "") -> MediaAsset:
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
    )
    asset.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
    asset.save()
    return asset


def clean_image(raw: bytes, name: str = "") -> tuple[bytes, str, tuple[int, int]]:
    """Decode ``raw`` and encode it again without metadata. Returns (bytes, format, (w, h)).

    The decoding runs in a child process with time and memory limits (``carecast.lib.images``).
    """
    try:
        result = images.clean(
            raw,
            seconds=settings.CARECAST_IMAGE_SECONDS,
            memory_bytes=settings.CARECAST_IMAGE_MEMORY_MB * 2**20,
        )
    except images.Refused as refused:
        raise ImageRejected(_reasons()[refused.code] % {"name": name}) from None
    return result.data, result.format, (result.width, result.height)


def update_alt_texts(assets: Iterable[MediaAsset], alt_texts: Mapping[int, str]) -> None:
    """Store the alt texts typed in the composer (one UPDATE for each that changed)."""
    for asset in assets:
        text = alt_texts.get(asset.pk)
        if text is not None:
            MediaAsset.objects.filter(pk=asset.pk).exclude(alt_text=text.strip()).update(
                alt_text=text.strip()
            )
