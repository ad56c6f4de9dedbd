"""Triage: each label with the words that triggered it, German compounds and odd input."""

from __future__ import annotations

import pytest
from django.utils import translation

from carecast.inbox.replies import check_reply, moderator_hint, ready_reply
from carecast.inbox.triage import LABELS, MAX_CHARS, triage

EXAMPLES = [
    ("emergency", "Mein Vater hat seit 20 Minuten starke Brustschmerzen!", "brustschmerzen"),
    ("emergency", "Meine Mutter bekommt keine Luft mehr", "keine luft"),
    ("emergency", "Er ist kollabiert und nicht ansprechbar", "kollabiert"),
    ("emergency", "my dad collapsed and is unresponsive", "collapsed"),
    ("emergency", "Ich will nicht mehr leben", "will nicht mehr leben"),
    ("emergency", "Kind hat 40 Fieber und der Kinderarzt hat zu", "40 fieber"),
    ("health_data", "Ich hatte 2019 Brustkrebs und bin jetzt gesund.", "brustkrebs"),
    ("health_data", "Meine Tochter hat Autismus.", "autismus"),
    (
        "complaint",
        "Sechs Stunden in der Notaufnahme gewartet.",
        "stunden in der notaufnahme gewartet",
    ),
    ("complaint", "Unverschämtes Personal an der Pforte", "unverschämtes"),
    ("question", "Wann sind die Besuchszeiten?", "?"),
    ("question", "Kostet der Kurs etwas", "kostet"),
    ("praise", "Vielen Dank an die Hebammen!", "vielen dank"),
    ("praise", "❤️❤️", "❤"),
    ("abuse", "Ihr Vollidioten!", "vollidioten"),
    ("spam", "Verdiene 500€ am Tag mit Krypto", "krypto"),
    (
        "spam",
        "Günstiges Angebot: https://pillen-shop.example/jetzt",
        "https://pillen-shop.example/jetzt",
    ),
]


@pytest.mark.parametrize(("label", "text", "reason"), EXAMPLES)
def test_it_labels_and_says_why(label, text, reason):
    result = triage(text)
    assert label in result.labels
    assert reason in result.reasons[label]


def test_it_has_an_example_for_every_label():
    assert {label for label, _, _ in EXAMPLES} == set(LABELS)


@pytest.mark.parametrize(
    "text",
    [
        "Danke an das Team der Notaufnahme, ihr wart großartig!",
        "Mein Vater hatte letztes Jahr einen Schlaganfall und wurde super versorgt.",
        "Wie erkennt man einen Schlaganfall?",
        "Zur Woche der Suizidprävention: wichtiges Thema.",
        # Long-standing, not sudden: a question for a doctor, not for 112.
        "Ich bin seit der Chemo bei Ihnen in Behandlung und habe seitdem taube Finger. Normal?",
    ],
)
def test_it_does_not_cry_emergency_at_a_mention(text):
    assert "emergency" not in triage(text).labels


def test_a_sudden_sign_is_urgent_even_beside_a_long_story():
    result = triage("Seit Jahren Diabetes, und seit heute morgen ist ihr Arm plötzlich taub")
    assert "emergency" in result.labels and "taub" in result.reasons["emergency"]


@pytest.mark.parametrize(
    "text",
    [
        "Papa hatte vor drei Jahren einen Schlaganfall, jetzt hängt auf einmal sein Mundwinkel",
        "My dad had a stroke two years ago and all of a sudden he can't lift his arm",
    ],
)
def test_an_old_emergency_does_not_hide_a_sudden_new_one(text):
    assert "emergency" in triage(text).labels


def test_it_handles_compounds_and_inflections():
    assert triage("Seit heute Brustschmerzen").reasons["emergency"] == ["brustschmerzen"]
    assert "emergency" in triage("Opa ist gerade kollabiert").labels
    assert "emergency" in triage("Sie hat einen Krampfanfall").labels
    assert "darmkrebs" in triage("Ich habe Darmkrebs.").reasons["health_data"]


def test_it_takes_sarcasm_as_a_complaint_not_praise():
    result = triage("Super, wieder 4 Stunden warten. Danke für nichts.")
    assert "complaint" in result.labels and "praise" not in result.labels


def test_it_writes_the_ready_reply_for_the_kind_of_emergency():
    life = ready_reply(triage("Mein Mann hat gerade Brustschmerzen"), "de")
    assert "112" in life and "116 117" not in life
    suicide = ready_reply(triage("Ich will mich umbringen"), "de")
    assert "0800 111 0 111" in suicide and "0800 111 0 222" in suicide and "112" in suicide
    urgent = ready_reply(triage("Hohes Fieber, Praxis geschlossen"), "en")
    assert "116 117" in urgent and "112" in urgent and "on-call" in urgent
    assert ready_reply(triage("Danke!"), "de") == ""


def test_it_tells_the_moderator_what_to_do_with_health_data():
    hints = moderator_hint(triage("Ich bin schwanger und habe Diabetes."), "de")
    assert any("nicht zitieren" in h and "privaten Kanal" in h for h in hints)
    with translation.override("en"):
        assert "don't quote it" in moderator_hint(triage("I have cancer."), "en")[0]


def test_it_checks_replies_before_they_leave():
    assert {f.id for f in check_reply("Während Ihres Aufenthalts bei uns …")} == {
        "privacy.patient_confirmation"
    }
    assert check_reply("Bitte rufen Sie sofort die 112 an.") == []


BAD = {
    "empty": "",
    "whitespace": " \n\t ",
    "100 KB": "Brustschmerzen? " + "bla " * 25_000,
    "mixed scripts": "Помогите! مساعدة Brustschmerzen 救命 chest pain",
    "emoji only": "😡😡😡🤬",
    "html": "<script>alert(1)</script><img src=x onerror=alert(2)> Ihr Idioten",
    "control": "\x00\x07\u202eIdiot\ufeff",
}


@pytest.mark.parametrize("name", BAD)
def test_it_never_crashes_on_odd_input(name):
    result = triage(BAD[name])
    assert set(result.labels) <= set(LABELS) and set(result.reasons) == set(result.labels)
    assert result.as_json()["text"] == BAD[name]


def test_it_reads_odd_input_sensibly():
    assert triage("").labels == [] and triage(BAD["emoji only"]).labels == []
    assert "emergency" in triage(BAD["mixed scripts"]).labels
    assert "abuse" in triage(BAD["html"]).labels
    assert triage(None).labels == []  # type: ignore[arg-type]


def test_it_reads_a_100_kb_comment_up_to_its_limit():
    # Longer than any network allows: cut, not scanned forever (speed: bench/triage).
    long = "Danke an die Notaufnahme! " * 4_000
    assert triage(long).labels == triage(long[:MAX_CHARS]).labels
    assert "praise" in triage(long).labels
