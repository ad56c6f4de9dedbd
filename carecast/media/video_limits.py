"""Every network's video limits in one table, each number with the page it comes from.

Networks change these numbers; when one does, change the row and its source here and
nowhere else. ``check`` compares a probe (``carecast.media.probe``) with a row and says,
in words a comms team understands, what does not fit; ``live`` lays the limits a server
publishes itself (a Mastodon instance's ``configuration.media_attachments``, TikTok's
``creator_info``) over the row. ``fit`` reads ``fit_width``/``fit_height`` as the frame
it makes for the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

MB = 1_000_000
MIB = 2**20
GB = 1_000_000_000

MASTODON_MEDIA = "https://github.com/mastodon/mastodon/blob/main/app/models/media_attachment.rb"
MASTODON_INSTANCE = "https://docs.joinmastodon.org/entities/Instance/#media_attachments"
BLUESKY_VIDEO = "https://bsky.social/about/blog/03-12-2025-video-upload"
BLUESKY_TUTORIAL = "https://docs.bsky.app/docs/tutorials/video"
X_MEDIA = (
    "https://developer.x.com/en/docs/x-api/v1/media/upload-media/uploading-media/"
    "media-best-practices"
)
FACEBOOK_VIDEO = "https://developers.facebook.com/docs/video-api/guides/publishing"
FACEBOOK_SPECS = "https://www.facebook.com/help/218673814818907"
INSTAGRAM_REELS = (
    "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/"
    "ig-user/media#reel-specifications"
)
THREADS_VIDEO = "https://developers.facebook.com/docs/threads/overview#video-specifications"
LINKEDIN_VIDEO = (
    "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api"
)
TIKTOK_MEDIA = "https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide"
TIKTOK_CREATOR = (
    "https://developers.tiktok.com/doc/content-posting-api-reference-query-creator-info"
)
YOUTUBE_UPLOAD = "https://support.google.com/youtube/answer/71673"
YOUTUBE_ENCODING = "https://support.google.com/youtube/answer/1722171"
YOUTUBE_SHORTS = "https://support.google.com/youtube/answer/15424877"

H264 = "h264"
AAC = "aac"


@dataclass(frozen=True)
class VideoLimits:
    """What one network (or one of its formats: Shorts, Reels) accepts as a video.

    ``None`` means the network names no such limit. Aspect ratios are width / height.
    ``sources`` maps each limit's field name to the page the number comes from.
    """

    key: str  # "youtube_shorts"; the registry name for a network's only row
    network: str  # registry name (carecast.networks.registry)
    label: str
    max_bytes: int | None = None
    min_seconds: float | None = None
    max_seconds: float | None = None
    min_width: int | None = None
    min_height: int | None = None
    max_width: int | None = None
    max_height: int | None = None
    max_pixels: int | None = None  # width × height (Mastodon's "matrix limit")
    min_aspect: float | None = None
    max_aspect: float | None = None
    min_fps: float | None = None
    max_fps: float | None = None
    video_codecs: tuple[str, ...] = (H264,)
    audio_codecs: tuple[str, ...] = (AAC,)
    containers: tuple[str, ...] = ("video/mp4",)
    # What ``fit`` makes: the frame (portrait networks 1080×1920) and whether captions may
    # travel as their own file (otherwise they are burned into the picture).
    fit_width: int = 1080
    fit_height: int = 1920
    sidecar_captions: bool = False
    sources: dict[str, str] = field(default_factory=dict, compare=False)


def _all_from(page: str) -> dict[str, str]:
    """``sources`` for a network whose one page gives every limit."""
    return dict.fromkeys(("max_bytes", "seconds", "resolution", "aspect", "fps", "codecs"), page)


LIMITS: dict[str, VideoLimits] = {
    row.key: row
    for row in [
        VideoLimits(
            "mastodon",
            "mastodon",
            "Mastodon",
            # Mastodon 4.x defaults; an instance publishes its own (see ``live``).
            max_bytes=99 * MIB,
            max_pixels=3840 * 2160,
            max_fps=120,
            containers=("video/mp4", "video/webm", "video/quicktime"),
            video_codecs=(H264, "hevc", "vp8", "vp9", "av1"),
            audio_codecs=(AAC, "mp3", "opus", "vorbis"),
            sources={
                "max_bytes": MASTODON_MEDIA,
                "max_pixels": MASTODON_MEDIA,
                "max_fps": MASTODON_MEDIA,
                "live": MASTODON_INSTANCE,
            },
        ),
        VideoLimits(
            "bluesky",
            "bluesky",
            "Bluesky",
            max_bytes=100 * MB,
            max_seconds=180,
            min_aspect=1 / 3,
            max_aspect=3,
            containers=("video/mp4", "video/mpeg", "video/webm", "video/quicktime"),
            video_codecs=(H264, "hevc", "vp9", "av1"),
            sidecar_captions=True,  # app.bsky.embed.video#caption: VTT files per language
            sources={
                "max_bytes": BLUESKY_VIDEO,
                "max_seconds": BLUESKY_VIDEO,
                "aspect": BLUESKY_TUTORIAL,
                "captions": BLUESKY_TUTORIAL,
            },
        ),
        VideoLimits(
            "x",
            "x",
            "X",
            max_bytes=512 * MB,
            min_seconds=0.5,
            max_seconds=140,
            min_width=32,
            min_height=32,
            max_width=1920,
            max_height=1920,
            max_pixels=1920 * 1200,
            min_aspect=1 / 3,
            max_aspect=3,
            max_fps=60,
            fit_width=720,
            fit_height=1280,
            sources=_all_from(X_MEDIA),
        ),
        VideoLimits(
            "facebook",
            "facebook",
            "Facebook",
            max_bytes=10 * GB,
            max_seconds=240 * 60,
            max_fps=60,
            containers=("video/mp4", "video/quicktime"),
            video_codecs=(H264, "hevc", "vp9", "av1"),
            sources={
                "max_bytes": FACEBOOK_VIDEO,
                "max_seconds": FACEBOOK_VIDEO,
                "fps": FACEBOOK_SPECS,
                "codecs": FACEBOOK_SPECS,
            },
        ),
        VideoLimits(
            "instagram",
            "instagram",
            "Instagram (Reels)",
            max_bytes=300 * MB,
            min_seconds=3,
            max_seconds=15 * 60,
            max_width=1920,
            min_aspect=0.01,
            max_aspect=10,
            min_fps=23,
            max_fps=60,
            containers=("video/mp4", "video/quicktime"),
            video_codecs=(H264, "hevc"),
            sources=_all_from(INSTAGRAM_REELS),
        ),
        VideoLimits(
            "threads",
            "threads",
            "Threads",
            max_bytes=1 * GB,
            max_seconds=5 * 60,
            max_width=1920,
            min_aspect=0.01,
            max_aspect=10,
            min_fps=23,
            max_fps=60,
            containers=("video/mp4", "video/quicktime"),
            video_codecs=(H264, "hevc"),
            sources=_all_from(THREADS_VIDEO),
        ),
        VideoLimits(
            "linkedin",
            "linkedin",
            "LinkedIn",
            max_bytes=500 * MB,
            min_seconds=3,
            max_seconds=30 * 60,
            min_width=256,
            min_height=144,
            max_width=4096,
            max_height=2304,
            min_aspect=1 / 2.4,
            max_aspect=2.4,
            min_fps=10,
            max_fps=60,
            sources=_all_from(LINKEDIN_VIDEO),
        ),
        VideoLimits(
            "tiktok",
            "tiktok",
            "TikTok",
            max_bytes=4 * GB,
            min_seconds=3,
            max_seconds=10 * 60,  # creator_info's max_video_post_duration_sec may be lower
            min_width=360,
            min_height=360,
            max_width=4096,
            max_height=4096,
            min_fps=23,
            max_fps=60,
            containers=("video/mp4", "video/webm", "video/quicktime"),
            video_codecs=(H264, "hevc", "vp8", "vp9"),
            sources={
                "max_bytes": TIKTOK_MEDIA,
                "seconds": TIKTOK_MEDIA,
                "resolution": TIKTOK_MEDIA,
                "fps": TIKTOK_MEDIA,
                "codecs": TIKTOK_MEDIA,
                "live": TIKTOK_CREATOR,
            },
        ),
        VideoLimits(
            "youtube",
            "youtube",
            "YouTube",
            max_bytes=256 * 1024**3,
            max_seconds=12 * 3600,  # 15 minutes for accounts that are not verified
            max_fps=60,
            containers=("video/mp4", "video/quicktime", "video/webm", "video/x-matroska"),
            video_codecs=(H264, "hevc", "vp9", "av1", "mpeg4"),
            audio_codecs=(AAC, "mp3", "opus", "vorbis"),
            fit_width=1920,
            fit_height=1080,
            sidecar_captions=True,  # captions.insert takes SRT/VTT
            sources={
                "max_bytes": YOUTUBE_UPLOAD,
                "max_seconds": YOUTUBE_UPLOAD,
                "fps": YOUTUBE_ENCODING,
                "codecs": YOUTUBE_ENCODING,
            },
        ),
        VideoLimits(
            "youtube_shorts",
            "youtube",
            "YouTube Shorts",
            max_bytes=256 * 1024**3,
            max_seconds=180,
            max_aspect=1.0,  # square or vertical; wider uploads become normal videos
            max_fps=60,
            containers=("video/mp4", "video/quicktime", "video/webm"),
            video_codecs=(H264, "hevc", "vp9", "av1"),
            audio_codecs=(AAC, "mp3", "opus"),
            sidecar_captions=True,
            sources={
                "max_seconds": YOUTUBE_SHORTS,
                "max_aspect": YOUTUBE_SHORTS,
                "max_bytes": YOUTUBE_UPLOAD,
                "codecs": YOUTUBE_ENCODING,
            },
        ),
    ]
}


def limits_for(key: str) -> VideoLimits:
    """The row for a network (``"tiktok"``) or one of its formats (``"youtube_shorts"``).

    Raises ``KeyError`` for a network that takes no video (the feed)."""
    return LIMITS[key]


def takes_video(network: str) -> bool:
    return any(row.network == network for row in LIMITS.values())


def live(limits: VideoLimits, config: dict[str, Any] | None) -> VideoLimits:
    """``limits`` with what the account's server published laid over it.

    Keys read from a channel's ``config``: ``video_size_limit`` (bytes),
    ``video_frame_rate_limit``, ``video_matrix_limit`` (Mastodon's instance configuration),
    ``max_video_post_duration_sec`` (TikTok's creator_info).
    """
    config = config or {}
    changes: dict[str, Any] = {}
    for key, name, kind in (
        ("video_size_limit", "max_bytes", int),
        ("video_frame_rate_limit", "max_fps", float),
        ("video_matrix_limit", "max_pixels", int),
        ("max_video_post_duration_sec", "max_seconds", float),
    ):
        value = config.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            changes[name] = kind(value)
        elif isinstance(value, str) and value.isdigit() and int(value) > 0:
            changes[name] = kind(int(value))
    return replace(limits, **changes) if changes else limits


@dataclass(frozen=True)
class Violation:
    code: str  # "too_long", "too_large", "aspect", "resolution", "fps", "codec", "no_video"
    message: str
    # ``fit`` can repair it (re-encode, crop/pad, change the frame rate); a person must
    # repair the rest (cut the clip shorter).
    fixable: bool = True


def check(probe: dict[str, Any], limits: VideoLimits) -> list[Violation]:
    """What keeps the probed video from going out on ``limits``' network, in plain words."""
    from carecast.media import limit_messages

    return limit_messages.violations(probe, limits)
