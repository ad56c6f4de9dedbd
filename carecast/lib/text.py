"""Text as people meant it, whatever it came through: a pasted Word document, a feed, a network.

Word pastes a vertical tab for a manual line break; feeds and networks send NULs, stray C1
controls and lone surrogates. None of them belongs in a post, and XML 1.0 refuses most of
them outright: one vertical tab in a published post made the public RSS feed answer 500.
Every text that enters carecast (stories, feed items, comments, questions) passes here.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, lone surrogates and the two
# non-characters XML forbids.
_UNWANTED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Vertical tab, form feed, carriage returns and Unicode's line/paragraph separators: a line break.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")


def clean_text(value: str | None) -> str:
    """``value`` without control characters; line breaks of every kind become ``\\n``."""
    if not value:
        return ""
    return _UNWANTED.sub("", _LINE_BREAKS.sub("\n", value))
