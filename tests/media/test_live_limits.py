"""Limits a server publishes itself, read where the account is connected and laid over the
table: a Mastodon instance's ``configuration.media_attachments``."""

from __future__ import annotations

from carecast.media.video_limits import check, limits_for, live
from carecast.networks.mastodon.answers import instance_limits

# mastodon.social's /api/v2/instance, media part (github.com/mastodon/mastodon/discussions/26709)
INSTANCE = {
    "domain": "mastodon.social",
    "configuration": {
        "statuses": {"max_characters": 500, "max_media_attachments": 4},
        "media_attachments": {
            "image_size_limit": 16777216,
            "image_matrix_limit": 33177600,
            "video_size_limit": 103809024,
            "video_frame_rate_limit": 120,
            "video_matrix_limit": 8294400,
        },
    },
}
SMALL = {
    "configuration": {
        "media_attachments": {
            "video_size_limit": 41943040,
            "video_frame_rate_limit": 60,
            "video_matrix_limit": 2304 * 2304,
        }
    }
}


def test_it_reads_the_video_limits_of_an_instance_when_connecting_and_refreshing():
    # Connecting (mastodon.connect) and the live refresh (the connector) read through this one.
    limits = instance_limits(INSTANCE)
    assert limits["video_size_limit"] == 103809024
    assert limits["video_frame_rate_limit"] == 120
    assert limits["video_matrix_limit"] == 8294400


def test_it_holds_a_clip_to_the_instances_own_limits():
    clip = {
        "duration": 60.0,
        "size_bytes": 60_000_000,
        "width": 2160,
        "height": 3840,
        "fps": 90.0,
        "video_codec": "h264",
        "audio_codec": "aac",
        "mime_type": "video/mp4",
    }

    assert check(clip, live(limits_for("mastodon"), instance_limits(INSTANCE))) == []
    found = check(clip, live(limits_for("mastodon"), instance_limits(SMALL)))
    assert [v.code for v in found] == ["too_large", "resolution", "fps"]
