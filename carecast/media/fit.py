"""Making a network's version of a clip with ffmpeg: frame, encoding, captions, no metadata.

The frame comes from the network's row in ``video_limits`` (9:16 for the vertical
networks). A clip of another shape is either cropped around a focus point the person
chose on the preview (0..1 from the left and from the top), or shown whole on a blurred,
enlarged copy of itself ("pad"). The picture is re-encoded to H.264 High (yuv420p, the
profile every network plays) with AAC audio at 48 kHz, the frame rate moved into the
network's range, the bit rate capped so the file stays under the network's size limit,
and the ``moov`` atom placed first so the file plays while it downloads. Captions from an
SRT/VTT file go beside the video as WebVTT where the network takes a caption file, or are
burned into the picture. GPS and every other tag are dropped (``-map_metadata -1``).

What a person must change (a clip that is too long) raises ``Unsuitable`` before any work.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from carecast.media import probe as probing
from carecast.media.video_limits import VideoLimits, check

FFMPEG = shutil.which("ffmpeg") or "ffmpeg"
AUDIO_KBPS = 128
# Space the container and the rate control's overshoot take beyond the video's bit rate.
SIZE_MARGIN = 0.9
MAX_CRF_KBPS = 12_000  # above this a size cap changes nothing for what phones film
MIN_SECONDS = 600.0
MP4_FORMAT = "mov,mp4,m4a,3gp,3g2,mj2"  # ffprobe's format_name of what ``command`` writes
SECONDS_PER_SECOND = 20.0


class Unsuitable(ValueError):
    """The clip cannot be made to fit (too long, too short); the message says what to do."""


@dataclass(frozen=True)
class FitOptions:
    mode: str = "crop"  # "crop" around ``focus`` or "pad" on a blurred copy
    focus: tuple[float, float] = (0.5, 0.5)
    captions: Path | None = None  # an SRT or VTT file
    burn_captions: bool = False  # burn in even where the network takes a caption file
    preset: str = "veryfast"
    crf: int = 23


@dataclass(frozen=True)
class Plan:
    width: int
    height: int
    fps: float | None  # None: keep the source's
    max_kbps: int | None
    filters: str
    burn: bool


@dataclass(frozen=True)
class FitResult:
    path: Path
    probe: dict[str, Any]
    captions: Path | None = None  # the sidecar WebVTT file, when one was made


def make_plan(source: dict[str, Any], limits: VideoLimits, options: FitOptions) -> Plan:
    """What ffmpeg will do to ``source`` (a probe dict) for ``limits``' network."""
    blocking = [v for v in check(source, limits) if not v.fixable]
    if blocking:
        raise Unsuitable(" ".join(v.message for v in blocking))
    if options.mode not in ("crop", "pad"):
        raise ValueError(f"unknown fit mode {options.mode!r}")
    width, height = frame_size(source, limits, options.mode)
    fps = _target_fps(float(source.get("fps") or 0), limits)
    burn = bool(options.captions) and (options.burn_captions or not limits.sidecar_captions)
    filters = _filters(width, height, options, fps, burn)
    return Plan(width, height, fps, _max_kbps(source, limits), filters, burn)


def frame_size(source: dict[str, Any], limits: VideoLimits, mode: str) -> tuple[int, int]:
    """The output frame: the network's shape, no larger than the source's detail allows,
    no smaller than the network's minimum, within its maximum."""
    ratio = limits.fit_width / limits.fit_height
    src_w, src_h = int(source["width"]), int(source["height"])
    # The height at which the source's pixels map one to one into the frame.
    if mode == "crop":
        natural = src_h if src_w / src_h >= ratio else src_w / ratio
    else:
        natural = src_w / ratio if src_w / src_h >= ratio else src_h
    height = min(float(limits.fit_height), natural)
    height = max(height, limits.min_height or 0, (limits.min_width or 0) / ratio)
    if limits.max_pixels:
        height = min(height, (limits.max_pixels / ratio) ** 0.5)
    if limits.max_height:
        height = min(height, limits.max_height)
    if limits.max_width:
        height = min(height, limits.max_width / ratio)
    width = _even(height * ratio)
    return width, _even(height)


