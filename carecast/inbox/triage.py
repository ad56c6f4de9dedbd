"""Triage of incoming comments: which labels, and the words that triggered each.

Labels: emergency, health_data, complaint, question, praise, abuse, spam (several may
apply). German first, English too. Patterns are stems so that compounds and
inflections match ("Brustschmerzen", "kollabierte", "Erfahrungsberichten"); they are
compiled once at import, because triage runs on every comment of every channel.

Rules, not a model: a moderator must see why a label was given, and a miss on an
emergency must be explainable. The evaluation set (``make eval``) measures them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carecast.compliance.patterns import normalise, words
from carecast.inbox.triage_terms import (
    ABUSE,
    ALARM,
    COMPLAINT,
    CONDITION,
    LIFE,
    LINK,
    NOT_NOW,
    NOW,
    NOW_ACUTE,
    PAST_OR_THANKS,
    PERSONAL,
    PRAISE,
    QUESTION_HINT,
    QUESTION_OPENING,
    QUESTION_START,
    SALES_CUE,
    SARCASTIC,
    SENTENCES,
    SPAM,
    SUICIDE,
    SYMPTOM,
    URGENT,
)

LABELS = ("emergency", "health_data", "complaint", "question", "praise", "abuse", "spam")
MAX_CHARS = 20_000  # a comment longer than any network allows is cut, not scanned forever


@dataclass
class Triage:
    text: str
    labels: list[str] = field(default_factory=list)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    # Which ready reply fits: "life" (112), "suicide" (TelefonSeelsorge), "urgent" (116 117).
    emergency_kinds: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"text": self.text, "labels": self.labels, "reasons": self.reasons}

    def add(self, label: str, found: list[str]) -> None:
        if found:
            self.labels.append(label)
            self.reasons[label] = found


def triage(text: str) -> Triage:
    """Labels and reasons for one comment. Never raises on odd input."""
    text = text if isinstance(text, str) else str(text)
    scan = normalise(text[:MAX_CHARS])
    result = Triage(text=text)
    kinds = _emergency(scan)
    result.emergency_kinds = [k for k, _found in kinds]
    result.add("emergency", [w for _k, found in kinds for w in found])
    result.add("health_data", _health_data(scan))
    complaint = words(COMPLAINT, scan)
    result.add("complaint", complaint)
    result.add("question", _question(scan))
    result.add("praise", _praise(scan, complaint))
    result.add("abuse", words(ABUSE, scan))
    result.add("spam", _spam(scan))
    return result


def _emergency(text: str) -> list[tuple[str, list[str]]]:
    found = [
        (kind, words(pattern, text))
        for kind, pattern in (("life", LIFE), ("suicide", SUICIDE), ("urgent", URGENT))
    ]
    found = [(kind, w) for kind, w in found if w]
    if not found:
        # Recall first: an acute sign in a comment that is not a story of past care counts
        # as urgent (the ready reply names 116 117 and 112); a person then looks at it.
        symptom = words(SYMPTOM, text)
        cue = words(ALARM, text) or words(NOW_ACUTE, text)
        if symptom and (cue or not PAST_OR_THANKS.search(text)):
            found = [("urgent", cue + symptom)]
    if not found:
        return []
    # Suicidal thoughts are always taken at their word; talk of an emergency that is over
    # ("hatte letztes Jahr einen Schlaganfall") or about emergencies in general is not one.
    over = NOT_NOW.search(text) and not NOW.search(text)
    return [(kind, w) for kind, w in found if kind == "suicide" or not over]


def _health_data(text: str) -> list[str]:
    found: list[str] = []
    for sentence in SENTENCES.split(text):
        conditions = words(CONDITION, sentence)
        if conditions and PERSONAL.search(sentence):
            found.extend(c for c in conditions if c not in found)
    return found[:5]


def _question(text: str) -> list[str]:
    found = []
    if "?" in text:
        found.append("?")
    start = QUESTION_START.search(text)
    if start and "?" in text[start.start() :]:
        found.append(start.group(0).strip(" .!?\n").lower())
    elif len(text) < 120 and "." not in text.rstrip(". ") and QUESTION_OPENING.search(text):
        found.append(QUESTION_OPENING.search(text).group(0).strip().lower())
    found += words(QUESTION_HINT, text)
    return found


def _praise(text: str, complaint: list[str]) -> list[str]:
    found = words(PRAISE, text)
    if complaint and all(w in SARCASTIC for w in found):
        return []
    if "danke für nichts" in text.lower() or "thanks for nothing" in text.lower():
        return []
    return found


def _spam(text: str) -> list[str]:
    found = words(SPAM, text)
    link = LINK.search(text)
    if link and not found and SALES_CUE.search(text):
        found = [link.group(0).lower()]
    return found
