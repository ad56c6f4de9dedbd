"""The approvals pages: the composer submits, the queue lists, the approver decides."""

from __future__ import annotations

import re

import pytest
import time_machine

from carecast.approvals.models import ChannelPolicy, DepartmentPolicy, Mode, Review, ReviewState
from carecast.core.models import AuditLog
from carecast.publishing.models import Publication, State
from tests.web.conftest import berlin, login
from tests.web.test_approvals import compile_catalogue

compile_catalogue()
NOW = berlin(2026, 11, 2, 9, 0)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def strict(geburtshilfe):
    return DepartmentPolicy.objects.create(department=geburtshilfe, mode=Mode.DEPARTMENT_EDITORS)


def _compose(client, channel, department, **extra):
    data = {
        "title": "Kreißsaalführung",
        "text": "Jeden Dienstag um 18 Uhr: Kreißsaalführung für werdende Eltern.",
        "department": department.pk,
        "channels": [channel.pk],
        "due": "2026-11-03T10:00",
        **extra,
    }
    return client.post("/stories/new/", data, follow=True)


def test_it_offers_submitting_instead_of_planning_to_a_department_editor(
    clara_client, babytown, strict
):
    page = clara_client.get("/stories/new/").content.decode()
    assert "Planen" in page  # no channel chosen yet: the usual buttons
    page = clara_client.post(
        "/compose/live/variants/",
        {"title": "x", "text": "Hallo", "channels": [babytown.pk]},
    ).content.decode()
    assert "Zur Freigabe einreichen" in page and 'value="schedule"' not in page


def test_it_submits_from_the_composer_and_schedules_nothing(
    clara_client, babytown, geburtshilfe, strict, anna
):
    response = _compose(clara_client, babytown, geburtshilfe, action="submit")
    assert "Zur Freigabe eingereicht" in response.content.decode()
    review = Review.objects.get()
    assert review.due_at == berlin(2026, 11, 3, 10, 0)
    assert not Publication.objects.exists()


def test_it_refuses_planning_directly_when_approval_is_needed(
    clara_client, babytown, geburtshilfe, strict
):
    response = _compose(clara_client, babytown, geburtshilfe, action="schedule")
    assert "braucht zuerst eine Freigabe" in response.content.decode()
    assert not Publication.objects.exists()


def test_it_lists_the_review_in_the_queue_and_lets_the_lead_ask_for_changes(
    clara_client, anna_client, babytown, geburtshilfe, strict, clara
):
    _compose(clara_client, babytown, geburtshilfe, action="submit")
    review = Review.objects.get()
    queue = anna_client.get("/reviews/").content.decode()
    assert "Freigaben" in queue and f"/reviews/{review.pk}/" in queue
    detail = anna_client.get(f"/reviews/{review.pk}/").content.decode()
    assert "Änderungen erbitten" in detail and "Kreißsaalführung für werdende Eltern" in detail
    empty = anna_client.post(f"/reviews/{review.pk}/decide/", {"decision": "changes"}, follow=True)
    assert "Bitte im Kommentar sagen" in empty.content.decode()
    anna_client.post(
        f"/reviews/{review.pk}/decide/", {"decision": "changes", "comment": "Bitte mit Uhrzeit."}
    )
    review.refresh_from_db()
    assert review.state == ReviewState.CHANGES_REQUESTED
    mine = clara_client.get("/reviews/").content.decode()
    assert "braucht Änderungen" in mine and "Änderungen erbeten" in mine
    story = clara_client.get(f"/stories/{review.story_id}/").content.decode()
    assert "Änderungen erbeten" in story


def test_it_lets_the_lead_approve_and_the_post_is_scheduled(
    clara_client, anna_client, babytown, geburtshilfe, strict
):
    _compose(clara_client, babytown, geburtshilfe, action="submit")
    review = Review.objects.get()
    clara_refused = clara_client.post(f"/reviews/{review.pk}/decide/", {"decision": "approve"})
    assert clara_refused.status_code == 403
    anna_client.post(f"/reviews/{review.pk}/decide/", {"decision": "approve"})
    publication = Publication.objects.get()
    assert (publication.state, publication.due_at) == (State.SCHEDULED, berlin(2026, 11, 3, 10, 0))


