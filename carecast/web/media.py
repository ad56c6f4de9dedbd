"""Accepting uploaded images: check they are images, strip EXIF/GPS, store a MediaAsset.

Photos from phones carry the place they were taken (GPS) and the device in their
EXIF data; a photo from the maternity ward must not tell the world where the
photographer lives. Every image is decoded and saved again from its pixels, which
drops all metadata. (Candidate to move to the stories app as its media service.)
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable, Mapping

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from carecast.stories.models import MediaAsset

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Pillow format → (mime type, file extension)
ACCEPTED = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message is for the person who uploaded it."""


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
    """Decode ``raw`` and encode it again without metadata. Returns (bytes, format, (w, h))."""
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()  # structural check; the image must be reopened afterwards
        image = Image.open(io.BytesIO(raw))
        image_format = image.format or ""
        if image_format not in ACCEPTED:
            raise ImageRejected(
                _("%(name)s: only JPEG, PNG, GIF and WebP images.") % {"name": name}
            )
        if image.width * image.height > MAX_PIXELS:
            raise ImageRejected(_("%(name)s has too many pixels.") % {"name": name})
        return _reencode(image, image_format), image_format, _oriented_size(image)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ImageRejected(_("%(name)s is not a readable image.") % {"name": name}) from exc


def _oriented_size(image: Image.Image) -> tuple[int, int]:
    # EXIF orientation 5–8 swaps width and height once applied.
    if image.getexif().get(0x0112, 1) in (5, 6, 7, 8):
        return image.height, image.width
    return image.width, image.height


def _reencode(image: Image.Image, image_format: str) -> bytes:
    out = io.BytesIO()
    if getattr(image, "is_animated", False):
        # Keep animations; frames carry no EXIF, and ``info`` (comments, XMP) is not passed on.
        image.save(out, format=image_format, save_all=True, loop=image.info.get("loop", 0))
        return out.getvalue()
    # Apply the camera's rotation to the pixels before the EXIF that described it is dropped.
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("P", "PA"):
        upright = upright.convert("RGBA")  # keeps transparency, which a bare paste would lose
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    if image_format == "JPEG":
        if clean.mode not in ("RGB", "L"):
            clean = clean.convert("RGB")
        clean.save(out, format="JPEG", quality=88, optimize=True)
    elif image_format == "PNG":
        clean.save(out, format="PNG", optimize=True)
    elif image_format == "GIF":
        clean.save(out, format="GIF")
    else:
        clean.save(out, format="WEBP", quality=88)
    return out.getvalue()


def update_alt_texts(assets: Iterable[MediaAsset], alt_texts: Mapping[int, str]) -> None:
    """Store the alt texts typed in the composer (one UPDATE for each that changed)."""
    for asset in assets:
        text = alt_texts.get(asset.pk)
        if text is not None:
            MediaAsset.objects.filter(pk=asset.pk).exclude(alt_text=text.strip()).update(
                alt_text=text.strip()
            )
