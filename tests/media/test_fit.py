"""Fitting a clip to a network: the 9:16 frame by crop around a focus point or on a blurred
copy, captions beside or burned in, H.264/AAC, no metadata — and what cannot be fitted."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from PIL import Image, ImageChops

from carecast.media import fit as fitting
from carecast.media import probe as probing
from carecast.media.video_limits import LIMITS

from .conftest import make_clip


def red_and_blue(path: Path, seconds: float = 3) -> Path:
    """A landscape clip whose left half is red and right half blue."""
    source = f"color=c=red:size=320x180:rate=30:duration={seconds}"
    args = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", source]
    args += ["-vf", "drawbox=x=160:y=0:w=160:h=180:color=blue:t=fill"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)]
    subprocess.run(args, check=True, capture_output=True)
    return path


def frame(video: Path, at: float = 1.0) -> Image.Image:
    still = video.with_suffix(f".{at}.png")
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-ss",
            str(at),
            "-i",
            str(video),
            "-frames:v",
            "1",
            str(still),
        ],
        check=True,
        capture_output=True,
    )
    return Image.open(still).convert("RGB")


def is_red(pixel) -> bool:
    r, g, b = pixel
    return r > 180 and b < 80


def is_blue(pixel) -> bool:
    r, g, b = pixel
    return b > 180 and r < 80


def test_it_crops_a_landscape_clip_to_9_16_around_the_focus_point(tmp_path):
    source = red_and_blue(tmp_path / "flur.mp4")
    left = fitting.fit(
        source,
        tmp_path / "left.mp4",
        LIMITS["tiktok"],
        fitting.FitOptions(mode="crop", focus=(0.0, 0.5)),
    )
    right = fitting.fit(
        source,
        tmp_path / "right.mp4",
        LIMITS["tiktok"],
        fitting.FitOptions(mode="crop", focus=(1.0, 0.5)),
    )

    assert left.probe["aspect_label"] == right.probe["aspect_label"] == "9:16"
    assert (left.probe["video_codec"], left.probe["audio_codec"]) == ("h264", "")
    # TikTok needs 360 px on each side: the frame grows to the network's minimum.
    assert (left.probe["width"], left.probe["height"]) == (360, 640)
    still_left, still_right = frame(left.path), frame(right.path)
    width, height = still_left.size
    assert all(is_red(still_left.getpixel((x, height // 2))) for x in (3, width - 4))
    assert all(is_blue(still_right.getpixel((x, height // 2))) for x in (3, width - 4))


def test_it_pads_with_a_blurred_copy_keeping_the_whole_picture(tmp_path):
    source = red_and_blue(tmp_path / "flur.mp4")
    padded = fitting.fit(
        source, tmp_path / "pad.mp4", LIMITS["tiktok"], fitting.FitOptions(mode="pad")
    )

    assert padded.probe["aspect_label"] == "9:16"
    still = frame(padded.path)
    width, height = still.size
    # The whole width of the original is in the middle band: red at the left, blue at the right.
    assert is_red(still.getpixel((3, height // 2)))
    assert is_blue(still.getpixel((width - 4, height // 2)))


def test_it_writes_captions_beside_the_video_where_the_network_takes_a_file(
    clip, captions, tmp_path
):
    result = fitting.fit(
        clip(), tmp_path / "bsky.mp4", LIMITS["bluesky"], fitting.FitOptions(captions=captions)
    )

    assert result.captions is not None
    text = result.captions.read_text(encoding="utf-8")
    assert text.startswith("WEBVTT")
    assert "Willkommen auf Station 5A" in text


def test_it_burns_captions_in_where_the_network_takes_no_caption_file(tmp_path, captions):
    source = make_clip(tmp_path / "src.mp4", size="640x360")
    plain = fitting.fit(source, tmp_path / "plain.mp4", LIMITS["tiktok"])
    burned = fitting.fit(
        source, tmp_path / "burned.mp4", LIMITS["tiktok"], fitting.FitOptions(captions=captions)
    )

    assert burned.captions is None
    difference = ImageChops.difference(frame(plain.path, 0.5), frame(burned.path, 0.5))
    box = difference.point(lambda v: 255 if v > 60 else 0).getbbox()
    assert box is not None and box[1] > frame(plain.path, 0.5).height // 2  # text at the bottom


def test_it_refuses_a_caption_file_it_cannot_read(clip, tmp_path):
    bad = tmp_path / "kaputt.srt"
    bad.write_bytes(b"\x00\x01 not captions")

    with translation.override("en"), pytest.raises(fitting.Unsuitable, match="caption"):
        fitting.fit(
            clip(), tmp_path / "out.mp4", LIMITS["bluesky"], fitting.FitOptions(captions=bad)
        )


def test_it_drops_the_place_a_clip_was_filmed(clip, tmp_path):
    source = clip(extra=("-metadata", "location=+52.5200+013.4050/", "-metadata", "title=Tanz"))
    assert (
        "52.5200"
        in subprocess.run(
            ["ffprobe", "-v", "error", "-show_format", str(source)], capture_output=True, text=True
        ).stdout
    )

    result = fitting.fit(source, tmp_path / "out.mp4", LIMITS["mastodon"])

    tags = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", str(result.path)],
        capture_output=True,
        text=True,
    ).stdout
    assert "52.5200" not in tags and "Tanz" not in tags


def test_it_refuses_a_clip_too_short_for_tiktok_before_encoding(clip, tmp_path):
    out = tmp_path / "out.mp4"

    with pytest.raises(fitting.Unsuitable, match="mindestens 3 Sekunden"):
        fitting.fit(clip(seconds=1), out, LIMITS["tiktok"])
    assert not out.exists()


def test_it_refuses_a_file_that_is_no_video(tmp_path):
    fake = tmp_path / "dance.mp4"
    fake.write_bytes(b"\x00" * 2048)

    with pytest.raises(probing.Unreadable):
        fitting.fit(fake, tmp_path / "out.mp4", LIMITS["tiktok"])


def probe_of(**changes) -> dict:
    base = {
        "duration": 30.0,
        "size_bytes": 5_000_000,
        "width": 1920,
        "height": 1080,
        "fps": 30.0,
        "video_codec": "h264",
        "audio_codec": "aac",
        "mime_type": "video/mp4",
    }
    return {**base, **changes}


def test_it_plans_a_frame_rate_inside_the_networks_range():
    assert fitting.make_plan(probe_of(fps=120), LIMITS["tiktok"], fitting.FitOptions()).fps == 60
    assert fitting.make_plan(probe_of(fps=15), LIMITS["tiktok"], fitting.FitOptions()).fps == 30
    assert fitting.make_plan(probe_of(fps=30), LIMITS["tiktok"], fitting.FitOptions()).fps is None


def test_it_caps_the_bit_rate_so_the_file_stays_under_the_size_limit():
    plan = fitting.make_plan(probe_of(duration=170), LIMITS["bluesky"], fitting.FitOptions())

    assert plan.max_kbps is not None
    expected_bytes = (plan.max_kbps + fitting.AUDIO_KBPS) * 1000 / 8 * 170
    assert expected_bytes < LIMITS["bluesky"].max_bytes


def test_it_plans_full_hd_portrait_for_a_4k_clip():
    plan = fitting.make_plan(
        probe_of(width=3840, height=2160), LIMITS["tiktok"], fitting.FitOptions()
    )

    assert (plan.width, plan.height) == (1080, 1920)


def test_it_stops_ffmpeg_that_takes_longer_than_a_clip_may(clip, tmp_path, monkeypatch):
    monkeypatch.setattr(fitting, "time_limit", lambda duration: 0.0)  # any run is too long

    with pytest.raises(probing.Unreadable) as stopped:
        fitting.fit(clip(), tmp_path / "out.mp4", LIMITS["mastodon"])
    assert stopped.value.code == "too_costly"


def test_it_gives_a_long_clip_time_in_proportion():
    assert fitting.time_limit(3) == fitting.MIN_SECONDS
    assert fitting.time_limit(3600) == 3600 * fitting.SECONDS_PER_SECOND


@pytest.mark.parametrize(
    ("clip_args", "network", "mode"),
    [
        ({"seconds": 3}, "tiktok", "crop"),
        ({"seconds": 3, "audio": False}, "tiktok", "pad"),
        ({"seconds": 4, "rate": 25, "size": "640x480"}, "youtube_shorts", "pad"),
        ({"seconds": 3, "rate": 120}, "tiktok", "crop"),  # moved to 60 fps
        ({"seconds": 3, "rate": 24, "size": "180x320"}, "mastodon", "crop"),
    ],
)
def test_it_reports_the_result_as_ffprobe_reads_it(clip, tmp_path, clip_args, network, mode):
    """The result's probe comes from ffmpeg's own report (one ffprobe fewer per fit):
    it must say what ffprobe says of the file."""
    result = fitting.fit(
        clip(**clip_args), tmp_path / "out.mp4", LIMITS[network], fitting.FitOptions(mode=mode)
    )

    read = probing.probe(result.path)
    assert set(result.probe) == set(read)
    exact = {k: v for k, v in read.items() if k not in ("duration", "bit_rate")}
    assert {k: result.probe[k] for k in exact} == exact
    # AAC's padding: ffmpeg's end time runs up to ~25 ms past ffprobe's reading.
    assert abs(result.probe["duration"] - read["duration"]) <= 0.025
    assert abs(result.probe["bit_rate"] - read["bit_rate"]) <= read["bit_rate"] * 0.01


def test_it_probes_the_result_when_ffmpeg_gave_no_final_report(clip, tmp_path):
    source = clip()
    result = fitting.fit(source, tmp_path / "out.mp4", LIMITS["tiktok"])
    plan = fitting.make_plan(probing.probe(source), LIMITS["tiktok"], fitting.FitOptions())

    assert fitting.reported_probe(result.path, result.probe, plan, {"frame": "90"}) is None
    unfinished = {"frame": "90", "out_time_us": "3000000", "progress": "continue"}
    assert fitting.reported_probe(result.path, result.probe, plan, unfinished) is None


def test_it_uses_a_known_probe_of_the_source_instead_of_probing_again(clip, tmp_path):
    source = clip(size="640x360")
    read = probing.probe(source)
    known = {**read, "width": 1280, "height": 720}  # as stored for a larger clip
    tiktok, options = LIMITS["tiktok"], fitting.FitOptions()

    result = fitting.fit(source, tmp_path / "out.mp4", tiktok, source=known)

    planned = fitting.make_plan(known, tiktok, options)
    assert (planned.width, planned.height) != _frame_of(fitting.make_plan(read, tiktok, options))
    assert (result.probe["width"], result.probe["height"]) == (planned.width, planned.height)
    assert probing.probe(result.path)["width"] == planned.width


def _frame_of(plan: fitting.Plan) -> tuple[int, int]:
    return plan.width, plan.height