def test_it_lets_only_the_lead_set_the_rules(anna_client, babytown, geburtshilfe, ben):
    assert (
        login(ben).post(f"/reviews/rules/channel/{babytown.pk}/", {"mode": "everyone"}).status_code
        == 403
    )
    anna_client.post(f"/reviews/rules/channel/{babytown.pk}/", {"mode": "everyone"})
    anna_client.post(
        f"/reviews/rules/department/{geburtshilfe.pk}/", {"mode": "department_editors"}
    )
    assert ChannelPolicy.objects.get(channel=babytown).mode == Mode.EVERYONE
    assert DepartmentPolicy.objects.get(department=geburtshilfe).mode == Mode.DEPARTMENT_EDITORS
    assert AuditLog.objects.filter(action="approval.rule_changed").count() == 2
    settings_page = anna_client.get(f"/channels/{babytown.pk}/settings/").content.decode()
    assert "Freigaberegel speichern" in settings_page
    department_page = anna_client.get(f"/departments/{geburtshilfe.pk}/").content.decode()
    assert re.search(r'value="department_editors"[^>]*checked', department_page)
    assert (
        "Freigaberegel" not in login(ben).get(f"/channels/{babytown.pk}/settings/").content.decode()
    )


def test_it_tells_the_comms_team_when_a_department_editor_changes_its_planned_story(
    clara_client,
    babytown,
    geburtshilfe,
    strict,
    ben,
    anna,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from carecast.approvals.models import Notice
    from carecast.publishing.services import schedule
    from carecast.stories.services import save_story

    ben.user.email = "ben@klinikum.test"
    ben.user.save()
    story = save_story(
        babytown.organisation,
        title="Kreißsaalführung",
        text="Jeden Dienstag.",
        channels=[babytown],
        department=geburtshilfe,
        actor=ben.user,
    )
    planned = schedule(story.variants.get(), berlin(2026, 11, 3, 10, 0), actor=ben.user)
    data = {
        "title": "Kreißsaalführung",
        "text": "Jeden Dienstag und Donnerstag.",
        "department": geburtshilfe.pk,
        "channels": [babytown.pk],
        "action": "save",
    }
    with django_capture_on_commit_callbacks(execute=True):
        page = clara_client.post(f"/stories/{story.pk}/edit/", data, follow=True)
    assert "geht zurück in die Freigabe" in page.content.decode()
    planned.refresh_from_db()
    assert planned.state == State.CANCELLED  # the old text never goes out
    review = Review.objects.get(state=ReviewState.PENDING)
    assert review.due_at == berlin(2026, 11, 3, 10, 0)
    assert Notice.objects.filter(recipient=ben, kind=Notice.Kind.BACK_TO_REVIEW).exists()
    assert any(
        m.to == ["ben@klinikum.test"] and "zurück in die Freigabe" in m.body for m in mailoutbox
    )
    assert AuditLog.objects.filter(action="story.back_to_review").exists()


def test_it_asks_the_approvers_once_when_an_approved_post_is_changed_and_submitted(
    clara_client, anna_client, babytown, geburtshilfe, strict, anna
):
    from carecast.approvals.models import Notice

    _compose(clara_client, babytown, geburtshilfe, action="submit")
    first = Review.objects.get()
    anna_client.post(f"/reviews/{first.pk}/decide/", {"decision": "approve"})
    assert Publication.objects.get().state == State.SCHEDULED
    response = clara_client.post(
        f"/stories/{first.story_id}/edit/",
        {
            "title": "Kreißsaalführung",
            "text": "Jeden Dienstag um 19 Uhr: Kreißsaalführung.",
            "department": geburtshilfe.pk,
            "channels": [babytown.pk],
            "due": "2026-11-04T10:00",
            "action": "submit",
            "review_note": "Neue Uhrzeit.",
        },
        follow=True,
    )
    assert "Zur Freigabe eingereicht" in response.content.decode()
    assert Publication.objects.get().state == State.CANCELLED
    pending = Review.objects.get(state=ReviewState.PENDING)
    assert (pending.due_at, pending.note) == (berlin(2026, 11, 4, 10, 0), "Neue Uhrzeit.")
    assert Notice.objects.filter(recipient=anna, kind=Notice.Kind.SUBMITTED).count() == 2


def test_it_rejects_with_a_comment_and_schedules_nothing(
    clara_client, anna_client, babytown, geburtshilfe, strict, clara
):
    from carecast.approvals.models import Notice

    _compose(clara_client, babytown, geburtshilfe, action="submit")
    review = Review.objects.get()
    anna_client.post(
        f"/reviews/{review.pk}/decide/", {"decision": "reject", "comment": "Termin abgesagt."}
    )
    review.refresh_from_db()
    assert (review.state, review.comment) == (ReviewState.REJECTED, "Termin abgesagt.")
    assert Notice.objects.filter(recipient=clara, kind=Notice.Kind.REJECTED).exists()
    assert not Publication.objects.exists()
    assert AuditLog.objects.filter(action="story.rejected").exists()
