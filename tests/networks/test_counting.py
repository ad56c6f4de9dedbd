"""How X, Mastodon and Bluesky count what the Klinikum's comms team writes.

German text, the networks' URL and mention rules, emoji, properties that must hold for any
text, the registry's rules API, and input that must never crash a counter.
"""

from __future__ import annotations

import json

import pytest
import regex
from hypothesis import assume, given
from hypothesis import strategies as st

from carecast.networks import get
from carecast.networks.bluesky.facets import detect_facets
from carecast.networks.textcount import (
    grapheme_length,
    mastodon_length,
    utf8_length,
    x_validate,
    x_weighted_length,
)

JOBS_URL = "https://klinikum-musterstadt.de/karriere/pflege-und-geburtshilfe?quelle=social"
FAMILY = "👨‍👩‍👧‍👦"
MIDWIFE = "👩‍⚕️"


def no_one(handle: str) -> str | None:
    return None


def fake_did(handle: str) -> str:
    return f"did:fake:{handle}"


# -- X ----------------------------------------------------------------------------------------


def test_german_letters_quotes_and_dashes_weigh_one_on_x():
    text = "Grüße aus der Geburtshilfe – „Willkommen“ in der Straße, ÄÖÜ äöü ß"
    assert x_weighted_length(text) == len(text)


@pytest.mark.parametrize(
    ("text", "weight"),
    [("Nur 5 €", 6 + 2), ("Bis bald…", 8 + 2), ("Eintritt: 0 € … wirklich", 22 + 2 + 2)],
)
def test_euro_sign_and_ellipsis_weigh_two_on_x(text, weight):
    assert x_weighted_length(text) == weight


@pytest.mark.parametrize(
    "url",
    [JOBS_URL, "http://t.co", "klinikum-musterstadt.de", "www.klinikum.de/jobs?x=1"],
)
def test_every_url_weighs_23_on_x_with_or_without_protocol(url):
    assert x_weighted_length(f"Jobs: {url}") == len("Jobs: ") + 23


@pytest.mark.parametrize("emoji", [MIDWIFE, FAMILY, "🇩🇪", "1️⃣", "👋🏽", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "❤️‍🔥"])
def test_an_emoji_sequence_weighs_two_on_x(emoji):
    assert x_weighted_length(f"Danke {emoji}") == len("Danke ") + 2


def test_x_counts_the_composed_form_and_one_newline_per_line_break():
    assert x_weighted_length("Gru\u0308ße") == x_weighted_length("Grüße") == 5
    assert x_weighted_length("Zeile 1\r\nZeile 2") == 15  # what the browser counted


def test_x_validate_marks_where_the_text_stops_fitting():
    result = x_validate("Ü" * 300)
    assert result["weightedLength"] == 300
    assert not result["valid"]
    assert result["permillage"] == 1071
    assert (result["validRangeEnd"], result["displayRangeEnd"]) == (279, 299)


def test_empty_text_is_not_a_valid_post_on_x():
    assert x_validate("") == {
        "weightedLength": 0,
        "valid": False,
        "permillage": 0,
        "displayRangeStart": 0,
        "displayRangeEnd": 0,
        "validRangeStart": 0,
        "validRangeEnd": 0,
    }


# -- Mastodon ---------------------------------------------------------------------------------


def test_a_remote_mention_counts_only_its_local_part_on_mastodon():
    assert mastodon_length("Danke an @hebamme@mastodon.social!") == len("Danke an @hebamme!")
    assert mastodon_length("Danke an @hebamme!") == 18


def test_an_email_address_is_no_mention_on_mastodon():
    assert mastodon_length("info@klinikum-musterstadt.de") == 28


def test_every_http_url_counts_23_on_mastodon():
    assert mastodon_length(f"Jobs: {JOBS_URL}") == 6 + 23
    assert mastodon_length(f"Jobs: {JOBS_URL}", url_length=30) == 6 + 30


def test_a_bare_domain_counts_as_text_on_mastodon():
    assert mastodon_length("klinikum-musterstadt.de") == 23
    assert mastodon_length("klinikum.de") == 11


def test_mastodon_counts_graphemes_and_blank_text_as_nothing():
    # StatusLengthValidator: each_grapheme_cluster after the URL/mention substitution.
    assert mastodon_length(f"Hebamme {MIDWIFE}") == 9
    assert mastodon_length(" \n ") == 0


