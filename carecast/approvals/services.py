"""What people do with reviews of stories: submit, approve, ask for changes, reject,
choose a new time after a late approval, and what an edit of a planned post sets off.

Nothing is scheduled while a review is pending: posts are scheduled only by ``approve``
(or ``schedule_approved``), through ``publishing.services.schedule``, whose guard asks
``approvals.guard`` again. Every step is audited and tells the people concerned.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.approvals import notify
from carecast.approvals.guard import fingerprint
from carecast.approvals.models import Notice, Review, ReviewState
from carecast.core import audit
from carecast.core.models import Person
from carecast.publishing.models import Publication, State
from carecast.publishing.services import PublishingError, schedule
from carecast.rights import approvers_for, may_approve, person_of

ON_THE_WAY = {State.SCHEDULED, State.PUBLISHING, State.PUBLISHED, State.UNCONFIRMED}


class ApprovalError(Exception):
    """A review step that cannot be done, with a message for the person who asked."""


def _open_variants(story, channel_ids):
    """The chosen posts that are not already on their way."""
    busy = Publication.objects.filter(variant__story=story, state__in=ON_THE_WAY)
    return list(
        story.variants.filter(channel_id__in=channel_ids)
        .exclude(pk__in=busy.values("variant_id"))
        .select_related("channel", "story")
    )


@transaction.atomic
def submit(story, person: Person, channel_ids, due_at: dt.datetime | None, note="") -> Review:
    """Ask for approval of the story's chosen posts, planned for ``due_at`` (None: at once)."""
    variants = _open_variants(story, channel_ids)
    if not variants:
        raise ApprovalError(_("Nothing to submit: the chosen posts are already planned or out."))
    Review.objects.filter(story=story, state=ReviewState.PENDING).update(
        state=ReviewState.SUPERSEDED
    )
    review = Review.objects.create(
        organisation=story.organisation,
        story=story,
        posts={str(v.channel_id): fingerprint(v) for v in variants},
        due_at=due_at,
        requested_by=person.user,
        note=note.strip(),
    )
    audit.record(
        story.organisation,
        "story.submitted",
        story.title,
        actor=person.user,
        story=story.pk,
        review=review.pk,
        channels=review.channel_ids,
        due_at=due_at.isoformat() if due_at else None,
    )
    notify.tell(
        approvers_for(story.organisation_id, person),
        Notice.Kind.SUBMITTED,
        review=review,
        actor=person.user,
    )
    return review


def requester_of(review: Review) -> Person | None:
    return person_of(review.requested_by)


def may_decide(person: Person | None, review: Review) -> bool:
    """May ``person`` approve every post of this review?"""
    author = requester_of(review)
    channels = review.story.variants.filter(channel_id__in=review.channel_ids)
    return all(may_approve(person, v.channel, author) for v in channels.select_related("channel"))


def _close(review: Review, person: Person, state: str, comment: str) -> None:
    """Decide a pending review once: a second click (or a second approver) finds it decided."""
    now = timezone.now()
    done = Review.objects.filter(pk=review.pk, state=ReviewState.PENDING).update(
        state=state, decided_by=person.user, decided_at=now, comment=comment
    )
    if not done:
        raise ApprovalError(_("This review was decided already."))
    review.state, review.decided_by, review.decided_at, review.comment = (
        state,
        person.user,
        now,
        comment,
    )


def _owners(review: Review) -> list[Person | None]:
    """Who is told about a decision: the person who submitted, and the story's author."""
    return [requester_of(review), person_of(review.story.created_by)]


@transaction.atomic
def decide(review: Review, person: Person, decision: str, comment: str = "") -> list[str]:
    """Approve, ask for changes or reject. Returns problems met while scheduling."""
    if not may_decide(person, review):
        raise ApprovalError(_("You may not decide on this review."))
    comment = comment.strip()
    if decision in ("changes", "reject") and not comment:
        raise ApprovalError(_("Say in a comment what should change or why it is rejected."))
    if decision == "approve":
        return _approve(review, person, comment)
    state = ReviewState.CHANGES_REQUESTED if decision == "changes" else ReviewState.REJECTED
    _close(review, person, state, comment)
    action = "story.changes_requested" if decision == "changes" else "story.rejected"
    audit.record(
        review.organisation,
        action,
        review.story.title,
        actor=person.user,
        story=review.story_id,
        review=review.pk,
        comment=comment,
    )
    kind = Notice.Kind.CHANGES_REQUESTED if decision == "changes" else Notice.Kind.REJECTED
    notify.tell(_owners(review), kind, review=review, actor=person.user)
    return []


def _approve(review: Review, person: Person, comment: str) -> list[str]:
    changed = [
        v.channel.name
        for v in _variants_of(review)
        if fingerprint(v) != review.posts.get(str(v.channel_id))
    ]
    if changed:
        raise ApprovalError(
            _("Changed since it was submitted: %(channels)s. It needs a new submission.")
            % {"channels": ", ".join(changed)}
        )
    _close(review, person, ReviewState.APPROVED, comment)
    audit.record(
        review.organisation,
        "story.approved",
        review.story.title,
        actor=person.user,
        story=review.story_id,
        review=review.pk,
        comment=comment,
    )
    now = timezone.now()
    if review.due_at is not None and review.due_at <= now:
        # Never publish late without being asked: the planned moment may matter (an event).
        Review.objects.filter(pk=review.pk).update(needs_new_time=True)
        review.needs_new_time = True
        notify.tell(_owners(review), Notice.Kind.APPROVED_LATE, review=review, actor=person.user)
        return []
    notify.tell(_owners(review), Notice.Kind.APPROVED, review=review, actor=person.user)
    return _schedule_posts(review, person, review.due_at or now)


def _variants_of(review: Review):
    return list(
        review.story.variants.filter(channel_id__in=review.channel_ids).select_related(
            "channel", "story"
        )
    )


def _schedule_posts(review: Review, person: Person, due_at: dt.datetime) -> list[str]:
    problems = []
    for variant in _open_variants(review.story, review.channel_ids):
        try:
            schedule(variant, due_at, actor=person.user)
        except PublishingError as exc:
            problems.append(f"{variant.channel.name}: {exc}")
    Review.objects.filter(pk=review.pk).update(scheduled_at=timezone.now(), needs_new_time=False)
    review.needs_new_time = False
    return problems


@transaction.atomic
def schedule_approved(review: Review, person: Person, due_at: dt.datetime) -> list[str]:
    """After a late approval: the submitter or an approver picks a new time."""
    if review.state != ReviewState.APPROVED or not review.needs_new_time:
        raise ApprovalError(_("This review does not wait for a new time."))
    if person.user_id != review.requested_by_id and not may_decide(person, review):
        raise ApprovalError(_("You may not plan these posts."))
    if due_at <= timezone.now():
        raise ApprovalError(_("This time is in the past."))
    audit.record(
        review.organisation,
        "story.new_time",
        review.story.title,
        actor=person.user,
        story=review.story_id,
        review=review.pk,
        due_at=due_at.isoformat(),
    )
    return _schedule_posts(review, person, due_at)
