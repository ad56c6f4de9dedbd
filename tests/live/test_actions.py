"""Moderation actions: what they change, and that they announce it only after commit."""

from __future__ import annotations

import pytest
from django.db import transaction

from carecast.core.models import AuditLog
from carecast.live import actions
from carecast.live.actions import LiveError
from carecast.live.models import Status

QUESTION = "Darf der Partner bei einem Kaiserschnitt dabei sein?"


def ask(session, text=QUESTION, client="client-a", **kwargs):
    return actions.submit_question(session, text, client=client, **kwargs)


def test_it_queues_a_new_question_for_the_moderator_only(
    live_session, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(live_session, nickname="  Lena  ")
    assert question.status == Status.PENDING
    assert question.nickname == "Lena"
    # The audience learns nothing of a waiting question: only "the queue changed".
    assert sent.sent == [("geburt", {"type": "queue"})]


def test_it_sends_nothing_before_commit_and_nothing_after_rollback(live_session, sent):
    question = ask(live_session)
    sent.sent.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.approve(question, None)
        assert sent.sent == []  # not yet: the transaction is open
        raise RuntimeError("rolled back")
    assert sent.sent == []
    question.refresh_from_db()
    assert question.status == Status.PENDING


def test_it_announces_approval_after_commit(
    live_session, sent, anna, django_capture_on_commit_callbacks
):
    question = ask(live_session, nickname="Lena")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.approve(question, anna.user)
    assert sent.sent == []
    for callback in callbacks:
        callback()
    assert sent.sent[0][1] == {
        "type": "question",
        "question": {
            "id": question.pk,
            "text": QUESTION,
            "name": "Lena",
            "votes": 0,
            "status": "approved",
            "source": "web",
            "answer": "",
        },
    }
    assert AuditLog.objects.filter(action="live.approved", actor=anna.user).exists()


def test_it_pins_one_question_at_a_time(live_session, sent, django_capture_on_commit_callbacks):
    first, second = (
        ask(live_session),
        ask(live_session, "Wie lange dauert das Wochenbett?", client="b"),
    )
    for q in (first, second):
        actions.approve(q)
    actions.pin(first)  # outside the capture: its events are never sent (test transaction)
    with django_capture_on_commit_callbacks(execute=True):
        actions.pin(second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.APPROVED, Status.ANSWERING)
    assert second.pinned_at is not None
    statuses = [
        (e["question"]["id"], e["question"]["status"])
        for _, e in sent.sent
        if e["type"] == "question"
    ]
    assert statuses == [(first.pk, "approved"), (second.pk, "answering")]


def test_it_marks_answered_with_a_note(live_session):
    question = ask(live_session)
    actions.approve(question)
    actions.pin(question)
    actions.mark_answered(question, "  Ja, eine Begleitperson ist erlaubt. ")
    question.refresh_from_db()
    assert question.status == Status.ANSWERED
    assert question.answer_note == "Ja, eine Begleitperson ist erlaubt."


def test_it_edits_the_public_wording_and_keeps_the_original(
    live_session, sent, django_capture_on_commit_callbacks
):
    question = ask(live_session, "Ich bin Anna Schmidt aus der Lindenstraße: darf mein Mann mit?")
    actions.approve(question)
    with django_capture_on_commit_callbacks(execute=True):
        actions.edit(question, "Darf der Partner mit in den Kreißsaal?")
    question.refresh_from_db()
    assert question.text.startswith("Ich bin Anna Schmidt")
    assert sent.sent[0][1]["question"]["text"] == "Darf der Partner mit in den Kreißsaal?"


def test_it_merges_duplicates_and_their_votes(
    live_session, sent, django_capture_on_commit_callbacks
):
    original, duplicate = (
        ask(live_session),
        ask(live_session, "Kann der Partner beim Kaiserschnitt dabei sein?", client="b"),
    )
    for q in (original, duplicate):
        actions.approve(q)
    actions.upvote(duplicate, "voter-1")
    with django_capture_on_commit_callbacks(execute=True):
        actions.merge(duplicate, original)
    original.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == original
    assert original.votes == 2  # the duplicate's vote and its asker
    assert sent.types == ["remove", "question", "queue"]


def test_it_refuses_to_merge_a_question_into_itself(live_session):
    question = ask(live_session)
    with pytest.raises(LiveError):
        actions.merge(question, question)


def test_it_counts_one_vote_per_visitor(live_session):
    question = ask(live_session)
    with pytest.raises(LiveError):
        actions.upvote(question, "voter-1")  # not public yet
    actions.approve(question)
    actions.upvote(question, "voter-1")
    actions.upvote(question, "voter-2")
    with pytest.raises(LiveError):
        actions.upvote(question, "voter-1")
    question.refresh_from_db()
    assert question.votes == 2


def test_it_takes_rejected_questions_off_the_page(
    live_session, sent, django_capture_on_commit_callbacks
):
    question = ask(live_session)
    actions.approve(question)
    with django_capture_on_commit_callbacks(execute=True):
        actions.reject(question)
    assert sent.sent[0][1] == {"type": "remove", "id": question.pk}


def test_it_cleans_control_characters_from_questions(live_session):
    from carecast.live.actions import submit_question

    question = submit_question(live_session, "Darf ich\x0bStillen\x00?", nickname="Ka\x07i")
    assert question.text == "Darf ich Stillen?" and question.nickname == "Kai"
