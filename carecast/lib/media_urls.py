"""Signed, expiring public addresses of media files, for networks that fetch media by URL.

Instagram and Threads do not take uploads: they download the image from an address we give
them. The address names the file in a signed token that expires after ``MAX_AGE``, so it can
be neither guessed nor used for long; ``carecast.web.views.public_media`` serves it. Here,
apart from the view, so that connectors (``carecast.networks``) can build addresses without
importing the web layer.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse

SALT = "carecast.public-media"
MAX_AGE = 6 * 3600  # a container is created within minutes; Meta fetches it then


def signed_url(path: Path, base: str = "") -> str:
    """The public address of a file under ``MEDIA_ROOT`` (``ValueError`` if it is elsewhere)."""
    relative = Path(path).resolve().relative_to(Path(settings.MEDIA_ROOT).resolve())
    token = signing.dumps({"p": relative.as_posix()}, salt=SALT, compress=True)
    base = (base or settings.CARECAST_PUBLIC_URL).rstrip("/")
    return base + reverse("public_media", args=[token])


def file_for(token: str) -> Path:
    """The file a token names; ``Http404`` if it is forged, expired or gone."""
    try:
        relative = signing.loads(token, salt=SALT, max_age=MAX_AGE)["p"]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Http404 from exc
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise Http404
    return path
