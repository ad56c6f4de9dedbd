"""Cleaning an image before carecast keeps it: decode, drop EXIF/GPS, encode again.

Photos from phones carry the place they were taken (GPS) and the device in their EXIF data.
The decoding runs in a child process with time and memory limits (``carecast.lib.images``),
since an image is untrusted input to a decoder. Uploads (``web.media``) and the images of
feed items (``automation.images``) both come through here.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from carecast.lib import images

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
