from __future__ import annotations

import mimetypes
import re

from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.cache import cache_control

from carecast.rights import media_for, person_required

THUMBS = "media/thumbs/"
RANGE = re.compile(r"bytes=(\d*)-(\d*)")
# A browser asks for "bytes=N-" when it seeks: answer with a piece, it asks for the next.
MAX_RANGE_BYTES = 4 * 2**20


@cache_control(private=True, max_age=3600)
@person_required
def media_file(request, name: str):
    """Uploaded images and videos, for signed-in people who may see them
    (``rights.media_for``): a department editor gets the files of the stories they see and
    their own uploads. A video's poster, thumbnails and versions for the networks come
    with the video.

    Photos may show patients; they are not public until a network publishes them.
    """
    found = Q(file=name) | Q(poster=name) | Q(renditions__file=name)
    found |= Q(renditions__captions=name)
    if name.startswith(THUMBS):
        # Thumbnails are named after their video's random stem (``media.video._save``).
        stem = name[len(THUMBS) :].rsplit("-", 1)[0]
        found |= Q(file__contains=stem) if len(stem) == 32 else Q(pk=None)
    asset = media_for(request.person).filter(found).first()
    if asset is None:
        raise Http404
    if name == asset.file.name:
        content_type = asset.mime_type
    else:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if name.endswith(".vtt"):
            content_type = "text/vtt"
    handle = asset.file.storage.open(name, "rb")
    wanted = _byte_range(request.headers.get("Range", ""), asset.file.storage.size(name))
    if wanted is None:
        response = FileResponse(handle, content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        return response
    return _partial(handle, content_type, *wanted)


def _byte_range(header: str, size: int) -> tuple[int, int, int] | None:
    """``(start, end, size)`` of a single ``bytes=`` range (what a <video> asks for to seek),
    or None for no range, several ranges or one we cannot serve (the whole file then)."""
    match = RANGE.fullmatch(header.strip())
    if not match or size == 0:
        return None
    first, last = match.group(1), match.group(2)
    if first:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    elif last:  # the last N bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        return None
    return (start, end, size) if start <= end else None


def _partial(handle, content_type: str, start: int, end: int, size: int) -> HttpResponse:
    """206 with the asked bytes; ranges are at most a few MB, read in one piece."""
    with handle:
        handle.seek(start)
        body = handle.read(min(end - start + 1, MAX_RANGE_BYTES))
    response = HttpResponse(body, status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{start + len(body) - 1}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response