def command(src: Path, out: Path, plan: Plan, options: FitOptions) -> list[str]:
    """The ffmpeg command line for ``plan`` (also what the benchmark runs bare)."""
    args = [FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(src)]
    args += ["-map", "0:v:0", "-map", "0:a:0?", "-vf", plan.filters]
    args += ["-c:v", "libx264", "-preset", options.preset, "-crf", str(options.crf)]
    args += ["-profile:v", "high", "-pix_fmt", "yuv420p"]
    if plan.max_kbps:
        args += ["-maxrate", f"{plan.max_kbps}k", "-bufsize", f"{plan.max_kbps * 2}k"]
    args += ["-c:a", "aac", "-b:a", f"{AUDIO_KBPS}k", "-ar", "48000", "-ac", "2"]
    args += ["-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn"]
    args += ["-movflags", "+faststart", "-f", "mp4", str(out)]
    return args


def fit(
    src: Path,
    out: Path,
    limits: VideoLimits,
    options: FitOptions | None = None,
    progress: Callable[[float], None] | None = None,
    *,
    source: dict[str, Any] | None = None,
) -> FitResult:
    """Make ``out`` (MP4) from ``src`` for ``limits``' network; returns its probe.

    ``source`` is ``src``'s probe dict when it is known already (the library's asset keeps
    one); otherwise ``src`` is probed. Raises ``probe.Unreadable`` for a file that is no
    video and ``Unsuitable`` for one that cannot be made to fit. ``progress`` is called
    with 0..1 while ffmpeg works.
    """
    options = options or FitOptions()
    src, out = Path(src).resolve(), Path(out).resolve()  # ffmpeg runs in a scratch folder
    if not source or not source.get("width"):
        source = probing.probe(src)
    with tempfile.TemporaryDirectory(prefix="carecast-fit-") as scratch:
        workdir = Path(scratch)
        captions = _copy_captions(options.captions, workdir)
        plan = make_plan(source, limits, replace(options, captions=captions))
        report = _run(
            command(src, out, plan, options), float(source["duration"]), progress, workdir
        )
        sidecar = None
        if captions and not plan.burn:
            sidecar = out.with_suffix(".vtt")
            _to_webvtt(captions, sidecar)
    result = reported_probe(out, source, plan, report) or probing.probe(out)
    remaining = [v for v in check(result, limits)]
    if remaining:
        raise Unsuitable(" ".join(v.message for v in remaining))
    return FitResult(out, result, sidecar)


def reported_probe(
    out: Path, source: dict[str, Any], plan: Plan, report: dict[str, str]
) -> dict[str, Any] | None:
    """The output's probe dict from what ffmpeg reported at its end and what it was told
    to make, without running ffprobe again (a tenth of a second, a third of the time
    carecast adds to a short clip's encoding). None when the report is incomplete: the
    caller probes the file then.

    ffmpeg's last ``-progress`` block gives the frames written and the output's end time;
    the frame, codecs and container are the command's own (``command``); the size is the
    file's. tests/media/test_fit.py compares this with ffprobe's reading of the file.
    """
    frames = int(report.get("frame") or 0) if report.get("frame", "").isdigit() else 0
    end = report.get("out_time_us", "")
    seconds = int(end) / 1e6 if end.isdigit() else 0.0
    if report.get("progress") != "end" or frames <= 0 or seconds <= 0 or not out.exists():
        return None
    fps = plan.fps or float(source.get("fps") or 0) or frames / seconds
    # Without sound the end time is the last frame's start: the file lasts one frame longer.
    # With sound it is the audio's end with the AAC encoder's padding, up to ~25 ms beyond
    # ffprobe's reading: well inside the limits' 50 ms tolerance (``limit_messages``).
    duration = max(seconds, frames / fps)
    size = out.stat().st_size
    has_audio = bool(source.get("has_audio"))
    return {
        "duration": round(duration, 3),
        "size_bytes": size,
        "width": plan.width,
        "height": plan.height,
        "aspect": round(plan.width / plan.height, 4),
        "aspect_label": probing.aspect_label(plan.width, plan.height),
        "fps": round(fps, 3),
        "video_codec": "h264",
        "audio_codec": "aac" if has_audio else "",
        "has_audio": has_audio,
        "mime_type": "video/mp4",
        "bit_rate": int(size * 8 / duration),
        "rotation": 0,
        "format": MP4_FORMAT,
    }


def time_limit(duration: float) -> float:
    """Seconds ffmpeg may take for a clip of ``duration`` seconds: a 4K clip encodes at a
    few frames per second on two cores, so 20 × its length, and at least 10 minutes."""
    return max(MIN_SECONDS, duration * SECONDS_PER_SECOND)


