"""What people (and the worker) do with videos: process an upload, request and make a fit.

Views call ``request_fit``; the worker runs ``process_upload`` and ``run_rendition``.
Each moves its row's state with a conditional UPDATE, so a task delivered twice does the
work once.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import uuid
from functools import partial
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.core import audit
from carecast.media import fit as fitting
from carecast.media import probe as probing
from carecast.media import uploads
from carecast.media.models import Rendition, Upload, Work
from carecast.media.video import VideoRejected, rejection, store_video
from carecast.media.video_limits import LIMITS
from carecast.stories.models import MediaAsset
from carecast.stories.services import drop_abandoned_drafts

log = logging.getLogger(__name__)
PROGRESS_STEP = 0.05  # write progress in 5 % steps, not for every ffmpeg report
ABANDONED = dt.timedelta(hours=24)  # an upload nobody continued for a day
# Work claimed this long ago and not finished: its worker was killed (a 60-minute 4K clip
# takes well under this on two cores).
STUCK = dt.timedelta(hours=6)


def process_upload(upload_id: str) -> Upload:
    """Turn a complete upload into a video asset, or record why not (in the person's words)."""
    upload = Upload.objects.select_related("organisation", "uploaded_by").get(pk=upload_id)
    if upload.state != Work.RUNNING or upload.asset_id:
        return upload
    path = uploads.part_path(upload)
    try:
        asset = store_video(
            path, upload.filename, upload.organisation, uploaded_by=upload.uploaded_by
        )
    except VideoRejected as exc:
        Upload.objects.filter(pk=upload.pk).update(state=Work.FAILED, error=str(exc))
    else:
        Upload.objects.filter(pk=upload.pk).update(state=Work.DONE, asset=asset)
        audit.record(
            upload.organisation,
            "media.uploaded",
            upload.filename,
            actor=upload.uploaded_by,
            asset=asset.pk,
        )
    finally:
        path.unlink(missing_ok=True)  # the upload still carries its GPS tags
    upload.refresh_from_db()
    return upload


def request_fit(
    asset: MediaAsset,
    key: str,
    *,
    mode: str = Rendition.Mode.CROP,
    focus: tuple[float, float] = (0.5, 0.5),
    captions=None,
    burn_captions: bool = False,
    actor=None,
) -> Rendition:
    """Ask the worker for ``asset``'s version for ``key`` (a row of ``video_limits``)."""
    if key not in LIMITS:
        raise ValueError(f"no video limits for {key!r}")
    if asset.kind != MediaAsset.Kind.VIDEO:
        raise ValueError("only videos are fitted")
    fx, fy = (min(max(float(v), 0.0), 1.0) for v in focus)
    with transaction.atomic():
        MediaAsset.objects.filter(pk=asset.pk).update(focus_x=fx, focus_y=fy)
        rendition = Rendition(
            asset=asset,
            key=key,
            mode=mode,
            focus_x=fx,
            focus_y=fy,
            burn_captions=burn_captions,
            requested_by=actor,
        )
        if captions is not None:
            rendition.source_captions.save(
                f"{uuid.uuid4().hex}{Path(captions.name).suffix.lower()[:5]}", captions, save=False
            )
        rendition.save()
        audit.record(
            asset.organisation,
            "media.fit_requested",
            str(asset),
            actor=actor,
            asset=asset.pk,
            network=key,
            mode=mode,
        )
        transaction.on_commit(lambda: _enqueue(rendition.pk))
    return rendition


def _enqueue(rendition_id: int) -> None:
    from carecast.media import tasks

    tasks.fit_rendition(rendition_id)


def run_rendition(rendition_id: int) -> Rendition:
    """Make the version (the worker's half of ``request_fit``)."""
    claimed = Rendition.objects.filter(pk=rendition_id, state=Work.WAITING).update(
        state=Work.RUNNING, progress=0.0
    )
    rendition = Rendition.objects.select_related("asset").get(pk=rendition_id)
    if not claimed:
        return rendition
    try:
        _make(rendition)
    except (probing.Unreadable, fitting.Unsuitable) as exc:
        message = str(exc) if isinstance(exc, fitting.Unsuitable) else _unreadable(rendition, exc)
        _finish(rendition, Work.FAILED, error=message)
    except Exception:  # noqa: BLE001 — the page must not show "running" for ever
        log.exception("fitting rendition %s failed", rendition_id)
        _finish(rendition, Work.FAILED, error=_("The video could not be converted."))
    rendition.refresh_from_db()
    return rendition


def _make(rendition: Rendition) -> None:
    asset = rendition.asset
    options = fitting.FitOptions(
        mode=rendition.mode,
        focus=(rendition.focus_x, rendition.focus_y),
        captions=Path(rendition.source_captions.path) if rendition.source_captions else None,
        burn_captions=rendition.burn_captions,
    )
    with tempfile.TemporaryDirectory(prefix="carecast-rendition-") as scratch:
        out = Path(scratch) / "fitted.mp4"
        result = fitting.fit(
            Path(asset.file.path),
            out,
            LIMITS[rendition.key],
            options,
            progress=_progress_writer(rendition.pk),
            source=asset.probe,  # probed when it was stored: no second ffprobe here
        )
        stem = f"{uuid.uuid4().hex}-{rendition.key}"
        with out.open("rb") as handle:
            rendition.file.save(f"{stem}.mp4", File(handle), save=False)
        if result.captions:
            with result.captions.open("rb") as handle:
                rendition.captions.save(f"{stem}.vtt", File(handle), save=False)
    Rendition.objects.filter(pk=rendition.pk).update(
        file=rendition.file.name, captions=rendition.captions.name or ""
    )
    _finish(rendition, Work.DONE, probe=result.probe, progress=1.0)


def _progress_writer(rendition_id: int):
    last = [0.0]

    def write(fraction: float) -> None:
        if fraction - last[0] >= PROGRESS_STEP:
            last[0] = fraction
            Rendition.objects.filter(pk=rendition_id).update(progress=round(fraction, 3))

    return write


def _finish(rendition: Rendition, state: str, **fields) -> None:
    Rendition.objects.filter(pk=rendition.pk).update(
        state=state, finished_at=timezone.now(), **fields
    )


def _unreadable(rendition: Rendition, exc) -> str:
    return rejection(getattr(exc, "code", "unreadable"), str(rendition.asset))


def tidy(now: dt.datetime | None = None) -> dict[str, int]:
    """Hourly: drop abandoned uploads (their pieces may carry GPS tags) and hand work a
    killed worker left half done to a worker again. Returns what it did, for the log."""
    now = now or timezone.now()
    abandoned = list(Upload.objects.filter(state=Work.WAITING, updated_at__lt=now - ABANDONED))
    for upload in abandoned:
        uploads.part_path(upload).unlink(missing_ok=True)
    Upload.objects.filter(pk__in=[u.pk for u in abandoned]).delete()
    drafts = drop_abandoned_drafts(now - ABANDONED)
    stuck_uploads = Upload.objects.filter(
        state=Work.RUNNING, asset=None, updated_at__lt=now - STUCK
    )
    for upload in stuck_uploads:
        transaction.on_commit(partial(_enqueue_upload, str(upload.pk)))
    stuck = list(
        Rendition.objects.filter(state=Work.RUNNING, created_at__lt=now - STUCK).values_list(
            "pk", flat=True
        )
    )
    Rendition.objects.filter(pk__in=stuck, state=Work.RUNNING).update(
        state=Work.WAITING, progress=0.0
    )
    for pk in stuck:
        transaction.on_commit(partial(_enqueue, pk))
    return {
        "abandoned": len(abandoned),
        "drafts": drafts,
        "uploads": len(stuck_uploads),
        "renditions": len(stuck),
    }


def _enqueue_upload(upload_id: str) -> None:
    from carecast.media import tasks

    tasks.process_upload(upload_id)
