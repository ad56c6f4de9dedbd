"""How each network counts text. Pure functions; see tests/networks/test_conformance_*.

X counts by twitter-text config v3 (``x_weighted_length``, ``x_validate``). We first wrapped
``twitter-text-parser`` (module ``twitter_text``): its ``parse_tweet`` passes every case of the
v3 sections of twitter-text's validate.yml, but it is too slow for a counter that runs on every
keystroke (1.6 ms per 280-character text) and its URL regex backtracks badly: "a." * 500 (1,000
characters) takes 11 s, "http://a.com/" + "(a)" * 5000 takes 3 s. So the counting loop, the
emoji rule and URL extraction are our own; the library still supplies twitter-text's data (TLD
lists, character classes), ``is_valid_url`` and the t.co rule, and the tests check our URL
extraction against twitter-text's extract.yml and against the library itself.

Mastodon counts grapheme clusters after replacing every URL by 23 characters and every remote
mention ``@user@domain`` by ``@user`` (StatusLengthValidator). Bluesky counts graphemes (300)
and UTF-8 bytes (3,000).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from typing import Any

import regex

from carecast.networks.twitter_urls import extract_urls

X_LIMIT = 280
X_URL_LENGTH = 23

# twitter-text v3: these ranges weigh 1, everything else 2.
_HEAVY = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")
_INVALID = frozenset("\ufffe\ufeff\uffff")
_LINE_ENDINGS = re.compile(r"\r\n|\r|\n")

# One emoji sequence (UTS #51) weighs 2 however many code points it has: flags, keycaps,
# subdivision flags, and ZWJ sequences of emoji with skin tones or presentation selectors.
# Agrees with twitter-text's Unicode 12 list on all 3,827 entries (tests) and also covers newer
# sequences, which that list counts code point by code point.
_EMOJI_ELEMENT = r"(?:(?![#*0-9])\p{Emoji})(?:\p{Emoji_Modifier}|\uFE0F)?"
_EMOJI = regex.compile(
    r"\p{Regional_Indicator}{2}"
    r"|[#*0-9]\uFE0F?\u20E3"
    r"|\U0001F3F4[\U000E0020-\U000E007E]+\U000E007F"
    rf"|{_EMOJI_ELEMENT}(?:\u200D{_EMOJI_ELEMENT})*"
)

# -- X ----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def x_weighted_length(text: str) -> int:
    """The length X charges for ``text``: code points weigh 1 or 2, URLs 23, emoji 2."""
    normalized = _x_normalize(text)
    total = _weight(normalized)
    for start, end, weight in _x_entities(normalized):
        total += weight - _weight(normalized[start:end])
    return total


def x_validate(text: str) -> dict[str, Any]:
    """twitter-text's ``parseTweet`` result: length, validity and the ranges the UI highlights.

    Ranges are UTF-16 indices into ``text`` (what a browser's textarea uses).
    """
    normalized = _x_normalize(text)
    weighted, valid, last_valid = _x_scan(normalized)
    offset = _utf16_length(text) - _utf16_length(normalized)
    return {
        "weightedLength": weighted,
        "valid": valid and 0 < weighted <= X_LIMIT,
        "permillage": math.floor(weighted / X_LIMIT * 1000),  # the reference's float arithmetic
        "displayRangeStart": 0,
        "displayRangeEnd": max(_utf16_length(text) - 1, 0),
        "validRangeStart": 0,
        "validRangeEnd": max(_utf16_length(normalized[: last_valid + 1]) - 1 + offset, 0),
    }


def _x_normalize(text: str) -> str:
    """NFC, and one newline per line break: a form posts CRLF, the browser counts LF."""
    return _LINE_ENDINGS.sub("\n", unicodedata.normalize("NFC", text))


def _x_entities(text: str) -> list[tuple[int, int, int]]:
    """Non-overlapping (start, end, weight) of URLs and emoji, URLs first where both start.

    A URL covers as many characters as its ``url`` has, like the reference: for a bare domain
    with a path that is shorter than its indices (``example.中国.org/``), the rest counts.
    """
    found = [
        (u["indices"][0], 0, u["indices"][0] + len(u["url"]), X_URL_LENGTH)
        for u in extract_urls(text)
    ]
    found += [(m.start(), 1, m.end(), 2) for m in _EMOJI.finditer(text)]
    entities, covered = [], 0
    for start, _, end, weight in sorted(found):
        if start >= covered:
            entities.append((start, end, weight))
            covered = end
    return entities


def _x_scan(text: str) -> tuple[int, bool, int]:
    """Walk ``text`` like twitter-text: (weighted length, no invalid char, last index within 280)."""
    entities = {start: (end, weight) for start, end, weight in _x_entities(text)}
    weighted, valid, last_valid, index = 0, True, 0, 0
    while index < len(text):
        end, weight = entities.get(index, (index + 1, 0))
        index = end - 1  # the reference looks at an entity's last character from here on
        weighted += weight or (2 if _HEAVY.match(text[index]) else 1)
        valid = valid and text[index] not in _INVALID
        if valid and weighted <= X_LIMIT:
            last_valid = index
        index += 1
    return weighted, valid, last_valid


def _weight(text: str) -> int:
    return len(text) + len(_HEAVY.findall(text))


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


_MASTODON_MENTION = re.compile(
    r"(?<![=/\w])@((?i:[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@\w+(?:[.-]+\w+)*)?)"
)
_NOT_MENTION_END = re.compile(
    "[@\uff20\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257"
    "\u0259\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff]|://"
)


# Pure and asked twice per post (fitting, then the scheduling guard), hundreds at a time by
# the automation: remembering recent answers halves the counting.
@functools.lru_cache(maxsize=4096)
def mastodon_length(text: str, url_length: int = 23) -> int:
    """Mastodon's count: graphemes, each http(s) URL as ``url_length``, ``@user@domain`` as
    ``@user``; blank text counts 0.

    Not code points: Mastodon's StatusLengthValidator has counted grapheme clusters since 2017
    (``mb_chars.grapheme_length``, today ``each_grapheme_cluster.size``), so 👩‍⚕️ is 1.
    """
    if not text.strip():
        return 0
    entities = [
        (url["indices"][0], url["indices"][1], "x" * url_length)
        for url in extract_urls(text, without_protocol=False)
    ]
    for mention in _MASTODON_MENTION.finditer(text):
        if not _NOT_MENTION_END.match(text, mention.end()):
            entities.append((mention.start(), mention.end(), "@" + mention[1].split("@")[0]))
    pieces, covered = [], 0
    for start, end, replacement in sorted(entities):
        if start >= covered:  # Extractor.remove_overlapping_entities
            pieces += [text[covered:start], replacement]
            covered = end
    return grapheme_length("".join(pieces) + text[covered:])


# -- Bluesky and bytes ------------------------------------------------------------------------

_GRAPHEME = regex.compile(r"\X")


def grapheme_length(text: str) -> int:
    """Extended grapheme clusters: Bluesky counts what a reader sees as one character."""
    return len(_GRAPHEME.findall(text))


def utf8_length(text: str) -> int:
    """UTF-8 bytes; a lone surrogate counts 3, as the U+FFFD a browser would send."""
    return len(text.encode("utf-8", "surrogatepass"))
