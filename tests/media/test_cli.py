"""``carecast media fit``: exit 0 with the output's probe as JSON, exit 2 with a message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def carecast(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-m", "carecast.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_it_fits_a_clip_and_prints_the_outputs_probe(clip, tmp_path):
    out = tmp_path / "tiktok.mp4"

    done = carecast(
        "media", "fit", str(clip()), "--network", "tiktok", "--out", str(out), "--focus", "0.2,0.5"
    )

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["aspect_label"] == "9:16"
    assert report["video_codec"] == "h264" and report["audio_codec"] == "aac"
    assert report["path"] == str(out) and out.exists()


def test_it_writes_the_caption_file_beside_the_video(clip, captions, tmp_path):
    out = tmp_path / "youtube.mp4"

    done = carecast(
        "media",
        "fit",
        str(clip()),
        "--network",
        "youtube",
        "--out",
        str(out),
        "--captions",
        str(captions),
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["captions"] == str(out.with_suffix(".vtt"))


def test_it_exits_2_for_a_file_that_is_no_video(tmp_path):
    fake = tmp_path / "dance.mp4"
    fake.write_bytes(b"ID3 but not really a video" * 20)

    done = carecast(
        "media", "fit", str(fake), "--network", "tiktok", "--out", str(tmp_path / "out.mp4")
    )

    assert done.returncode == 2
    assert "dance.mp4" in done.stderr and done.stdout == ""


def test_it_exits_2_for_a_clip_the_network_cannot_take(clip, tmp_path):
    done = carecast(
        "media",
        "fit",
        str(clip(seconds=1)),
        "--network",
        "tiktok",
        "--out",
        str(tmp_path / "out.mp4"),
    )

    assert done.returncode == 2
    assert "TikTok" in done.stderr


def test_it_exits_2_for_a_network_it_does_not_know(clip, tmp_path):
    done = carecast(
        "media", "fit", str(clip()), "--network", "myspace", "--out", str(tmp_path / "out.mp4")
    )

    assert done.returncode == 2
    assert "myspace" in done.stderr
