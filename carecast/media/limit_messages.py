"""A probe against one network's limits, as sentences a comms team can act on.

Each message names the network, what the clip has and what the network takes, and the
way out ("Make a version" on the clip's page makes one that fits; a clip that is too long
must be cut).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from carecast.media.video_limits import VideoLimits, Violation


def duration_text(seconds: float) -> str:
    """1:05 for 65 seconds; 1:02:03 for over an hour."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def size_text(size: int) -> str:
    if size >= 1_000_000_000:
        return f"{size / 1e9:.1f} GB".replace(".", ",")
    return f"{size / 1e6:.0f} MB"


def violations(probe: dict[str, Any], limits: VideoLimits) -> list[Violation]:
    if not probe.get("width") or not probe.get("height"):
        return [Violation("no_video", _("The file holds no picture track."), fixable=False)]
    found = [
        *_duration(probe, limits),
        *_size(probe, limits),
        *_resolution(probe, limits),
        *_aspect(probe, limits),
        *_fps(probe, limits),
        *_codecs(probe, limits),
    ]
    return found


def _duration(probe: dict[str, Any], limits: VideoLimits) -> list[Violation]:
    seconds = float(probe.get("duration") or 0)
    values = {"network": limits.label, "has": duration_text(seconds)}
    if limits.max_seconds and seconds > limits.max_seconds + 0.05:
        values["max"] = duration_text(limits.max_seconds)
        message = _("The video is %(has)s long; %(network)s takes at most %(max)s. Cut it shorter.")
        return [Violation("too_long", message % values, fixable=False)]
    if limits.min_seconds and seconds < limits.min_seconds - 0.05:
        values["min"] = f"{limits.min_seconds:g}"
        message = _("The video is %(has)s long; %(network)s needs at least %(min)s seconds.")
        return [Violation("too_short", message % values, fixable=False)]
    return []


def _size(probe: dict[str, Any], limits: VideoLimits) -> list[Violation]:
    size = int(probe.get("size_bytes") or 0)
    if limits.max_bytes and size > limits.max_bytes:
        message = _(
            "The file is %(has)s; %(network)s takes at most %(max)s. "
            "“Make a version” on the video's page gives a smaller one."
        ) % {"has": size_text(size), "network": limits.label, "max": size_text(limits.max_bytes)}
        return [Violation("too_large", message)]
    return []


def _resolution(probe: dict[str, Any], limits: VideoLimits) -> list[Violation]:
    width, height = int(probe["width"]), int(probe["height"])
    values = {"w": width, "h": height, "network": limits.label}
    too_small = (limits.min_width and width < limits.min_width) or (
        limits.min_height and height < limits.min_height
    )
    too_big = (
        (limits.max_width and width > limits.max_width)
        or (limits.max_height and height > limits.max_height)
        or (limits.max_pixels and width * height > limits.max_pixels)
    )
    if too_small:
        message = _(
            "%(w)d × %(h)d pixels is too small for %(network)s (at least %(min_w)d × %(min_h)d)."
        ) % {**values, "min_w": limits.min_width or 0, "min_h": limits.min_height or 0}
        return [Violation("resolution", message)]
    if too_big:
        message = _(
            "%(w)d × %(h)d pixels is more than %(network)s takes. "
            "“Make a version” on the video's page gives a smaller one."
        )
        return [Violation("resolution", message % values)]
    return []


def _aspect(probe: dict[str, Any], limits: VideoLimits) -> list[Violation]:
    aspect = int(probe["width"]) / int(probe["height"])
    low, high = limits.min_aspect, limits.max_aspect
    if (low and aspect < low - 0.01) or (high and aspect > high + 0.01):
        message = _(
            "The picture's shape (%(has)s) does not suit %(network)s. "
            "“Make a version” on the video's page gives a 9:16 one, cropped or with blurred edges."
        ) % {"has": probe.get("aspect_label") or f"{aspect:.2f}", "network": limits.label}
        return [Violation("aspect", message)]
    return []


def _fps(probe: dict[str, Any], limits: VideoLimits) -> list[Violation]:
    fps = float(probe.get("fps") or 0)
    if not fps:
        return []
    if (limits.max_fps and fps > limits.max_fps + 0.5) or (
        limits.min_fps and fps < limits.min_fps - 0.5
    ):
        message = _(
            "%(fps)s frames per second; %(network)s takes %(range)s. "
            "“Make a version” on the video's page converts it."
        ) % {"fps": f"{fps:g}", "network": limits.label, "range": _fps_range(limits)}
        return [Violation("fps", message)]
    return []


def _fps_range(limits: VideoLimits) -> str:
    if limits.min_fps and limits.max_fps:
        return f"{limits.min_fps:g}–{limits.max_fps:g}"
    if limits.max_fps:
        return _("at most %(n)s") % {"n": f"{limits.max_fps:g}"}
    return _("at least %(n)s") % {"n": f"{limits.min_fps:g}"}


def _codecs(probe: dict[str, Any], limits: VideoLimits) -> list[Violation]:
    found = []
    video, audio = probe.get("video_codec") or "", probe.get("audio_codec") or ""
    if video not in limits.video_codecs or (audio and audio not in limits.audio_codecs):
        message = _(
            "%(network)s does not take this encoding (%(codecs)s). "
            "“Make a version” on the video's page converts it to H.264/AAC."
        ) % {"network": limits.label, "codecs": "/".join(c for c in (video, audio) if c)}
        found.append(Violation("codec", message))
    mime = probe.get("mime_type") or ""
    if mime and mime not in limits.containers and not found:
        message = _(
            "%(network)s does not take %(type)s files. "
            "“Make a version” on the video's page gives an MP4."
        ) % {
            "network": limits.label,
            "type": mime,
        }
        found.append(Violation("container", message))
    return found
