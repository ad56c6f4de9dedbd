"""Reading a video file with ffprobe: what it holds, as a plain dict stored on the asset.

ffprobe is run with a time limit: a file is untrusted input to a decoder, and a broken
one must end in a clear refusal, never a hung request or worker.

The probe dict (JSON, stored in ``MediaAsset.probe``): ``duration`` (s), ``size_bytes``,
``width``/``height`` (as displayed, after the camera's rotation), ``aspect`` (w/h),
``aspect_label`` ("9:16"), ``fps``, ``video_codec``, ``audio_codec`` ("" when silent),
``has_audio``, ``mime_type``, ``bit_rate``, ``rotation``, ``format``.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path
from typing import Any

FFPROBE = shutil.which("ffprobe") or "ffprobe"
SECONDS = 60.0

# Only what ``summarise`` reads: ffprobe then skips formatting the rest (tags of every
# stream, codec private data), which is most of its output for a phone's clip.
ENTRIES = ":".join(
    [
        "format=duration,format_name,bit_rate",
        "format_tags=major_brand",
        "stream=codec_type,codec_name,width,height,avg_frame_rate,r_frame_rate,duration",
        "stream_disposition=attached_pic",
        "stream_tags=rotate",
        "stream_side_data=rotation",
    ]
)
# ffprobe's format_name → the mime type networks expect
MIME_TYPES = {
    "mov,mp4,m4a,3gp,3g2,mj2": "video/mp4",
    "matroska,webm": "video/webm",
    "mpeg": "video/mpeg",
    "avi": "video/x-msvideo",
}
# Container brands that make an ISO file a QuickTime .mov rather than an MP4
QUICKTIME_BRANDS = {"qt  "}


class Unreadable(ValueError):
    """Not a video we can read; ``code`` says why (``unreadable``, ``no_video``, ``too_costly``)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail


def probe(path: Path | str, *, seconds: float = SECONDS) -> dict[str, Any]:
    """The probe dict of the file at ``path``; raises ``Unreadable``."""
    path = Path(path)
    try:
        done = subprocess.run(
            [FFPROBE, "-v", "error", "-print_format", "json", "-show_entries", ENTRIES, str(path)],
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise Unreadable("too_costly") from None
    if done.returncode != 0:
        raise Unreadable("unreadable", done.stderr.decode(errors="replace")[-300:])
    try:
        data = json.loads(done.stdout)
    except ValueError:
        raise Unreadable("unreadable") from None
    return summarise(data, path.stat().st_size)


def summarise(data: dict[str, Any], size_bytes: int) -> dict[str, Any]:
    """The probe dict from ffprobe's JSON (``-show_entries ENTRIES``, or all of
    ``-show_format -show_streams``)."""
    streams = data.get("streams") or []
    fmt = data.get("format") or {}
    video = _first(streams, "video")
    if video is None:
        raise Unreadable("no_video")
    audio = _first(streams, "audio")
    rotation = _rotation(video)
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if rotation in (90, 270):
        width, height = height, width
    if not width or not height:
        raise Unreadable("unreadable")
    duration = _number(fmt.get("duration")) or _number(video.get("duration"))
    return {
        "duration": round(duration, 3),
        "size_bytes": size_bytes,
        "width": width,
        "height": height,
        "aspect": round(width / height, 4),
        "aspect_label": aspect_label(width, height),
        "fps": round(_fps(video), 3),
        "video_codec": video.get("codec_name") or "",
        "audio_codec": (audio or {}).get("codec_name") or "",
        "has_audio": audio is not None,
        "mime_type": _mime(fmt),
        "bit_rate": int(_number(fmt.get("bit_rate"))),
        "rotation": rotation,
        "format": fmt.get("format_name") or "",
    }


def aspect_label(width: int, height: int) -> str:
    """ "16:9", "9:16", "1:1"; other shapes reduced to small numbers ("4:5")."""
    ratio = Fraction(width, height).limit_denominator(20)
    return f"{ratio.numerator}:{ratio.denominator}"


def _first(streams: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    for stream in streams:
        # Cover art in an MP4/MP3 is a "video" stream of one picture: not a picture track.
        attached = (stream.get("disposition") or {}).get("attached_pic")
        if stream.get("codec_type") == kind and not attached:
            return stream
    return None


def _rotation(video: dict[str, Any]) -> int:
    """Phones store portrait clips as landscape with a rotation: width and height swap."""
    for side in video.get("side_data_list") or []:
        if "rotation" in side:
            return int(_number(side["rotation"])) % 360
    rotate = (video.get("tags") or {}).get("rotate")
    return int(_number(rotate)) % 360 if rotate else 0


def _fps(video: dict[str, Any]) -> float:
    for key in ("avg_frame_rate", "r_frame_rate"):
        try:
            value = Fraction(video.get(key) or "0/1")
        except (ValueError, ZeroDivisionError):
            continue
        if value > 0:
            return float(value)
    return 0.0


def _mime(fmt: dict[str, Any]) -> str:
    name = fmt.get("format_name") or ""
    brand = ((fmt.get("tags") or {}).get("major_brand") or "").ljust(4)
    if name.startswith("mov,") and brand in QUICKTIME_BRANDS:
        return "video/quicktime"
    return MIME_TYPES.get(name, "application/octet-stream")


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0