def _filters(width: int, height: int, options: FitOptions, fps: float | None, burn: bool) -> str:
    fx, fy = (min(max(v, 0.0), 1.0) for v in options.focus)
    if options.mode == "crop":
        chain = (
            f"scale={width}:{height}:force_original_aspect_ratio=increase,"
            f"crop={width}:{height}:(iw-{width})*{fx:.4f}:(ih-{height})*{fy:.4f}"
        )
    else:
        # Blur radius relative to the frame; boxblur refuses radii beyond the chroma plane.
        radius = max(2, min(width, height) // 20)
        chain = (
            f"split=2[bg][fg];[bg]scale={width}:{height}:force_original_aspect_ratio=increase,"
            f"crop={width}:{height},boxblur={radius}:2[blurred];"
            f"[fg]scale={width}:{height}:force_original_aspect_ratio=decrease[front];"
            f"[blurred][front]overlay=(W-w)/2:(H-h)/2"
        )
    chain += ",setsar=1"
    if fps:
        chain += f",fps={fps:g}"
    if burn:
        chain += ",subtitles=captions.srt:force_style='FontSize=18,Outline=1'"
    return chain


def _target_fps(fps: float, limits: VideoLimits) -> float | None:
    if not fps:
        return 30.0 if limits.min_fps else None
    if limits.max_fps and fps > limits.max_fps + 0.5:
        return limits.max_fps if limits.max_fps <= 60 else 60.0
    if limits.min_fps and fps < limits.min_fps - 0.5:
        return 30.0
    return None


def _max_kbps(source: dict[str, Any], limits: VideoLimits) -> int | None:
    duration = float(source.get("duration") or 0)
    if not limits.max_bytes or duration <= 0:
        return None
    kbps = int(limits.max_bytes * 8 * SIZE_MARGIN / duration / 1000) - AUDIO_KBPS
    return max(kbps, 200) if kbps < MAX_CRF_KBPS else None


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def _copy_captions(captions: Path | None, workdir: Path) -> Path | None:
    """Captions as SRT under a fixed name in ``workdir``: the subtitles filter parses its
    argument, so the path it reads must hold no ':' or quote from a user's file name."""
    if captions is None:
        return None
    target = workdir / "captions.srt"
    done = subprocess.run(
        [FFMPEG, "-nostdin", "-loglevel", "error", "-y", "-i", str(captions), str(target)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        raise Unsuitable(_captions_message())
    return target


def _to_webvtt(captions: Path, target: Path) -> None:
    subprocess.run(
        [FFMPEG, "-nostdin", "-loglevel", "error", "-y", "-i", str(captions), str(target)],
        capture_output=True,
        timeout=60,
        check=True,
    )


def _captions_message() -> str:
    from django.utils.translation import gettext as _

    return _("The caption file is not a readable SRT or WebVTT file.")


def _run(
    args: list[str],
    duration: float,
    progress: Callable[[float], None] | None,
    workdir: Path,
) -> dict[str, str]:
    """Run ffmpeg in ``workdir`` (where the captions are), reporting progress as it goes;
    returns ffmpeg's last progress report (``frame``, ``out_time_us``, ``progress=end``).

    A file can make a decoder spin: ffmpeg gets ``time_limit(duration)`` seconds and is
    killed after that, so a worker is never held by one clip for ever.
    """
    args = [*args[:1], "-progress", "pipe:1", "-nostats", *args[1:]]
    report: dict[str, str] = {}
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            args, cwd=workdir, stdout=subprocess.PIPE, stderr=errors, text=True
        )
        watchdog = threading.Timer(time_limit(duration), process.kill)
        watchdog.start()
        try:
            assert process.stdout is not None
            for line in process.stdout:
                key, _, value = line.strip().partition("=")
                report[key] = value
                if key == "out_time_us" and value.isdigit() and progress and duration > 0:
                    progress(min(1.0, int(value) / 1e6 / duration))
            code = process.wait()
        finally:
            watchdog.cancel()
        if code == -signal.SIGKILL:
            raise probing.Unreadable("too_costly")
        if code != 0:
            errors.seek(0)
            raise probing.Unreadable("unreadable", errors.read().decode(errors="replace")[-300:])
    if progress:
        progress(1.0)
    return report
