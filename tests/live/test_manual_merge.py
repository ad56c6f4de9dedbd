"""The moderator merges any questions they choose, rewords the result, and can take one back out."""

from __future__ import annotations

import pytest
from django.test import Client

from carecast.core.models import AuditLog
from carecast.live import actions
from carecast.live.actions import LiveError
from carecast.live.models import Question, Status
from tests.live.conftest import MODERATION_NOW

NOW = MODERATION_NOW
PDA = "Wie läuft eine PDA ab?"
SCHMERZ = "Welche Schmerzmittel gibt es unter der Geburt?"  # no words shared: never suggested
WANNE = "Kann ich in der Wanne entbinden?"


@pytest.fixture
def three(session, anna):
    pda = actions.submit_question(session, PDA, client="c1")
    schmerz = actions.submit_question(session, SCHMERZ, client="c2")
    wanne = actions.submit_question(session, WANNE, client="c3")
    for question in (pda, schmerz):
        actions.approve(question, anna.user)
    for client in ("v1", "v2"):
        actions.upvote(pda, client)
    actions.upvote(schmerz, "v3")
    return [Question.objects.get(pk=q.pk) for q in (pda, schmerz, wanne)]


def desk(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_it_merges_questions_the_system_never_suggested(
    session, three, anna, sent, django_capture_on_commit_callbacks
):
    pda, schmerz, wanne = three
    with django_capture_on_commit_callbacks(execute=True):
        into = actions.merge_many(
            three, pda, "Welche Möglichkeiten gegen Schmerzen gibt es bei der Geburt?", anna.user
        )
    # Two votes + one on the other approved question + the two other askers.
    assert into.votes == 2 + (1 + 1) + (0 + 1)
    assert into.public_text == "Welche Möglichkeiten gegen Schmerzen gibt es bei der Geburt?"
    assert into.text == PDA  # the original stays for the moderator
    for other in (schmerz, wanne):
        other.refresh_from_db()
        assert other.status == Status.MERGED and other.merged_into_id == pda.pk
    entry = AuditLog.objects.get(action="live.merged_manually")
    assert entry.detail["merged"] == [schmerz.pk, wanne.pk]
    assert entry.detail["votes_before"] == 2 and entry.detail["votes_after"] == 5
    assert entry.detail["reworded"] is True
    # The audience sees the new wording and loses the merged question.
    events = [event for _, event in sent.sent]
    assert {"type": "remove", "id": schmerz.pk} in events
    shown = [event["question"] for event in events if event["type"] == "question"]
    assert shown[-1]["id"] == pda.pk and shown[-1]["text"].startswith("Welche Möglichkeiten")
    assert shown[-1]["votes"] == 5


def test_it_refuses_one_question_and_closed_ones(session, three, anna):
    pda, schmerz, wanne = three
    with pytest.raises(LiveError, match="mindestens zwei"):
        actions.merge_many([pda], pda, "", anna.user)
    actions.reject(wanne, anna.user)
    with pytest.raises(LiveError, match="offene"):
        actions.merge_many([pda, Question.objects.get(pk=wanne.pk)], pda, "", anna.user)
    with pytest.raises(LiveError, match="Notfall"):
        actions.merge_many([pda, schmerz], pda, "Meine Frau ist bewusstlos, Notarzt?", anna.user)
    assert Question.objects.get(pk=schmerz.pk).status == Status.APPROVED  # nothing changed


def test_unmerge_gives_the_votes_back_and_waits_for_the_moderator(session, three, anna):
    pda, schmerz, wanne = three
    actions.merge_many([pda, schmerz], pda, "", anna.user)
    out = actions.unmerge(Question.objects.get(pk=schmerz.pk), anna.user)
    assert out.status == Status.PENDING and out.merged_into is None
    assert Question.objects.get(pk=pda.pk).votes == 2
    assert AuditLog.objects.filter(action="live.unmerged").count() == 1
    with pytest.raises(LiveError):
        actions.unmerge(out, anna.user)


def test_the_desk_chooses_then_merges_with_the_edited_wording(session, three, anna):
    pda, schmerz, wanne = three
    client = desk(anna)
    page = client.get("/live/geburt/moderate/").content.decode()
    assert "Markierte Fragen zusammenführen" in page
    assert f'class="merge-pick" name="merge" value="{wanne.pk}"' in page
    # Step 1: the ticked questions, the one with most votes offered to stay.
    panel = client.post("/live/geburt/moderate/merge/", {"merge": [wanne.pk, pda.pk]})
    body = panel.content.decode()
    assert panel["HX-Retarget"] == "#merge-panel"
    assert f'value="{pda.pk}" data-text="{PDA}" checked' in body and WANNE in body
    # Step 2: merged with the wording the moderator wrote.
    done = client.post(
        "/live/geburt/moderate/merge/",
        {
            "merge": [wanne.pk, pda.pk],
            "into": pda.pk,
            "public_text": "PDA oder Wanne?",
            "confirm": "1",
        },
    )
    assert "data-merge-done" in done.content.decode()
    assert "Zusammengeführt mit 1 weiteren Frage" in done.content.decode()
    into = Question.objects.get(pk=pda.pk)
    assert into.public_text == "PDA oder Wanne?" and into.votes == 3
    # And separated again from the card.
    client.post(f"/live/geburt/moderate/{wanne.pk}/unmerge/")
    assert Question.objects.get(pk=wanne.pk).status == Status.PENDING


def test_the_desk_says_when_fewer_than_two_are_ticked(session, three, anna):
    panel = desk(anna).post("/live/geburt/moderate/merge/", {"merge": [three[0].pk]})
    assert "Bitte mindestens zwei Fragen" in panel.content.decode()
    assert Question.objects.filter(status=Status.MERGED).count() == 0


def test_another_departments_editor_cannot_merge(session, three, org):
    from django.contrib.auth import get_user_model

    from carecast.core.models import Department, Person, Role

    other = Department.objects.create(organisation=org, name="Kardiologie", slug="kardio")
    user = get_user_model().objects.create_user("dora", "dora@klinikum.test", "pw")
    dora = Person.objects.create(
        user=user, organisation=org, role=Role.DEPARTMENT_EDITOR, department=other
    )
    response = desk(dora).post(
        "/live/geburt/moderate/merge/",
        {"merge": [q.pk for q in three], "into": three[0].pk, "confirm": "1"},
    )
    assert response.status_code == 404
    assert Question.objects.filter(status=Status.MERGED).count() == 0
