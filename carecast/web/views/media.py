from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control

from carecast.rights import media_for, person_required


@cache_control(private=True, max_age=3600)
@person_required
def media_file(request, name: str):
    """Uploaded images, for signed-in people who may see them (``rights.media_for``):
    a department editor gets the files of the stories they see and their own uploads.

    Photos may show patients; they are not public until a network publishes them.
    """
    asset = get_object_or_404(media_for(request.person), file=name)
    return FileResponse(asset.file.open("rb"), content_type=asset.mime_type)
