"""Suggest duplicates: questions that share most of their meaningful words."""

from __future__ import annotations

import re
from collections.abc import Iterable

from carecast.live.models import Question

_WORD = re.compile(r"\w{3,}", re.UNICODE)
# Words every question has; they say nothing about the topic.
_STOP = {
    "der",
    "die",
    "das",
    "und",
    "oder",
    "ich",
    "sie",
    "ist",
    "ein",
    "eine",
    "einen",
    "mit",
    "bei",
    "wie",
    "was",
    "wann",
    "warum",
    "kann",
    "man",
    "wenn",
    "auch",
    "noch",
    "für",
    "von",
    "auf",
    "sollte",
    "muss",
    "gibt",
    "nach",
    "vor",
    "the",
    "and",
    "can",
    "what",
    "how",
    "should",
    "darf",
    "dürfen",
    "beim",
    "einem",
    "einer",
    "eines",
    "dabei",
    "sein",
    "den",
    "dem",
    "des",
    "sich",
    "mir",
    "mich",
    "mein",
    "meine",
    "ihr",
    "ihre",
    "haben",
    "habe",
    "hat",
    "wird",
    "werden",
    "sind",
    "bin",
    "schon",
    "also",
    "aber",
    "denn",
    "dass",
    "welche",
}


def words(text: str) -> set[str]:
    # A crude stem (first 6 letters) lets "Impfung"/"Impfungen" meet.
    return {w[:6] for w in _WORD.findall(text.lower()) if w not in _STOP}


def similarity(a: str, b: str) -> float:
    left, right = words(a), words(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def suggestions(
    question: Question, others: Iterable[Question], threshold: float = 0.3
) -> list[Question]:
    """Other questions most like ``question``, best first."""
    scored = [
        (similarity(question.text, other.text), other)
        for other in others
        if other.pk != question.pk
    ]
    return [other for score, other in sorted(scored, key=lambda s: -s[0]) if score >= threshold][:3]
