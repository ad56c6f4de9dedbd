"""A long YouTube Short with someone else's music: YouTube blocks it once Content ID claims it
(https://support.google.com/youtube/answer/6013276), so the music check blocks it first."""

from __future__ import annotations

import pytest
from django.utils import translation

from carecast.compliance.draft import Draft, draft_from_json
from carecast.compliance.service import run_checks

IMPRINT = {"kind": "brand", "imprint_url": "https://www.klinikum-musterstadt.de/impressum"}
VERTICAL = {"width": 1080, "height": 1920}
HORIZONTAL = {"width": 1920, "height": 1080}


def draft(networks=("youtube",), licence="licensed", seconds=75.0, shape=VERTICAL) -> Draft:
    music = {"title": "Sunny Day – Stock Library", "licence": licence} if licence else None
    clip = {"kind": "video", "alt_text": "Team", "music": music, "seconds": seconds, **shape}
    return draft_from_json(
        {
            "text": "Ein Tag auf Station",
            "networks": list(networks),
            "account": IMPRINT,
            "media": [clip],
        }
    )


def music_findings(d: Draft):
    return [f for f in run_checks(d) if f.id == "music.unlicensed"]


@pytest.mark.parametrize("licence", ["licensed", "commercial_library"])
def test_it_blocks_a_long_short_with_third_party_music(licence):
    with translation.override("de"):
        [finding] = music_findings(draft(licence=licence))

    assert finding.blocks
    assert finding.rule_url == "https://support.google.com/youtube/answer/6013276"
    assert "75 Sekunden" in finding.message
    assert "„Sunny Day – Stock Library“" in finding.message
    assert "auf 60 Sekunden" in finding.message
    assert "eigene oder keine Musik" in finding.message
    assert "normales Querformat-Video" in finding.message


def test_it_blocks_a_square_short_just_over_a_minute():
    [finding] = music_findings(draft(seconds=60.5, shape={"width": 1080, "height": 1080}))
    assert finding.blocks


@pytest.mark.parametrize(
    "d",
    [
        draft(licence="own"),
        draft(seconds=60.0),
        draft(seconds=45.0),
        draft(networks=("mastodon", "instagram")),
        draft(shape=HORIZONTAL),
        draft(seconds=181.0),  # longer than three minutes: a normal video, not a Short
    ],
    ids=["own-music", "exactly-60-s", "45-s", "not-youtube", "horizontal", "over-3-min"],
)
def test_it_leaves_alone(d):
    assert music_findings(d) == []


def test_it_leaves_a_long_short_without_music_alone():
    # No music record is the check's own warning to fill it in, not a Shorts block.
    [finding] = music_findings(draft(licence=None))
    assert not finding.blocks
    assert "Content ID" not in finding.message


def test_it_says_no_licence_once_for_a_long_short_with_unlicensed_music():
    with translation.override("de"):
        [finding] = music_findings(draft(licence="none"))
    assert finding.blocks
    assert "hat keine Musiklizenz" in finding.message
