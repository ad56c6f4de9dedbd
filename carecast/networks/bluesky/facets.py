"""Bluesky rich-text facets (app.bsky.richtext.facet) with UTF-8 byte offsets.

Bluesky does not parse post text: the client sends byte ranges for links, mentions and
hashtags, as the atproto TypeScript ``RichText.detectFacets`` finds them.

Links and mentions come from the atproto SDK (``atproto_client.utils``, a port of
``detectFacets``); it passes all 38 "segments" vectors of conformance/bluesky/facets.json.
Like the Bluesky app, it links no bare domain with a hyphen (``klinikum-musterstadt.de``,
bluesky-social/atproto#4120): written with ``https://`` the link is found.
Hashtags are our own: the SDK follows today's atproto rules and fails 7 of the 32 "tags"
vectors, which were written for the earlier rule this module keeps (a tag is letters, emoji,
digits, ``_`` and ``-``, so ``#n0n3s@n5e!`` tags ``n0n3s``). We add what that rule lacked:
the fullwidth ``＃``, a leading digit (``#1a``, never digits alone), combining marks
(decomposed umlauts) and emoji ZWJ sequences inside a tag, and the lexicon's limit of
64 graphemes and 640 bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import regex

from carecast.networks.textcount import grapheme_length, utf8_length

FACET = "app.bsky.richtext.facet"
_MAX_TAG_GRAPHEMES = 64  # app.bsky.richtext.facet#tag: maxGraphemes 64, maxLength 640
_MAX_TAG_BYTES = 640

_JS_SPACE = r"\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_EMOJI = r"\p{Emoji_Presentation}\p{Emoji_Modifier_Base}\p{Extended_Pictographic}"
_TAG = regex.compile(
    rf"(?:^|[{_JS_SPACE}])([#＃])"  # the fullwidth number sign starts a tag too
    rf"([\p{{L}}{_EMOJI}0-9]"
    rf"(?:[\p{{L}}\p{{Mn}}\p{{Mc}}{_EMOJI}0-9_\-]|\u200d(?=[{_EMOJI}]))*)"
)
_TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")
_NOT_A_NUMBER = regex.compile(r"[^0-9_\-]")
_LONE_SURROGATE = regex.compile(r"[\ud800-\udfff]")


def detect_facets(text: str, resolve_handle: Callable[[str], str | None]) -> list[dict[str, Any]]:
    """Facets for ``text``, sorted by position; mentions whose handle does not resolve are left
    out (they stay plain text). Offsets are UTF-8 bytes, as the lexicon wants."""
    # A lone surrogate cannot be sent as UTF-8; the U+FFFD it becomes has the same 3 bytes.
    text = _LONE_SURROGATE.sub("\ufffd", text)
    facets = _links(text) + _mentions(text, resolve_handle) + _tags(text)
    facets.sort(key=lambda facet: facet["index"]["byteStart"])
    kept: list[dict[str, Any]] = []
    for facet in facets:  # overlapping facets would be skipped by every client; keep the first
        if not kept or facet["index"]["byteStart"] >= kept[-1]["index"]["byteEnd"]:
            kept.append(facet)
    return kept


def _links(text: str) -> list[dict[str, Any]]:
    """Links incl. bare domains on a known TLD (https:// added), trailing punctuation dropped."""
    from atproto_client.models import AppBskyRichtextFacet
    from atproto_client.utils import detect_facets as sdk_facets  # 1.2 s import: load on use

    return [
        _facet(
            found.index.byte_start,
            found.index.byte_end,
            {"$type": f"{FACET}#link", "uri": link.uri},
        )
        for found in sdk_facets(text)
        for link in found.features
        if isinstance(link, AppBskyRichtextFacet.Link)
    ]


def _mentions(text: str, resolve_handle: Callable[[str], str | None]) -> list[dict[str, Any]]:
    from atproto_client.utils import detect_mentions

    facets = []
    for mention in detect_mentions(text):
        did = resolve_handle(mention.handle)
        if did:
            feature = {"$type": f"{FACET}#mention", "did": did}
            facets.append(_facet(mention.byte_start, mention.byte_end, feature))
    return facets


def _tags(text: str) -> list[dict[str, Any]]:
    """``#tag`` after whitespace or at the start; the range covers the sign, the tag does not."""
    spans = []
    for match in _TAG.finditer(text):
        tag = _TRAILING_PUNCTUATION.sub("", match[2])
        if _is_valid_tag(tag):
            spans.append((match.start(1), match.start(2) + len(tag), tag))
    offsets = _utf8_offsets(text, [index for start, end, _ in spans for index in (start, end)])
    return [
        _facet(offsets[start], offsets[end], {"$type": f"{FACET}#tag", "tag": tag})
        for start, end, tag in spans
    ]


def _is_valid_tag(tag: str) -> bool:
    return (
        bool(_NOT_A_NUMBER.search(tag))
        and grapheme_length(tag) <= _MAX_TAG_GRAPHEMES
        and utf8_length(tag) <= _MAX_TAG_BYTES
    )


def _utf8_offsets(text: str, indices: list[int]) -> dict[int, int]:
    """UTF-8 byte offset of each code point index, in one pass over ``text``."""
    offsets, index, byte = {}, 0, 0
    for target in sorted(set(indices)):
        byte += utf8_length(text[index:target])
        offsets[target], index = byte, target
    return offsets


def _facet(byte_start: int, byte_end: int, feature: dict[str, Any]) -> dict[str, Any]:
    return {
        "$type": FACET,
        "index": {"byteStart": byte_start, "byteEnd": byte_end},
        "features": [feature],
    }
