"""Reading clips with ffprobe: what the probe says, and how broken files are refused."""

from __future__ import annotations

import pytest

from carecast.media import probe as probing


def test_it_reads_duration_size_resolution_rate_and_codecs(clip):
    found = probing.probe(clip(size="320x180", seconds=2, rate=25))

    assert (found["width"], found["height"]) == (320, 180)
    assert found["aspect_label"] == "16:9"
    assert found["duration"] == pytest.approx(2.0, abs=0.1)
    assert found["fps"] == 25
    assert (found["video_codec"], found["audio_codec"]) == ("h264", "aac")
    assert found["has_audio"] is True
    assert found["mime_type"] == "video/mp4"
    assert found["size_bytes"] > 0


def test_it_reports_a_silent_clip_as_without_audio(clip):
    found = probing.probe(clip(audio=False, seconds=1))

    assert found["has_audio"] is False
    assert found["audio_codec"] == ""


def test_it_swaps_width_and_height_of_a_clip_filmed_upright(clip):
    # Phones store portrait video as landscape pixels with a rotation.
    path = clip(size="320x180", seconds=1)
    rotated = path.with_name("hochkant.mp4")
    import subprocess

    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            str(path),
            "-c",
            "copy",
            "-metadata:s:v:0",
            "rotate=90",
            str(rotated),
        ],
        check=True,
        capture_output=True,
    )
    found = probing.probe(rotated)

    assert (found["width"], found["height"]) == (180, 320)
    assert found["aspect_label"] == "9:16"


def test_it_refuses_a_file_that_is_no_video(tmp_path):
    fake = tmp_path / "dance.mp4"
    fake.write_bytes(b"this is not a video at all" * 10)

    with pytest.raises(probing.Unreadable) as refused:
        probing.probe(fake)
    assert refused.value.code == "unreadable"


def test_it_refuses_a_truncated_clip(clip):
    path = clip(seconds=2)
    data = path.read_bytes()
    broken = path.with_name("abgebrochen.mp4")
    broken.write_bytes(data[: len(data) // 3])  # the moov atom is at the end: gone

    with pytest.raises(probing.Unreadable):
        probing.probe(broken)


def test_it_refuses_sound_without_a_picture(tmp_path):
    import subprocess

    sound = tmp_path / "nur-ton.m4a"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=1",
            "-c:a",
            "aac",
            str(sound),
        ],
        check=True,
        capture_output=True,
    )
    with pytest.raises(probing.Unreadable) as refused:
        probing.probe(sound)
    assert refused.value.code == "no_video"
