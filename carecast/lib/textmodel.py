"""A small linear model over words and word pieces: the second opinion beside word rules.

Word rules say exactly why they fire, but one author's word lists miss the many ways
people say a thing ("sackt immer wieder weg", "kaltschweißig"; "the team on 5B remembers
you"). Models of this kind are trained on the labelled sets in ``eval/``
(``python -m eval.train``) and ship as plain weights in JSON: no machine-learning library
at run time, the same features in training and here, and each decision explained by the
words that weighed most. Used by comment triage (``inbox``) and the reply checks
(``compliance``).

Features: whole words, pairs of neighbouring words and 3–5 letter pieces of each word
(so "Brustschmerzen" shares pieces with "Schmerzen in der Brust" and "brustschmerz"),
on lower-cased text with umlauts folded ("hängt" = "haengt").
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

PIECES = (3, 4, 5)
MAX_CHARS = 20_000

# Words that carry weight together with others but explain nothing on their own.
FUNCTION_WORDS = frozenset(
    [
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einen",
        "einem",
        "einer",
        "eines",
        "und",
        "oder",
        "aber",
        "doch",
        "denn",
        "mit",
        "von",
        "zu",
        "zum",
        "zur",
        "im",
        "in",
        "am",
        "an",
        "auf",
        "aus",
        "bei",
        "nach",
        "vor",
        "für",
        "über",
        "unter",
        "um",
        "ist",
        "sind",
        "war",
        "hat",
        "habe",
        "haben",
        "hatte",
        "wird",
        "werden",
        "ich",
        "du",
        "er",
        "sie",
        "es",
        "wir",
        "ihr",
        "mein",
        "meine",
        "meinen",
        "meinem",
        "meiner",
        "dein",
        "deine",
        "sein",
        "seine",
        "ihre",
        "unser",
        "unsere",
        "euer",
        "eure",
        "mir",
        "mich",
        "dir",
        "dich",
        "ihm",
        "ihn",
        "uns",
        "euch",
        "so",
        "auch",
        "noch",
        "nur",
        "schon",
        "sehr",
        "ganz",
        "mal",
        "da",
        "dann",
        "wie",
        "was",
        "wer",
        "wo",
        "wenn",
        "dass",
        "nicht",
        "kein",
        "keine",
        "ja",
        "nein",
        "hier",
        "jetzt",
        "immer",
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "i",
        "you",
        "he",
        "she",
        "it",
        "we",
        "they",
        "my",
        "your",
        "his",
        "her",
        "our",
        "their",
        "me",
        "him",
        "us",
        "them",
        "so",
        "too",
        "very",
        "just",
        "not",
        "no",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "who",
        "where",
        "when",
        "how",
        "bin",
        "bist",
        "hab",
        "hast",
        "habt",
        "seid",
        "kann",
        "muss",
        "soll",
        "will",
        "wurde",
        "worden",
        "am",
        "im",
        "i'm",
        "is",
        "be",
    ]
)
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# Words, "?" and "!", and any other single symbol (emoji) as its own token.
_TOKEN = re.compile(r"\w+|[?!]|[^\w\s]")


def tokens(text: str, fold: bool = True) -> list[str]:
    """Lower-cased tokens; unfolded ones line up one to one with folded ones (for display)."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).lower()
    return _TOKEN.findall(text.translate(_FOLD) if fold else text)


