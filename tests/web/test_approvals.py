"""Approvals of stories: who must ask, who may approve, and that nothing goes out unapproved."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine

from carecast.approvals import edits, services
from carecast.approvals.models import (
    ChannelPolicy,
    DepartmentPolicy,
    Mode,
    Notice,
    Review,
    ReviewState,
)
from carecast.core.models import AuditLog
from carecast.publishing.models import Publication, State
from carecast.publishing.services import PublishingError, publish_now, schedule
from carecast.rights import may_approve, needs_approval
from carecast.stories.services import save_story
from tests.web.conftest import berlin


def compile_catalogue() -> None:
    """The approvals pages are tested in German: compile their catalogue if needed."""
    po = Path(__file__).resolve().parents[2] / "carecast/approvals/locale/de/LC_MESSAGES/django.po"
    mo = po.with_suffix(".mo")
    if (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime) and shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


compile_catalogue()
NOW = berlin(2026, 11, 2, 9, 0)
PLANNED = berlin(2026, 11, 3, 10, 0)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def strict_department(geburtshilfe):
    return DepartmentPolicy.objects.create(department=geburtshilfe, mode=Mode.DEPARTMENT_EDITORS)


@pytest.fixture
def story(org, babytown, clara, geburtshilfe, strict_department):
    return save_story(
        org,
        title="Kreißsaalführung im November",
        text="Jeden Dienstag um 18 Uhr: Kreißsaalführung für werdende Eltern.",
        channels=[babytown],
        department=geburtshilfe,
        actor=clara.user,
    )


def test_it_takes_the_department_default_unless_the_channel_says_otherwise(
    babytown, clara, ben, anna, strict_department
):
    assert needs_approval(clara, babytown)
    assert not needs_approval(ben, babytown)
    ChannelPolicy.objects.create(channel=babytown, mode=Mode.EVERYONE)
    assert needs_approval(ben, babytown)
    assert not needs_approval(anna, babytown)  # the lead is the last approver
    ChannelPolicy.objects.filter(channel=babytown).update(mode=Mode.NOBODY)
    assert not needs_approval(clara, babytown)


def test_it_lets_the_lead_and_the_team_approve_departments_but_nobody_themselves(
    babytown, anna, ben, clara
):
    assert may_approve(anna, babytown, clara)
    assert may_approve(ben, babytown, clara)
    assert not may_approve(ben, babytown, ben)
    assert not may_approve(anna, babytown, anna)
    assert not may_approve(ben, babytown, anna)  # the team's own work goes to the lead
    assert not may_approve(clara, babytown, clara)


def test_it_refuses_to_schedule_or_publish_a_post_that_needs_approval(story, clara, babytown):
    variant = story.variants.get()
    with pytest.raises(PublishingError, match="Freigabe|approval"):
        schedule(variant, PLANNED, actor=clara.user)
    with pytest.raises(PublishingError):
        publish_now(variant, actor=clara.user)
    assert not Publication.objects.exists()


def test_it_tells_the_approvers_in_carecast_and_by_email(
    story, clara, anna, ben, mailoutbox, django_capture_on_commit_callbacks
):
    anna.user.email, ben.user.email = "anna@klinikum.test", "ben@klinikum.test"
    anna.user.save(), ben.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        review = services.submit(story, clara, [story.variants.get().channel_id], PLANNED)
    told = set(
        Notice.objects.filter(review=review).values_list("recipient__user__username", flat=True)
    )
    assert told == {"anna", "ben"}
    assert sorted(m.to[0] for m in mailoutbox) == ["anna@klinikum.test", "ben@klinikum.test"]
    assert "Kreißsaalführung im November" in mailoutbox[0].subject
    assert f"/reviews/{review.pk}/" in mailoutbox[0].body
    assert not Publication.objects.exists()  # nothing is scheduled while in review


def test_it_schedules_an_approved_post_as_planned(story, clara, anna):
    review = services.submit(story, clara, [story.variants.get().channel_id], PLANNED)
    assert services.decide(review, anna, "approve", "Schön!") == []
    publication = Publication.objects.get()
    assert (publication.state, publication.due_at) == (State.SCHEDULED, PLANNED)
    assert Notice.objects.filter(recipient=clara, kind=Notice.Kind.APPROVED).exists()
    actions = list(AuditLog.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["story.submitted", "story.approved", "publication.scheduled"]


def test_it_asks_for_a_new_time_when_the_approval_comes_late(story, clara, anna, clock):
    review = services.submit(story, clara, [story.variants.get().channel_id], PLANNED)
    clock.move_to(PLANNED + dt.timedelta(minutes=5))
    services.decide(review, anna, "approve")
    review.refresh_from_db()
    assert review.needs_new_time and not Publication.objects.exists()
    assert Notice.objects.filter(recipient=clara, kind=Notice.Kind.APPROVED_LATE).exists()
    with pytest.raises(services.ApprovalError):
        services.schedule_approved(review, clara, PLANNED)  # still in the past
    later = PLANNED + dt.timedelta(days=1)
    assert services.schedule_approved(review, clara, later) == []
    assert Publication.objects.get().due_at == later


def test_it_needs_a_comment_to_ask_for_changes_and_tells_the_author(story, clara, ben):
    review = services.submit(story, clara, [story.variants.get().channel_id], PLANNED)
    with pytest.raises(services.ApprovalError):
        services.decide(review, ben, "changes", "  ")
    services.decide(review, ben, "changes", "Bitte die Uhrzeit im Text ergänzen.")
    review.refresh_from_db()
    assert review.state == ReviewState.CHANGES_REQUESTED
    assert Notice.objects.filter(recipient=clara, kind=Notice.Kind.CHANGES_REQUESTED).exists()
    with pytest.raises(services.ApprovalError, match="decided|entschieden"):
        services.decide(review, ben, "approve")


def test_it_does_not_let_someone_approve_their_own_or_the_team_approve_the_team(
    story, clara, ben, babytown
):
    ChannelPolicy.objects.create(channel=babytown, mode=Mode.EVERYONE)
    review = services.submit(story, ben, [babytown.pk], PLANNED)
    with pytest.raises(services.ApprovalError):
        services.decide(review, ben, "approve")
    assert Review.objects.get().state == ReviewState.PENDING


def test_it_sends_an_edited_approved_post_back_to_review_and_tells_its_owner(
    story, clara, anna, ben, babytown
):
    review = services.submit(story, clara, [babytown.pk], PLANNED)
    services.decide(review, anna, "approve")
    before = edits.snapshot(story)
    save_story(
        story.organisation,
        title=story.title,
        text="Jeden Dienstag um 19 Uhr: Kreißsaalführung.",
        channels=[babytown],
        department=story.department,
        story=story,
        actor=clara.user,
    )
    result = edits.after_edit(story, clara, before)
    assert Publication.objects.get().state == State.CANCELLED
    assert result["review"].state == ReviewState.PENDING
    assert result["review"].due_at == PLANNED
    assert Notice.objects.filter(kind=Notice.Kind.SUBMITTED, recipient=anna).count() == 2
    with pytest.raises(PublishingError):  # the old approval does not cover the new text
        schedule(story.variants.get(), PLANNED, actor=clara.user)


def test_it_plans_the_new_text_again_when_the_editor_needs_no_approval(
    org, mastodon, ben, clara, anna
):
    story = save_story(org, title="MRT", text="Neuer MRT.", channels=[mastodon], actor=anna.user)
    schedule(story.variants.get(), PLANNED, actor=anna.user)
    before = edits.snapshot(story)
    save_story(
        org,
        title="MRT",
        text="Neuer, leiser MRT.",
        channels=[mastodon],
        story=story,
        actor=ben.user,
    )
    result = edits.after_edit(story, ben, before)
    states = dict(Publication.objects.values_list("text", "state"))
    assert states == {"Neuer MRT.": State.CANCELLED, "Neuer, leiser MRT.": State.SCHEDULED}
    assert result["rescheduled"][0].due_at == PLANNED
    assert Notice.objects.filter(recipient=anna, kind=Notice.Kind.RESCHEDULED).exists()
