"""Receiving a large file in chunks, resumable, and handing it to the worker.

A browser sends a clip in pieces of ``CHUNK_BYTES`` (each one short request, so a 2 GB file
never meets a proxy's request timeout). Each piece says where it starts; one that does
not start where the received bytes end is refused with the count we hold, and the browser
continues from there — after a lost connection, a reload or a second tab alike. When the
last byte is in, ``finish`` enqueues ``tasks.process_upload``: probing, stripping the
metadata and making the poster happen in the worker, not in the request.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from carecast.media.models import Upload, Work

CHUNK_BYTES = 8 * 2**20
MAX_BYTES = 4 * 1024**3  # TikTok's and Instagram's limits are below; YouTube's far above


class UploadError(ValueError):
    """A request that cannot be taken; the message is for the person uploading."""


class OutOfStep(UploadError):
    """The piece does not continue the file; ``received`` is where to go on from."""

    def __init__(self, received: int) -> None:
        super().__init__(f"expected offset {received}")
        self.received = received


def incoming_dir() -> Path:
    """Where pieces collect: beside the media folder, never served by the web server."""
    path = Path(settings.MEDIA_ROOT).parent / "incoming"
    path.mkdir(parents=True, exist_ok=True)
    return path


def part_path(upload: Upload) -> Path:
    return incoming_dir() / f"{upload.pk}.part"


def start(organisation, user, filename: str, size: int) -> Upload:
    """Open an upload of ``size`` bytes; raises ``UploadError`` for an empty or huge file."""
    name = Path(filename or "video").name[:200]
    if size <= 0:
        raise UploadError(_("%(name)s is empty.") % {"name": name})
    if size > MAX_BYTES:
        raise UploadError(
            _("%(name)s is larger than %(gb)d GB.") % {"name": name, "gb": MAX_BYTES // 1024**3}
        )
    upload = Upload.objects.create(
        organisation=organisation, uploaded_by=user, filename=name, size_bytes=size
    )
    part_path(upload).write_bytes(b"")
    return upload


def append(upload: Upload, offset: int, data: bytes) -> int:
    """Write ``data`` at ``offset``; returns the bytes received so far.

    Raises ``OutOfStep`` unless ``offset`` is exactly where the received bytes end (a
    repeated piece after a lost answer is therefore harmless: it is refused, not doubled).
    """
    with transaction.atomic():
        # The row lock keeps two tabs sending the same file from interleaving their pieces.
        current = Upload.objects.select_for_update().get(pk=upload.pk)
        if current.state != Work.WAITING:
            raise UploadError(_("This upload is already complete."))
        if offset != current.received:
            raise OutOfStep(current.received)
        if current.received + len(data) > current.size_bytes:
            raise UploadError(_("More bytes than announced."))
        path = part_path(current)
        with path.open("r+b") as handle:
            handle.truncate(offset)  # bytes of a piece whose request died half-way
            handle.seek(offset)
            handle.write(data)
        Upload.objects.filter(pk=upload.pk).update(received=F("received") + len(data))
    upload.refresh_from_db()
    return upload.received


def finish(upload: Upload) -> None:
    """All bytes are in: the worker makes the asset (``tasks.process_upload``)."""
    from carecast.media import tasks

    if not upload.complete:
        raise OutOfStep(upload.received)
    moved = Upload.objects.filter(pk=upload.pk, state=Work.WAITING).update(state=Work.RUNNING)
    if moved:
        transaction.on_commit(lambda: tasks.process_upload(str(upload.pk)))
    upload.refresh_from_db()


def from_file(organisation, user, uploaded) -> Upload:
    """A video that came with a plain form (no JavaScript): stored whole, then processed."""
    upload = start(organisation, user, uploaded.name, uploaded.size)
    with part_path(upload).open("wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    Upload.objects.filter(pk=upload.pk).update(received=uploaded.size)
    upload.refresh_from_db()
    finish(upload)
    return upload


def status(upload: Upload) -> dict:
    """What the page shows while it polls."""
    return {
        "id": str(upload.pk),
        "state": upload.state,
        "received": upload.received,
        "size": upload.size_bytes,
        "error": upload.error,
        "asset": upload.asset_id,
    }
