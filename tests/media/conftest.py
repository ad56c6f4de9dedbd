"""Clips made at test time with ffmpeg's test sources: a few seconds, a few kilobytes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest


def make_clip(
    path: Path,
    *,
    size: str = "320x180",
    seconds: float = 3,
    rate: int = 30,
    audio: bool = True,
    extra: tuple[str, ...] = (),
) -> Path:
    """An H.264/AAC MP4 of ffmpeg's test picture (and a sine tone)."""
    args = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
    args += ["-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
        args += ["-c:a", "aac", "-shortest"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", *extra, str(path)]
    subprocess.run(args, check=True, capture_output=True)
    return path


@pytest.fixture
def clip(tmp_path):
    def make(name: str = "station.mp4", **kwargs) -> Path:
        return make_clip(tmp_path / name, **kwargs)

    return make


@pytest.fixture
def captions(tmp_path) -> Path:
    path = tmp_path / "untertitel.srt"
    path.write_text(
        "1\n00:00:00,000 --> 00:00:01,500\nWillkommen auf Station 5A\n\n"
        "2\n00:00:01,500 --> 00:00:02,900\nDas Team stellt sich vor\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