# -- Bluesky ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "graphemes"),
    [(FAMILY, 1), ("e\u0301", 1), ("🇩🇪", 1), ("Kreißsaal", 9), (f"Team {MIDWIFE}", 6)],
)
def test_bluesky_counts_what_a_reader_sees_as_one_character(text, graphemes):
    assert grapheme_length(text) == graphemes


def test_utf8_length_counts_bytes():
    assert utf8_length("Grüße") == 7
    assert utf8_length(FAMILY) == 25


# -- properties -------------------------------------------------------------------------------

LATIN = st.lists(
    st.sampled_from(
        list(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZäöüÄÖÜßéèçñ0123456789 ,;:!?-–„“\n"
        )
        + ["e\u0301", "a\u0308"]
    )
).map("".join)
URLS = st.sampled_from([JOBS_URL, "http://example.org", "www.klinikum.de/jobs", "https://t.co/x1"])
PREPEND_AT_END = regex.compile(r"\p{Grapheme_Cluster_Break=Prepend}\Z")


@given(st.text())
def test_no_count_is_ever_negative(text):
    assert x_weighted_length(text) >= 0
    assert mastodon_length(text) >= 0
    assert grapheme_length(text) >= 0
    assert utf8_length(text) >= 0


@given(st.text())
def test_the_fast_x_count_and_the_full_validation_agree(text):
    assert x_weighted_length(text) == x_validate(text)["weightedLength"]


@given(LATIN)
def test_latin_text_without_urls_weighs_at_least_its_graphemes_on_x(text):
    assert x_weighted_length(text) >= grapheme_length(text)


@given(st.text(), URLS)
def test_appending_a_url_adds_23_and_the_space_on_x(text, url):
    assert x_weighted_length(f"{text} {url}") == x_weighted_length(text) + 1 + 23


@given(st.text(), URLS.filter(lambda url: url.startswith("http")))
def test_appending_a_url_adds_23_and_the_space_on_mastodon(text, url):
    assume(text.strip() and not PREPEND_AT_END.search(text))
    assert mastodon_length(f"{text} {url}") == mastodon_length(text) + 1 + 23


# -- through the registry ---------------------------------------------------------------------


def test_the_registry_counts_each_network_its_own_way():
    welcome, mention = "Willkommen, kleine Lena! ", "@hebamme@mastodon.social"
    text = f"{welcome}{MIDWIFE} {mention} {JOBS_URL}"
    assert get("x").count_text(text) == len(welcome) + 2 + 1 + len(mention) + 1 + 23
    assert get("mastodon").count_text(text) == len(welcome) + 1 + 1 + len("@hebamme") + 1 + 23
    assert get("bluesky").count_text(text) == len(text) - 3  # the midwife is 4 code points


def test_the_registry_hands_out_bluesky_facets():
    facets = get("bluesky").facets("Danke @hebamme.bsky.social! #Geburtshilfe", fake_did)
    assert [facet["features"][0] for facet in facets] == [
        {"$type": "app.bsky.richtext.facet#mention", "did": "did:fake:hebamme.bsky.social"},
        {"$type": "app.bsky.richtext.facet#tag", "tag": "Geburtshilfe"},
    ]


# -- input that must not crash ----------------------------------------------------------------

BAD_INPUT = {
    "empty": "",
    "100-kb-prose": "Pflege ist Teamarbeit. " * 4_500,
    "100-kb-one-word": "x" * 100_000,
    "100-kb-dots": "z.B. " * 20_000,
    "unpaired-combining-marks": "\u0301\u0308 \u20e3 #\u0301tag @\u0308 a\u0301.de",
    "rtl": "\u200fשלום \u202bمرحبا بكم في المستشفى\u202c https://example.org \u2067قسم\u2069",
    "emoji-only": "😷" * 500 + FAMILY * 50 + "🇩🇪" * 50,
    "lone-surrogates": json.loads('"Herz \\ud83d und \\udc9a #Pflege @a.bsky.social"'),
    "invalid-characters": "\ufffe\ufeff\uffff",
}


@pytest.mark.parametrize("text", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_never_crashes_a_counter(text):
    for count in (x_weighted_length, mastodon_length, grapheme_length, utf8_length):
        assert count(text) >= 0
    assert x_validate(text)["weightedLength"] >= 0
    for facet in detect_facets(text, fake_did):
        assert 0 <= facet["index"]["byteStart"] < facet["index"]["byteEnd"] <= utf8_length(text)
