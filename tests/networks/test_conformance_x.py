"""X text counting against twitter-text's own conformance data (validate.yml, extract.yml),
and against twitter-text-parser, the library whose counting we replaced for speed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from twitter_text import extract_urls_with_indices, parse_tweet
from twitter_text.regexp.emoji import emoji_list

from carecast.networks.textcount import extract_urls, x_validate, x_weighted_length
from tests.networks.conftest import cases, conformance_file, require

VALIDATE = conformance_file("twitter-text", "validate.yml")
EXTRACT = conformance_file("twitter-text", "extract.yml")
V3_SECTIONS = (
    "WeightedTweetsWithDiscountedEmojiCounterTest",
    "UnicodeDirectionalMarkerCounterTest",
)
URL_SECTIONS = (
    "urls",
    "urls_with_indices",
    "urls_with_directional_markers",
    "tco_urls_with_params",
)


def load(path: Path, sections: tuple[str, ...]) -> list[tuple[str, Any]] | None:
    if not path.is_file():
        return None
    tests = yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]
    return [
        (f"{section}-{number:02d}-{case['description']}", case)
        for section in sections
        for number, case in enumerate(tests[section])
    ]


@pytest.mark.parametrize("case", cases(VALIDATE, load(VALIDATE, V3_SECTIONS)))
def test_it_counts_like_twitter_text_v3(case):
    case = require(case)
    assert x_validate(case["text"]) == case["expected"]
    assert x_weighted_length(case["text"]) == case["expected"]["weightedLength"]


@pytest.mark.parametrize("case", cases(EXTRACT, load(EXTRACT, URL_SECTIONS)))
def test_it_finds_urls_like_twitter_text(case):
    case = require(case)
    found = extract_urls(case["text"])
    if case["expected"] and isinstance(case["expected"][0], dict):
        assert found == case["expected"]
    else:
        assert [url["url"] for url in found] == (case["expected"] or [])


def test_every_emoji_of_twitter_texts_list_weighs_two():
    heavier = [e.emoji for e in emoji_list if x_weighted_length(e.emoji) != 2]
    assert len(emoji_list) > 3800
    assert heavier == []


def test_newer_emoji_sequences_weigh_two_as_well():
    # Unicode 13-15 ZWJ sequences the library's Unicode 12 list counts code point by code point.
    for newer in ("❤️‍🔥", "🧑‍🧑‍🧒", "🐦‍🔥", "🫱🏻‍🫲🏼", "🏳️‍⚧️"):
        assert x_weighted_length(newer) == 2, newer


URLISH = st.lists(
    st.sampled_from(
        ["a", "Z", "7", ".", ".", "/", ":", "-", "_", "(", ")", "?", "=", "&", "#", "@", " ",
         "é", "ä", "中", "み", "http://", "https://", "www.", ".com", ".de", ".jp", ".みんな",
         "xn--", "t.co/", "😀", "👩‍⚕️", "\u202a", ",", "!", "'", "＠", "\n", "ſ", "İ", "\u0301",
         "д", "–", "[", "]", "\r\n", "\ufeff"]
    ),
    max_size=30,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(URLISH, st.booleans())
def test_url_extraction_agrees_with_the_library(text, without_protocol):
    assert extract_urls(text, without_protocol) == extract_urls_with_indices(text, without_protocol)


@settings(max_examples=300, deadline=None)
@given(URLISH.filter(bool))
def test_validation_agrees_with_the_library(text):
    assert x_validate(text) == parse_tweet(text).asdict()


@pytest.mark.parametrize(
    "text",
    [
        "a." * 50_000,
        "a-" * 50_000 + ".com",
        "a.de!" + "a." * 50_000,
        "http://a.com/" + "(a)" * 30_000 + "!",
        "中." * 50_000,
    ],
    ids=["dotted-labels", "hyphens", "tld-then-labels", "parentheses", "cjk-dots"],
)
def test_text_that_makes_the_librarys_regex_backtrack_is_counted(text):
    # twitter-text-parser needs 11 s for "a." * 500 alone; how fast ours is on these texts
    # is measured in bench/textcount, not here.
    result = x_validate(text)
    assert result["weightedLength"] >= len(text) // 2 or result["weightedLength"] > 280
    assert result["valid"] is False
