"""Video in the library and the composer: chunked uploads, fitting to a network, the states.

Thin: the work is in ``carecast.media`` (uploads, services) and runs in the worker; these
views take pieces, answer with JSON the upload script reads, and render the fragments
the pages poll.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carecast.media import uploads
from carecast.media.models import Rendition, Upload, Work
from carecast.media.services import request_fit
from carecast.media.video_limits import LIMITS
from carecast.rights import person_required, require_publisher
from carecast.web.views.media_library import _asset

CAPTION_SUFFIXES = (".srt", ".vtt")
MAX_CAPTION_BYTES = 1_000_000


def _own_upload(request, upload_id) -> Upload:
    """Only the person who started an upload can continue it or read its state."""
    return get_object_or_404(
        Upload,
        pk=upload_id,
        uploaded_by=request.user,
        organisation=request.person.organisation,
    )


@require_POST
@person_required
def upload_start(request):
    """Open a chunked upload: ``name`` and ``size`` (bytes) in the form."""
    require_publisher(request.person)
    try:
        size = int(request.POST.get("size", ""))
    except ValueError:
        return JsonResponse({"error": _("The file size is missing.")}, status=400)
    try:
        upload = uploads.start(
            request.person.organisation, request.user, request.POST.get("name", ""), size
        )
    except uploads.UploadError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({**uploads.status(upload), "chunk": uploads.CHUNK_BYTES}, status=201)


@require_http_methods(["GET", "PUT"])
@person_required
def upload_piece(request, upload_id):
    """GET: how much arrived (to resume). PUT: the next piece, its start in ``X-Upload-Offset``."""
    require_publisher(request.person)
    upload = _own_upload(request, upload_id)
    if request.method == "GET":
        return JsonResponse(uploads.status(upload))
    try:
        offset = int(request.headers.get("X-Upload-Offset", ""))
    except ValueError:
        return JsonResponse({"error": "X-Upload-Offset missing"}, status=400)
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > uploads.CHUNK_BYTES:
        return JsonResponse({"error": "piece larger than the chunk size"}, status=413)
    try:
        # Not request.body: Django refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
        # there; the piece's size is capped just above instead.
        uploads.append(upload, offset, request.read(length))
    except uploads.OutOfStep as exc:
        return JsonResponse({**uploads.status(upload), "received": exc.received}, status=409)
    except uploads.UploadError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(uploads.status(upload))


@require_POST
@person_required
def upload_finish(request, upload_id):
    require_publisher(request.person)
    upload = _own_upload(request, upload_id)
    try:
        uploads.finish(upload)
    except uploads.OutOfStep as exc:
        return JsonResponse({**uploads.status(upload), "received": exc.received}, status=409)
    return JsonResponse(uploads.status(upload))


@require_GET
@person_required
def upload_item(request, upload_id):
    """The composer's media line for a finished upload (poster, alt text, remove)."""
    upload = _own_upload(request, upload_id)
    media = [upload.asset] if upload.state == Work.DONE and upload.asset else []
    errors = [upload.error] if upload.state == Work.FAILED else []
    html = render_to_string(
        "web/composer/_media_items.html", {"media": media, "errors": errors}, request
    )
    return HttpResponse(html)


@require_POST
@person_required
def fit(request, asset_id: int):
    """Ask the worker for the asset's version for one network."""
    require_publisher(request.person)
    asset = _asset(request.person, asset_id)
    key = request.POST.get("network", "")
    mode = request.POST.get("mode", Rendition.Mode.CROP)
    if key not in LIMITS or mode not in Rendition.Mode.values or asset.kind != "video":
        messages.error(request, _("Choose a network and how the picture should fit."))
        return redirect("web:media_asset", asset_id=asset.pk)
    captions = request.FILES.get("captions")
    if captions is not None and not _captions_ok(captions):
        messages.error(request, _("Captions: an SRT or WebVTT file of at most 1 MB."))
        return redirect("web:media_asset", asset_id=asset.pk)
    request_fit(
        asset,
        key,
        mode=mode,
        focus=(_fraction(request.POST.get("focus_x")), _fraction(request.POST.get("focus_y"))),
        captions=captions,
        burn_captions=request.POST.get("burn") == "on",
        actor=request.user,
    )
    messages.success(
        request,
        _("The version for %(network)s is being made. You can leave this page.")
        % {"network": LIMITS[key].label},
    )
    return redirect("web:media_asset", asset_id=asset.pk)


@require_GET
@person_required
def renditions(request, asset_id: int):
    """The list of versions and their states; polled while one is being made."""
    asset = _asset(request.person, asset_id)
    return render(request, "web/media/_renditions.html", renditions_context(asset))


def renditions_context(asset) -> dict:
    versions = list(asset.renditions.all()[:20])
    return {
        "asset": asset,
        "renditions": [(r, LIMITS.get(r.key)) for r in versions],
        "working": any(r.state in (Work.WAITING, Work.RUNNING) for r in versions),
    }


def _captions_ok(upload) -> bool:
    name = (upload.name or "").lower()
    return name.endswith(CAPTION_SUFFIXES) and upload.size <= MAX_CAPTION_BYTES


def _fraction(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.5
    return min(max(number, 0.0), 1.0)


def video_context(asset) -> dict:
    """The asset page's video part: does the original fit each network, the fit form's
    choices, and the versions made so far."""
    from carecast.media.limit_messages import duration_text
    from carecast.media.video_limits import check

    probe = asset.probe or {}
    fits = [(row.label, check(probe, row) if probe else []) for row in LIMITS.values()]
    return {
        "duration": duration_text(float(probe.get("duration") or 0)),
        "fits": fits,
        "choices": [(key, row.label) for key, row in LIMITS.items()],
        **{k: v for k, v in renditions_context(asset).items() if k != "asset"},
    }
