"""Bluesky facets against the atproto test vectors (conformance/bluesky/facets.json).

As the file's notes say, handle X resolves to ``did:fake:X``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from carecast.networks.bluesky.facets import detect_facets
from tests.networks.conftest import cases, conformance_file, require

FACETS = conformance_file("bluesky", "facets.json")

# The vector named "64character" holds a 65-character tag. atproto later fixed the vector
# (and its detector) to the lexicon's limit: app.bsky.richtext.facet#tag has maxGraphemes 64,
# and the PDS's own schema rejects a post with this facet ("grapheme too big (maximum 64,
# got 65)"). Emitting it would make the whole post fail, so we keep the lexicon's limit.
OVER_THE_LEXICON_LIMIT = "body #thisisa64characterstring_" + "a" * 40


def fake_did(handle: str) -> str:
    return f"did:fake:{handle}"


def load(path: Path, section: str) -> list[tuple[str, Any]] | None:
    if not path.is_file():
        return None
    vectors = json.loads(path.read_text(encoding="utf-8"))[section]
    return [(f"{number:02d}-{case['text']!r}", case) for number, case in enumerate(vectors)]


def tag_cases() -> list[Any]:
    params = cases(FACETS, load(FACETS, "tags"))
    for number, param in enumerate(params):
        case = param.values[0]
        if isinstance(case, dict) and case["text"] == OVER_THE_LEXICON_LIMIT:
            reason = "65-grapheme tag: over the lexicon's maxGraphemes 64 (see module)"
            params[number] = pytest.param(
                case, id=param.id, marks=pytest.mark.xfail(strict=True, reason=reason)
            )
    return params


def segments(text: str, facets: list[dict[str, Any]]) -> list[list[str]]:
    """The text cut at the facets, as RichText.segments() does: [text] or [text, uri/did]."""
    data, cursor, out = text.encode(), 0, []
    for facet in facets:
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        if start > cursor:
            out.append([data[cursor:start].decode()])
        feature = facet["features"][0]
        value = feature.get("uri") or feature.get("did")
        out.append([data[start:end].decode(), value] if value else [data[start:end].decode()])
        cursor = end
    if cursor < len(data):
        out.append([data[cursor:].decode()])
    return out


@pytest.mark.parametrize("case", cases(FACETS, load(FACETS, "segments")))
def test_it_detects_links_and_mentions_like_atproto(case):
    case = require(case)
    assert segments(case["text"], detect_facets(case["text"], fake_did)) == case["segments"]


@pytest.mark.parametrize("case", tag_cases())
def test_it_detects_tags_like_atproto(case):
    case = require(case)
    tags = [
        facet
        for facet in detect_facets(case["text"], fake_did)
        if facet["features"][0]["$type"] == "app.bsky.richtext.facet#tag"
    ]
    assert [facet["features"][0]["tag"] for facet in tags] == case["tags"]
    assert [[facet["index"]["byteStart"], facet["index"]["byteEnd"]] for facet in tags] == case[
        "byte_ranges"
    ]


def test_the_64_grapheme_tag_of_the_fixed_vector_is_kept():
    (facet,) = detect_facets("body #thisisa64characterstring_" + "a" * 39, fake_did)
    assert facet["index"] == {"byteStart": 5, "byteEnd": 70}


def test_every_facet_is_a_complete_lexicon_object():
    (facet,) = detect_facets("Mehr auf klinikum.de", fake_did)
    assert facet == {
        "$type": "app.bsky.richtext.facet",
        "index": {"byteStart": 9, "byteEnd": 20},
        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://klinikum.de"}],
    }


def test_a_bare_domain_with_a_hyphen_stays_text_as_in_the_bluesky_app():
    # atproto's URL_REGEX has no "-" in bare domains (bluesky-social/atproto#4120, open).
    # With the protocol written out, the link is found.
    assert detect_facets("Mehr auf klinikum-musterstadt.de", fake_did) == []
    (facet,) = detect_facets("Mehr auf https://klinikum-musterstadt.de", fake_did)
    assert facet["features"][0]["uri"] == "https://klinikum-musterstadt.de"


# -- beyond the vectors -----------------------------------------------------------------------


def tags(text: str) -> list[tuple[str, int, int]]:
    return [
        (facet["features"][0]["tag"], facet["index"]["byteStart"], facet["index"]["byteEnd"])
        for facet in detect_facets(text, fake_did)
        if facet["features"][0]["$type"] == "app.bsky.richtext.facet#tag"
    ]


def test_offsets_are_utf8_bytes():
    # "Tür " has 5 bytes, ＃ has 3.
    assert tags("Tür #Kreißsaal") == [("Kreißsaal", 5, 16)]
    assert tags("Tür ＃Kreißsaal") == [("Kreißsaal", 5, 18)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jahresbericht #2024", []),
        ("Jahresbericht #2024_", []),
        ("Rückblick #1a", ["1a"]),
        ("#Gesundheitsfo\u0308rderung!", ["Gesundheitsfo\u0308rderung"]),
        ("Unser Team #👩‍⚕️", ["👩‍⚕️"]),
        ("#Pflege, #Geburtshilfe.", ["Pflege", "Geburtshilfe"]),
    ],
)
def test_tags_in_german_posts(text, expected):
    assert [tag for tag, _, _ in tags(text)] == expected


def test_a_mention_nobody_answers_to_stays_plain_text():
    assert detect_facets("Danke @hebamme.bsky.social!", lambda handle: None) == []


def test_a_failing_handle_lookup_is_not_swallowed():
    def unreachable(handle: str) -> str | None:
        raise TimeoutError("PDS did not answer")

    with pytest.raises(TimeoutError):
        detect_facets("Danke @hebamme.bsky.social!", unreachable)
