"""The reply checks' second opinion: a model trained on other authors' replies flags what
the word rules miss, names its words, and never un-blocks what the rules found."""

from __future__ import annotations

import pytest

from carecast.compliance.checks import privacy
from carecast.compliance.checks.privacy import HealthData, PatientConfirmation, rule_ids
from carecast.compliance.draft import draft_from_json


def reply(text: str):
    return draft_from_json(
        {
            "text": text,
            "networks": ["mastodon"],
            "account": {"kind": "brand", "imprint_url": "https://example.org/impressum"},
            "media": [],
            "reply_to": "Ein Kommentar",
        }
    )


def test_it_flags_a_confirmation_in_words_no_rule_knows():
    text = "Das Team der 5B erinnert sich gern an Sie!"
    assert rule_ids(text) == []
    (finding,) = PatientConfirmation().run(reply(text))
    assert finding.severity == "block" and "team" in finding.message.lower()
    start, end = finding.span
    assert text[start:end].lower() in finding.message.lower()


@pytest.mark.parametrize(
    "text",
    [
        "Aus Datenschutzgründen können wir hier nichts zu einzelnen Personen sagen. "
        "Schreiben Sie uns gern eine DM.",
        "Danke für die lieben Worte an unser Team!",
        "Unsere Besuchszeiten: täglich von 14 bis 19 Uhr.",
    ],
)
def test_safe_replies_pass_both_checks(text):
    assert PatientConfirmation().run(reply(text)) == []
    assert HealthData().run(reply(text)) == []


def test_the_rules_words_stay_the_finding_where_they_fire():
    text = "Gegen die Schmerzen hilft meist Ibuprofen 400."
    (finding,) = HealthData().run(reply(text))
    assert "Ibuprofen" in finding.message and text[slice(*finding.span)].startswith("Ibuprofen")


def test_without_a_trained_model_the_rules_work_alone(monkeypatch):
    monkeypatch.setattr(privacy, "reply_model", lambda: None)
    assert PatientConfirmation().run(reply("Das Team der 5B erinnert sich gern an Sie!")) == []
    assert HealthData().run(reply("Gegen die Schmerzen hilft meist Ibuprofen 400."))
