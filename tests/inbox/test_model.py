"""The triage model: same features in training and at run time, words that explain it,
and how it combines with the word rules (adds what they miss, drops their idioms)."""

from __future__ import annotations

import json

import pytest

from carecast.inbox import model as triage_model
from carecast.inbox.model import MODEL_PATH, TriageModel, features, tokens
from carecast.inbox.triage import LABELS, rule_labels, triage
from carecast.lib.textmodel import feature_set


def test_umlauts_and_case_do_not_change_the_features():
    assert features("Der Mundwinkel HÄNGT") == features("der mundwinkel haengt")
    assert tokens("Fieber!!! 🤒", fold=False) == ["fieber", "!", "!", "!", "🤒"]


def test_compounds_share_pieces_with_their_parts():
    compound = set(features("Brustschmerzen"))
    parts = set(features("Schmerzen in der Brust"))
    assert {"c:schm", "c:merz", "c:brus"} <= compound & parts


def test_the_model_adds_an_emergency_the_rules_miss_and_says_which_words():
    text = "Mein Vater sackt gerade immer wieder weg und ist ganz kaltschweißig"
    assert "emergency" not in rule_labels(text)[0]
    result = triage(text)
    assert "emergency" in result.labels and "emergency" in result.by_model
    assert "kaltschweißig" in result.reasons["emergency"]  # original spelling, not folded
    assert all(w in text.lower() for w in result.reasons["emergency"])
    assert result.emergency_kinds == ["urgent"]  # the reply that names 116 117 and 112


def test_the_model_drops_an_idiom_the_rules_took_for_an_emergency():
    text = "Die Doku gestern über eure Notaufnahme hat mir fast nen Herzinfarkt beschert 😄"
    assert "emergency" in rule_labels(text)[0]
    result = triage(text)
    assert "emergency" not in result.labels and result.emergency_kinds == []
    assert result.doubted["emergency"] == ["herzinfarkt"]  # kept, for a moderator who asks


def test_rule_words_stay_the_reasons_where_the_rules_fire():
    result = triage("Hilfe mein Sohn hat Kaltreiniger getrunken")
    assert "emergency" in result.labels and "emergency" not in result.by_model
    assert "kaltreiniger getrunken" in result.reasons["emergency"]


def test_the_model_may_not_add_what_the_rules_rule_out():
    result = triage("Super, wieder 4 Stunden warten. Danke für nichts.")
    assert "praise" in result.ruled_out and "praise" not in result.labels


def test_without_a_trained_model_the_rules_work_alone(monkeypatch):
    monkeypatch.setattr("carecast.inbox.triage.model", lambda: None)
    text = "Mein Vater sackt gerade immer wieder weg und ist ganz kaltschweißig"
    assert triage(text).labels == rule_labels(text)[0]


def test_probabilities_for_every_label_also_for_empty_and_unknown_text():
    shipped = triage_model.model()
    assert shipped is not None and shipped.labels == list(LABELS)
    for text in ("", "🤷", "ꙮꙮꙮ ᚠᚢᚦ", "x" * 25_000):
        probabilities = shipped.probabilities(text)
        assert set(probabilities) == set(LABELS)
        assert all(0.0 <= p <= 1.0 for p in probabilities.values())


def test_a_small_model_scores_like_the_formula():
    data = {
        "labels": ["emergency"],
        "intercepts": [-1.0],
        "thresholds": {"emergency": 0.5, "emergency/veto": 0.0},
        "weights": {"w:hilfe": [4.0]},
    }
    tiny = TriageModel(data)
    # "hilfe" has 1 word feature + 5+4+3 pieces = 13 features, one of them known.
    assert tiny.probabilities("hilfe")["emergency"] == pytest.approx(1 / (1 + 2.718281828**-3.0))
    added, vetoed = tiny.judge("hilfe", ruled=[])
    assert [o.label for o in added] == ["emergency"] and added[0].words == ["hilfe"]
    assert tiny.judge("danke", ruled=[]) == ([], [])


def test_the_shipped_file_holds_thresholds_for_every_label():
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    for label in LABELS:
        assert 0.0 < data["thresholds"][label] < 1.0
        assert 0.0 <= data["thresholds"][label + "/veto"] < data["thresholds"][label]


@pytest.mark.parametrize(
    "text",
    ["Mein Vater hat Brustschmerzen!", "", "🙏🙏", "Ä Ö ü ß?!", "ngl my chest hurts lol " * 30],
)
def test_scoring_sees_the_same_features_as_the_reasons(text):
    # judge() scores with feature_set and explains with features: they must agree.
    assert feature_set(text) == set(features(text))
