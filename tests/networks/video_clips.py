"""Small real video clips made with ffmpeg for the upload-protocol tests (cached per session)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest


def make_clip(
    path: Path, *, seconds: float = 2, size: str = "720x1280", lossless: bool = False
) -> Path:
    """An H.264/AAC MP4; ``lossless`` makes it big (about 2 MB a second) for chunked uploads."""
    video = ["-c:v", "libx264", "-preset", "ultrafast"] + (["-qp", "0"] if lossless else [])
    source = "testsrc2" if lossless else "testsrc"
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"{source}=size={size}:rate=30",
            "-f",
            "lavfi",
            "-i",
            f"anoisesrc=d={seconds}",
            "-t",
            str(seconds),
            *video,
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
        timeout=120,
    )
    return path


def small(factory: pytest.TempPathFactory) -> Path:
    """A 2-second vertical clip of a few dozen KB (for a session-scoped fixture)."""
    return make_clip(factory.mktemp("clips") / "station.mp4")


def big(factory: pytest.TempPathFactory) -> Path:
    """A clip of more than 10 MB: uploaded in several chunks."""
    path = make_clip(factory.mktemp("clips") / "rundgang.mp4", seconds=6, lossless=True)
    assert path.stat().st_size > 10 * 1024 * 1024
    return path
