"""Every network's video limits, one table with sources, and reasons a comms team understands."""

from __future__ import annotations

import pytest
from django.utils import translation

from carecast.media.video_limits import LIMITS, MIB, check, limits_for, live, takes_video
from carecast.networks.base import MediaFile
from carecast.networks.registry import NETWORKS


def probe_of(**changes) -> dict:
    base = {
        "duration": 30.0,
        "size_bytes": 5_000_000,
        "width": 1080,
        "height": 1920,
        "fps": 30.0,
        "video_codec": "h264",
        "audio_codec": "aac",
        "mime_type": "video/mp4",
        "aspect_label": "9:16",
    }
    return {**base, **changes}


def codes(probe: dict, key: str, config: dict | None = None) -> list[str]:
    return [v.code for v in check(probe, live(limits_for(key), config))]


def test_it_has_a_row_with_sources_for_every_network_that_takes_video():
    expected = {
        "mastodon",
        "bluesky",
        "x",
        "facebook",
        "instagram",
        "threads",
        "linkedin",
        "tiktok",
        "youtube",
        "youtube_shorts",
    }
    assert set(LIMITS) == expected
    for row in LIMITS.values():
        assert row.sources, row.key
        assert all(url.startswith("https://") for url in row.sources.values())


def test_it_names_registry_networks_only():
    for row in LIMITS.values():
        if row.network in NETWORKS:
            continue
        pytest.fail(f"{row.key} names {row.network}, not in the registry")


def test_it_takes_a_vertical_h264_clip_of_thirty_seconds_everywhere():
    for key in LIMITS:
        assert codes(probe_of(), key) == [], key


def test_it_says_how_long_the_clip_is_and_how_long_it_may_be():
    with translation.override("en"):
        [violation] = check(probe_of(duration=200), limits_for("bluesky"))

    assert violation.code == "too_long" and not violation.fixable
    assert "3:20" in violation.message and "3:00" in violation.message
    assert "Bluesky" in violation.message


def test_it_says_in_german_what_to_do():
    with translation.override("de"):
        [violation] = check(probe_of(duration=200), limits_for("bluesky"))

    assert "Bluesky nimmt höchstens 3:00" in violation.message


def test_it_finds_each_kind_of_violation():
    assert codes(probe_of(duration=2), "tiktok") == ["too_short"]
    assert codes(probe_of(width=200, height=356), "tiktok") == ["resolution"]
    assert codes(probe_of(width=3000, height=600), "bluesky") == ["aspect"]
    assert codes(probe_of(fps=120), "instagram") == ["fps"]
    assert codes(probe_of(video_codec="prores"), "x") == ["codec"]
    assert codes(probe_of(size_bytes=600_000_000), "x") == ["too_large"]
    assert codes(probe_of(width=1920, height=1080), "youtube_shorts") == ["aspect"]
    assert codes(probe_of(width=0, height=0), "mastodon") == ["no_video"]


def test_it_reads_a_mastodon_servers_own_limits():
    config = {
        "video_size_limit": 40 * MIB,
        "video_frame_rate_limit": 60,
        "video_matrix_limit": 1920 * 1080,
    }
    big = probe_of(size_bytes=50 * MIB, fps=90, width=2160, height=3840)

    assert codes(big, "mastodon") == []
    assert codes(big, "mastodon", config) == ["too_large", "resolution", "fps"]


def test_it_reads_tiktoks_maximum_duration_from_creator_info():
    long_clip = probe_of(duration=300)

    assert codes(long_clip, "tiktok") == []
    assert codes(long_clip, "tiktok", {"max_video_post_duration_sec": 180}) == ["too_long"]


def test_it_knows_which_networks_take_video():
    assert takes_video("tiktok") and takes_video("youtube") and takes_video("mastodon")
    assert not takes_video("feed")


def test_it_checks_a_video_in_a_post_against_the_network_before_scheduling(tmp_path):
    mastodon = NETWORKS["mastodon"]
    clip = MediaFile(tmp_path / "x.mp4", "video/mp4", "Rundgang", probe=probe_of(fps=240))

    problems = mastodon.check("Rundgang durch die Station", [clip], {})

    assert [p.code for p in problems] == ["video_fps"]
    assert problems[0].blocking


def test_it_says_when_a_network_takes_no_video(tmp_path):
    feed = NETWORKS["feed"]
    clip = MediaFile(tmp_path / "x.mp4", "video/mp4", "", probe=probe_of())

    assert "video_type" in [p.code for p in feed.check("Text", [clip], {})]
