"""Word patterns for German and English text, compiled once at import.

German glues words together ("Brustschmerzen", "Lippenunterspritzung") and inflects
them ("garantierte", "Erfahrungsberichten"), so patterns are stems: a pattern may
start inside a compound when written with a leading ``~`` and always accepts any
word ending after it. Everything is matched case-insensitively on the NFKC form,
which keeps offsets stable for the ordinary text people type.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Letters of a word, for "rest of the word" after a stem (\w is Unicode: umlauts, ß).
WORD_REST = r"\w*"


def _body(stem: str) -> str:
    body = stem.lstrip("~")
    # A stem ending in \b is a whole word ("ms\b" is not "Messe").
    return body if body.endswith("\\b") else f"(?:{body}){WORD_REST}"


def _at_word_start(stem: str) -> bool:
    return not stem.startswith("~") and (stem[0].isalnum() or stem.startswith(("(?", "\\d")))


def terms(stems: Iterable[str]) -> re.Pattern[str]:
    """One pattern for a list of stems (regex syntax allowed inside each stem).

    Stems that start a word share one leading \b: re then fails fast in the middle of
    words instead of trying every stem at every position (about 4× faster; bench/triage).
    """
    stems = list(stems)
    starts = [_body(s) for s in stems if _at_word_start(s)]
    anywhere = [_body(s) for s in stems if not _at_word_start(s)]
    parts = ([rf"\b(?:{'|'.join(starts)})"] if starts else []) + anywhere
    return re.compile("|".join(parts), re.IGNORECASE)


def normalise(text: str) -> str:
    """NFKC, so full-width or styled letters ("𝐁𝐨𝐭𝐨𝐱") match like plain ones."""
    normal = unicodedata.normalize("NFKC", text)
    # Offsets must stay those of the original; NFKC rarely changes lengths in real posts,
    # and when it does, the original text is searched instead (spans stay correct).
    return normal if len(normal) == len(text) else text


# No word people write is longer; a hostile comment's 10,000-digit "word" made patterns
# with a ``\d+\w*`` stem backtrack quadratically (1.4 s per comment, seconds at 20,000).
LONGEST_WORD = 64
_OVERLONG = re.compile(rf"\w{{{LONGEST_WORD + 1},}}")


def bounded_words(text: str) -> str:
    """``text`` with every run of word characters cut to ``LONGEST_WORD``: linear time, and
    the patterns' work per position stays bounded whatever a network sends."""
    return _OVERLONG.sub(lambda m: m.group()[:LONGEST_WORD], text)


def first(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return pattern.search(text)


def words(pattern: re.Pattern[str], text: str, limit: int = 5) -> list[str]:
    """The distinct words that matched, in order, for a moderator to see why."""
    seen: list[str] = []
    for match in pattern.finditer(text):
        word = _whole_words(text, match.start(), match.end()).strip().lower()
        if word and word not in seen:
            seen.append(word)
            if len(seen) >= limit:
                break
    return seen


def _whole_words(text: str, start: int, end: int) -> str:
    """The match widened to whole words: "krebs" found in "Brustkrebs" shows as "brustkrebs"."""
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "ß"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] == "ß"):
        end += 1
    return text[start:end]