@lru_cache(maxsize=100_000)
def word_features(token: str) -> tuple[str, ...]:
    """The features one token contributes on its own (cached: most words come back often)."""
    if not token[0].isalnum():
        return ("s:" + token,)
    found = ["w:" + token]
    padded = f" {token} "
    for n in PIECES:
        found.extend("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return tuple(found)


def features(text: str) -> dict[str, list[int]]:
    """Each feature of a text, with the positions of the tokens it came from (for reasons)."""
    toks = tokens(text)
    found: dict[str, list[int]] = {}
    for i, tok in enumerate(toks):
        for f in word_features(tok):
            found.setdefault(f, []).append(i)
    for a, b in _word_pairs(toks):
        found.setdefault(_bigram(toks[a], toks[b]), []).extend((a, b))
    return found


def _word_pairs(toks: list[str]) -> list[tuple[int, int]]:
    """Positions of neighbouring words (symbols and emoji in between are skipped)."""
    words = [i for i, t in enumerate(toks) if t[0].isalnum()]
    return list(zip(words, words[1:], strict=False))


def _bigram(a: str, b: str) -> str:
    return f"b:{a} {b}"


def feature_set(text: str) -> set[str]:
    """The same features as ``features`` without their positions: all scoring needs, and
    about twice as fast (the positions are only worked out when words are to be shown)."""
    toks = tokens(text)
    found = set().union(*map(word_features, toks))
    found.update(_bigram(toks[a], toks[b]) for a, b in _word_pairs(toks))
    return found


def feature_names(text: str) -> list[str]:
    """The features of a text, for training (the same function the model uses)."""
    return list(features(text))


@dataclass(frozen=True)
class Opinion:
    label: str
    probability: float
    words: list[str]


class TextModel:
    def __init__(self, data: dict) -> None:
        self.labels: list[str] = data["labels"]
        self.intercepts: list[float] = data["intercepts"]
        self.thresholds: dict[str, float] = data["thresholds"]
        weights: dict[str, list[float]] = data["weights"]
        # One row per feature: a comment's scores are one gather and one sum.
        self.rows = {name: i for i, name in enumerate(weights)}
        self.matrix = np.array(list(weights.values()) or [[0.0] * len(self.labels)], dtype=float)

    def probabilities(self, text: str) -> dict[str, float]:
        """The model's probability for every label (training and evaluation use these)."""
        return dict(zip(self.labels, self._scores(feature_set(text)), strict=True))

    def judge(
        self, text: str, ruled: Collection[str], ruled_out: Collection[str] = ()
    ) -> tuple[list[Opinion], list[str]]:
        """What the model changes about the rules' labels: labels it adds, with the words
        that weighed most, and rule labels it doubts strongly enough to drop ("vetoed").

        A label is given when the model's probability reaches the label's threshold, or when
        the rules give it and the probability reaches the label's veto level (both chosen on
        authors' sets the model never saw; eval/train.py).
        """
        added, vetoed = [], []
        toks: list[str] | None = None
        found: dict[str, list[int]] | None = None
        for j, (label, probability) in enumerate(
            zip(self.labels, self._scores(feature_set(text)), strict=True)
        ):
            threshold = self.thresholds.get(label)
            if threshold is None:
                continue
            if label in ruled:
                if probability < self.thresholds.get(label + "/veto", 0.0):
                    vetoed.append(label)
                continue
            if probability < threshold or label in ruled_out:
                continue
            toks = toks or tokens(text, fold=False)
            found = found or features(text)
            added.append(Opinion(label, probability, self._words(found, toks, j)))
        return added, vetoed

    def _scores(self, found: set[str]) -> list[float]:
        if not found:
            return [1.0 / (1.0 + math.exp(-b)) for b in self.intercepts]
        rows = self.rows
        shared = rows.keys() & found
        if not shared:
            return [1.0 / (1.0 + math.exp(-b)) for b in self.intercepts]
        # The L2-normalised binary vector of training, over the features the model knows:
        # words it never saw (another script, a typo) do not water down the ones it knows.
        scale = 1.0 / math.sqrt(len(shared))
        known = np.fromiter(map(rows.__getitem__, shared), dtype=np.intp, count=len(shared))
        known.sort()  # the same sum in the same order, whatever order the set iterates in
        totals = self.matrix.take(known, axis=0).sum(axis=0)
        return [
            1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, b + float(t) * scale))))
            for b, t in zip(self.intercepts, totals, strict=True)
        ]

    def _words(self, found: dict[str, list[int]], toks: list[str], j: int) -> list[str]:
        """The words that weighed most for label ``j``: each feature's weight shared among
        the tokens it came from."""
        by_token: dict[int, float] = {}
        column = self.matrix[:, j]
        for name, positions in found.items():
            i = self.rows.get(name)
            if i is None:
                continue
            share = float(column[i]) / len(positions)
            for p in positions:
                by_token[p] = by_token.get(p, 0.0) + share
        return _top_words(toks, by_token)


def _top_words(toks: list[str], by_token: dict[int, float], k: int = 3) -> list[str]:
    best = sorted(
        (w, i)
        for i, w in by_token.items()
        if w > 0 and toks[i][0].isalnum() and toks[i] not in FUNCTION_WORDS
    )
    seen: list[str] = []
    for _w, i in reversed(best):
        if toks[i] not in seen:
            seen.append(toks[i])
        if len(seen) == k:
            break
    return seen


def load(path: Path) -> TextModel | None:
    """The weights at ``path``, or None where no model was trained (the rules still work)."""
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as f:
        return TextModel(json.load(f))
