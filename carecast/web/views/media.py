from __future__ import annotations

import mimetypes

from django.db.models import Q
from django.http import FileResponse, Http404
from django.views.decorators.cache import cache_control

from carecast.rights import media_for, person_required

THUMBS = "media/thumbs/"


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
        return FileResponse(asset.file.open("rb"), content_type=asset.mime_type)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith(".vtt"):
        content_type = "text/vtt"
    return FileResponse(asset.file.storage.open(name, "rb"), content_type=content_type)
