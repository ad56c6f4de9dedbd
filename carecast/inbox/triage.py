"""Triage of incoming comments: which labels, and the words that triggered each.

Labels: emergency, health_data, complaint, question, praise, abuse, spam (several may
apply). German first, English too. Patterns are stems so that compounds and
inflections match ("Brustschmerzen", "kollabierte", "Erfahrungsberichten"); they are
compiled once at import, because triage runs on every comment of every channel.

Rules first, then a second opinion: a moderator must see why a label was given, so
word rules decide wherever they fire and name their words. A small linear model
(``model.py``, trained on every labelled set in ``eval/``) adds a label the rules missed
— above all emergencies described in everyday words — and names the words that weighed
most. ``make eval`` measures both together, also on authors' sets they never saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carecast.compliance.patterns import bounded_words, normalise, words
from carecast.inbox.model import model
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
    # Labels the word rules missed and the model added: shown as "probably" to a moderator.
    by_model: list[str] = field(default_factory=list)
    # Labels the rules gave and the model dropped, with the rules' words.
    doubted: dict[str, list[str]] = field(default_factory=dict)
    # Labels the rules rule out on purpose (sarcastic "praise"): the model may not add them.
    ruled_out: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"text": self.text, "labels": self.labels, "reasons": self.reasons}

    def add(self, label: str, found: list[str]) -> None:
        if found:
            self.labels.append(label)
            self.reasons[label] = found


def triage(text: str) -> Triage:
    """Labels and reasons for one comment. Never raises on odd input."""
    text = text if isinstance(text, str) else ("" if text is None else str(text))
    result = rule_triage(text)
    second = model()
    if second is None:
        return result
    added, vetoed = second.judge(text, result.labels, result.ruled_out)
    for label in vetoed:
        # Rule words the model doubts ("fast nen Herzinfarkt gekriegt 😂"): kept for a
        # moderator who wants to know why, but no label.
        result.labels.remove(label)
        result.doubted[label] = result.reasons.pop(label)
        if label == "emergency":
            result.emergency_kinds = []
    for opinion in added:
        if not opinion.words:
            continue
        result.add(opinion.label, opinion.words)
        result.by_model.append(opinion.label)
        if opinion.label == "emergency":
            # The model cannot tell which kind; the urgent reply names 116 117 and 112.
            result.emergency_kinds.append("urgent")
    result.labels.sort(key=LABELS.index)
    return result


def rule_labels(text: str) -> tuple[list[str], list[str]]:
    """What the word rules alone say: labels given, labels ruled out (for eval/train.py)."""
    result = rule_triage(text)
    return result.labels, result.ruled_out


def rule_triage(text: str) -> Triage:
    scan = bounded_words(normalise(text[:MAX_CHARS]))
    result = Triage(text=text)
    kinds = _emergency(scan)
    result.emergency_kinds = [k for k, _found in kinds]
    result.add("emergency", [w for _k, found in kinds for w in found])
    result.add("health_data", _health_data(scan))
    complaint = words(COMPLAINT, scan)
    result.add("complaint", complaint)
    result.add("question", _question(scan))
    praise = words(PRAISE, scan)
    if praise and _sarcastic(scan, praise, complaint):
        result.ruled_out.append("praise")
    else:
        result.add("praise", praise)
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


def _sarcastic(text: str, praise: list[str], complaint: list[str]) -> bool:
    """ "Super, wieder 4 Stunden. Danke für nichts." is a complaint, not praise."""
    if complaint and all(w in SARCASTIC for w in praise):
        return True
    lower = text.lower()
    return "danke für nichts" in lower or "thanks for nothing" in lower


def _spam(text: str) -> list[str]:
    found = words(SPAM, text)
    link = LINK.search(text)
    if link and not found and SALES_CUE.search(text):
        found = [link.group(0).lower()]
    return found
