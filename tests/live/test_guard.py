"""The built-in guard: emergencies and personal health data never reach the audience as written."""

from __future__ import annotations

import pytest

from carecast.live import actions, guard
from carecast.live.actions import LiveError
from carecast.live.models import Status


@pytest.mark.parametrize(
    "text",
    [
        "Meine Frau hat starke Blutungen und Brustschmerzen, was soll ich tun?",
        "Ich bekomme keine Luft mehr seit heute Morgen",
        "Ich will nicht mehr leben",
    ],
)
def test_it_flags_emergencies(text):
    assert guard.EMERGENCY in guard.assess(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ich habe seit 2019 Diabetes Typ 1, darf ich natürlich entbinden?",
        "Mein HbA1c liegt bei 8,1 %, ist das schlimm?",
        "Meine Tochter ist schwanger und nimmt Medikamente gegen Epilepsie",
        "Ich bin am 12.03.1990 geboren und habe einen Befund bekommen",
    ],
)
def test_it_flags_personal_health_data(text):
    assert guard.HEALTH_DATA in guard.assess(text)


@pytest.mark.parametrize(
    "text",
    [
        "Darf der Partner bei einem Kaiserschnitt dabei sein?",
        "Wie läuft eine PDA ab und wann bekommt man sie?",
        "Gibt es im Klinikum Familienzimmer?",
    ],
)
def test_it_lets_ordinary_questions_through(text):
    assert guard.assess(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Mein HbA1c ist seit Wochen bei 9,2 %, muss ich sofort mehr Insulin spritzen?",
        "Wie hoch darf die Dosis Metformin sein, wenn der HbA1c-Wert steigt?",
    ],
)
def test_it_does_not_call_a_dosage_question_an_emergency(text):
    assert guard.EMERGENCY not in guard.assess(text)


def test_it_still_flags_an_emergency_word_beside_a_dose():
    text = "Mein Vater hat 20 mg zu viel genommen und ist bewusstlos"
    assert guard.EMERGENCY in guard.assess(text)


def test_it_refuses_to_show_a_flagged_question_as_written(live_session):
    question = actions.submit_question(
        live_session,
        "Ich habe Diabetes Typ 1 und bin in der 30. Woche, darf ich spontan entbinden?",
    )
    assert question.flags == ["health_data"]
    with pytest.raises(LiveError):
        actions.approve(question)
    with pytest.raises(LiveError):  # the new wording must not disclose it either
        actions.edit(question, "Ich habe Diabetes: darf ich spontan entbinden?")
    actions.edit(question, "Ist mit Diabetes Typ 1 eine spontane Geburt möglich?")
    actions.approve(question)
    question.refresh_from_db()
    assert question.status == Status.APPROVED
    assert question.flags == ["health_data"]  # the moderator still sees why it was held
