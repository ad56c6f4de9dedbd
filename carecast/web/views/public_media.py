"""Media files at unguessable, expiring, signed addresses, for networks that fetch them.

Instagram and Threads do not take uploads: they download each image from a public URL
(https://developers.facebook.com/docs/instagram-platform/content-publishing). The address
carries a signed, timestamped token naming the file under ``MEDIA_ROOT``
(``carecast.lib.media_urls``); it works for ``MAX_AGE`` seconds and cannot be guessed or
altered. No sign-in: the network fetches it.
"""

from __future__ import annotations

from django.http import FileResponse
from django.views.decorators.http import require_GET

from carecast.lib.media_urls import MAX_AGE, SALT, file_for, signed_url

__all__ = ["MAX_AGE", "SALT", "file_for", "serve", "signed_url"]


@require_GET
def serve(request, token: str):
    """Send the file; never listed, never cached by shared caches."""
    response = FileResponse(file_for(token).open("rb"))
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
