"""Media files at unguessable, expiring, signed addresses, for networks that fetch them.

Instagram and Threads do not take uploads: they download each image from a public URL
(https://developers.facebook.com/docs/instagram-platform/content-publishing). The address
carries a signed, timestamped token naming the file under ``MEDIA_ROOT``; it works for
``MAX_AGE`` seconds and cannot be guessed or altered. No sign-in: the network fetches it.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404
from django.urls import reverse
from django.views.decorators.http import require_GET

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


@require_GET
def serve(request, token: str):
    """Send the file; never listed, never cached by shared caches."""
    response = FileResponse(file_for(token).open("rb"))
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
