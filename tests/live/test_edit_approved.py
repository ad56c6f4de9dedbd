"""An approved question can still be reworded or renamed; the presenter screen follows live."""

from __future__ import annotations

import pytest
from django.test import Client

from carecast.core.models import AuditLog
from carecast.live import actions
from carecast.live.models import Question
from tests.live.conftest import MODERATION_NOW

NOW = MODERATION_NOW


@pytest.fixture
def approved(now, live_session, anna):
    question = actions.submit_question(
        live_session, "Darf mein Mann bei der PDA dabei sein?", nickname="Klaus Meier", client="c1"
    )
    return actions.approve(question, anna.user)


def desk(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_the_card_offers_to_edit_wording_and_name(approved, anna):
    body = desk(anna).get("/live/geburt/moderate/").content.decode()
    assert "Formulierung oder Namen ändern" in body
    assert f"/live/geburt/moderate/{approved.pk}/edit/" in body


def test_it_rewords_and_renames_and_the_presenter_follows(
    approved, anna, sent, django_capture_on_commit_callbacks
):
    client = desk(anna)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/live/geburt/moderate/{approved.pk}/edit/",
            {"public_text": "Darf die Begleitperson bei der PDA dabei sein?", "nickname": ""},
        )
    assert response.status_code == 200
    question = Question.objects.get(pk=approved.pk)
    assert question.public_text == "Darf die Begleitperson bei der PDA dabei sein?"
    assert question.nickname == "" and question.status == "approved"
    # The screens are told after commit; the presenter's board then shows the new words.
    events = [event for _, event in sent.sent if event["type"] == "question"]
    assert events[-1]["question"]["text"] == question.public_text
    assert events[-1]["question"]["name"] == ""
    board = client.get("/live/geburt/present/board/").content.decode()
    assert "Begleitperson" in board and "mein Mann" not in board
    assert AuditLog.objects.filter(action="live.edited").count() == 2  # wording and name


def test_the_question_being_answered_is_renamed_on_the_presenter_screen(approved, anna):
    actions.pin(approved, anna.user)
    client = desk(anna)
    assert "Klaus Meier" in client.get("/live/geburt/present/board/").content.decode()
    client.post(
        f"/live/geburt/moderate/{approved.pk}/edit/",
        {"public_text": approved.public_text, "nickname": "K."},
    )
    board = client.get("/live/geburt/present/board/").content.decode()
    assert "Klaus Meier" not in board and '<p class="present-asker">K.</p>' in board
    assert Question.objects.get(pk=approved.pk).public_text == approved.public_text


def test_a_new_wording_with_health_data_is_refused(approved, anna):
    response = desk(anna).post(
        f"/live/geburt/moderate/{approved.pk}/edit/",
        {
            "public_text": "Ich bin schwanger und habe Diabetes, HbA1c 8,1 %",
            "nickname": "Klaus Meier",
        },
    )
    assert "Gesundheitsdaten" in response.content.decode()
    assert Question.objects.get(pk=approved.pk).public_text.startswith("Darf mein Mann")
