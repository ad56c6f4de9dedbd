"""A received video file becomes a MediaAsset: probed, metadata stripped, poster and thumbnails.

Phones write where a clip was filmed into its container (the ``location`` tag, Apple's
``com.apple.quicktime.location.ISO6709``); a clip from the maternity ward must not say
where the midwife lives. The streams are copied into a new container without any tags
(``-map_metadata -1``): no re-encoding, so the library keeps the original picture and
sound, and the upload with its tags is deleted. Versions for a network are made from
this copy (``media.fit``), in the worker.
"""

from __future__ import annotations

import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.core.files import File
from django.utils.translation import gettext as _

from carecast.media import probe as probing
from carecast.media.fit import FFMPEG
from carecast.media.models import Rendition, Work
from carecast.stories.models import MediaAsset

# What the library keeps, by container; other containers are refused with a clear reason.
CONTAINERS = {"video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm"}
VIDEO_EXTENSIONS = {".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi", ".mpg", ".mpeg", ".3gp"}
MAX_SECONDS = 60 * 60  # a library for social media, not an archive of recorded lectures
POSTER_WIDTH = 1280
THUMB_WIDTH = 320
THUMB_POINTS = (0.1, 0.5, 0.9)


class VideoRejected(ValueError):
    """The file is not a video we accept; the message is for the person who uploaded it."""


def looks_like_video(name: str, content_type: str = "") -> bool:
    """Whether an upload should take the video path (the image path refuses videos)."""
    return content_type.startswith("video/") or Path(name).suffix.lower() in VIDEO_EXTENSIONS


def rejection(code: str, name: str) -> str:
    reasons = {
        "unreadable": _("%(name)s is not a readable video."),
        "no_video": _("%(name)s holds no picture track (only sound?)."),
        "too_costly": _("%(name)s could not be read in time. Please save it again and retry."),
        "container": _("%(name)s: only MP4, MOV and WebM videos."),
        "too_long": _("%(name)s is longer than 60 minutes."),
    }
    return reasons.get(code, reasons["unreadable"]) % {"name": name}


def store_video(path: Path, name: str, organisation, *, uploaded_by=None) -> MediaAsset:
    """Make a MediaAsset of the video at ``path``; raises ``VideoRejected``."""
    try:
        found = probing.probe(path)
    except probing.Unreadable as refused:
        raise VideoRejected(rejection(refused.code, name)) from None
    extension = CONTAINERS.get(found["mime_type"])
    if extension is None:
        raise VideoRejected(rejection("container", name))
    if found["duration"] > MAX_SECONDS:
        raise VideoRejected(rejection("too_long", name))
    with tempfile.TemporaryDirectory(prefix="carecast-video-") as scratch:
        workdir = Path(scratch)
        clean = workdir / f"clip.{extension}"
        try:
            strip_metadata(path, clean)
            cleaned = probing.probe(clean)
        except (subprocess.CalledProcessError, probing.Unreadable):
            raise VideoRejected(rejection("unreadable", name)) from None
        poster, thumbs = make_stills(clean, cleaned, workdir)
        return _save(clean, poster, thumbs, cleaned, organisation, uploaded_by)


def strip_metadata(src: Path, out: Path) -> None:
    """Copy the picture and sound streams into ``out`` without tags or chapters."""
    args = [FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(src)]
    args += ["-map", "0:v:0", "-map", "0:a:0?", "-c", "copy"]
    args += ["-map_metadata", "-1", "-map_chapters", "-1"]
    if out.suffix in (".mp4", ".mov"):
        args += ["-movflags", "+faststart"]
    subprocess.run([*args, str(out)], capture_output=True, check=True, timeout=600)


def make_stills(clip: Path, found: dict[str, Any], workdir: Path) -> tuple[Path, list[Path]]:
    """A poster frame (at one second, or a third in for shorter clips) and small thumbnails."""
    duration = float(found.get("duration") or 0)
    poster = workdir / "poster.jpg"
    _frame(clip, min(1.0, duration / 3), POSTER_WIDTH, poster)
    thumbs = []
    for index, point in enumerate(THUMB_POINTS):
        thumb = workdir / f"thumb{index}.jpg"
        _frame(clip, duration * point, THUMB_WIDTH, thumb)
        if thumb.exists():
            thumbs.append(thumb)
    return poster, thumbs


def _frame(clip: Path, at: float, width: int, out: Path) -> None:
    scale = f"scale='min({width},iw)':-2"
    args = [FFMPEG, "-nostdin", "-loglevel", "error", "-y", "-ss", f"{at:.3f}", "-i", str(clip)]
    args += ["-frames:v", "1", "-vf", scale, "-q:v", "3", str(out)]
    subprocess.run(args, capture_output=True, check=False, timeout=120)


def _save(clip, poster, thumbs, found, organisation, uploaded_by) -> MediaAsset:
    stem = uuid.uuid4().hex
    asset = MediaAsset(
        organisation=organisation,
        kind=MediaAsset.Kind.VIDEO,
        mime_type=found["mime_type"],
        size_bytes=found["size_bytes"],
        width=found["width"],
        height=found["height"],
        probe=found,
        uploaded_by=uploaded_by,
    )
    with clip.open("rb") as handle:
        asset.file.save(f"{stem}{clip.suffix}", File(handle), save=False)
    if poster.exists():
        with poster.open("rb") as handle:
            asset.poster.save(f"{stem}-poster.jpg", File(handle), save=False)
    names = []
    for index, thumb in enumerate(thumbs):
        with thumb.open("rb") as handle:
            names.append(asset.file.storage.save(f"media/thumbs/{stem}-{index}.jpg", handle))
    asset.thumbnails = names
    asset.save()
    return asset


def rendition_for(asset: MediaAsset, network: str) -> Rendition | None:
    """The newest finished version of ``asset`` made for ``network`` (any of its rows:
    YouTube's Shorts row first)."""
    keys = [k for k in (f"{network}_shorts", network)]
    done = asset.renditions.filter(key__in=keys, state=Work.DONE).exclude(file="")
    return done.order_by("-created_at").first()


def media_file(asset: MediaAsset, network: str):
    """What a connector gets for ``asset`` on ``network``: the fitted version when one is
    finished, else the library's file; with the probe, the sidecar captions and the poster."""
    from carecast.networks.base import MediaFile

    if asset.kind != MediaAsset.Kind.VIDEO:
        return MediaFile(Path(asset.file.path), asset.mime_type, asset.alt_text)
    rendition = rendition_for(asset, network)
    poster = Path(asset.poster.path) if asset.poster else None
    if rendition is None:
        return MediaFile(
            Path(asset.file.path), asset.mime_type, asset.alt_text, probe=asset.probe, poster=poster
        )
    captions = Path(rendition.captions.path) if rendition.captions else None
    return MediaFile(
        Path(rendition.file.path),
        "video/mp4",
        asset.alt_text,
        probe=rendition.probe,
        captions=captions,
        poster=poster,
    )
