"""The language a comment is answered in."""

from __future__ import annotations

import pytest

from carecast.lib.language import guess_language


@pytest.mark.parametrize(
    "text",
    [
        "My father has chest pain and can't breathe, what should we do?",
        "hi is the blood donation centre open on saturdays",
        "ngl my chest has been hurting for an hour lol",
        "Thank you to the night shift on ward 4!",
    ],
)
def test_english_comments_read_as_english(text):
    assert guess_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "Mein Vater hat Brustschmerzen und bekommt keine Luft, was sollen wir tun?",
        "hab grad alle tabletten genommen, egal jetzt",
        "Hilfe!!! Notfall",  # no small words: the hospital's language
        "Grüße aus Köln",  # umlaut tips it
        "",
        "🙏🙏🙏",
        "<script>alert(1)</script>",
    ],
)
def test_german_and_unclear_comments_read_as_german(text):
    assert guess_language(text) == "de"


def test_mixed_comments_go_with_the_majority():
    assert guess_language("bro das ist so true, ich hab das auch erlebt") == "de"
    assert guess_language("Danke! We are so grateful for the care you gave our son") == "en"


def test_a_very_long_comment_is_read_only_as_far_as_needed():
    assert guess_language("the " * 50_000) == "en"
