"""An edit of a planned or approved post: it never goes out with the old text unnoticed.

The composer takes ``snapshot`` before saving and calls ``after_edit`` after. For every
post whose text or media changed:
- a scheduled publication is cancelled (it holds the old text);
- if the editor needs approval for that channel, the story goes back to review for the
  time it was planned, and its owner is told;
- otherwise the new text is planned again for the same time, and the owner is told if
  someone else changed it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.approvals import notify
from carecast.approvals.guard import fingerprint
from carecast.approvals.models import Notice, Review, ReviewState
from carecast.approvals.services import submit
from carecast.core import audit
from carecast.core.models import Person
from carecast.publishing.models import Publication, State
from carecast.publishing.services import PublishingError, cancel, schedule
from carecast.rights import needs_approval, person_of


def snapshot(story) -> dict[int, str]:
    """Each post's fingerprint before an edit (empty for a new story)."""
    if story is None:
        return {}
    return {v.channel_id: fingerprint(v) for v in story.variants.select_related("story")}


def _was_reviewed(story, channel_id: int) -> bool:
    states = [ReviewState.PENDING, ReviewState.APPROVED]
    return any(
        str(channel_id) in posts
        for posts in Review.objects.filter(story=story, state__in=states).values_list(
            "posts", flat=True
        )
    )


@transaction.atomic
def after_edit(story, person: Person, before: dict[int, str], submission=None) -> dict:
    """Cancel what holds an old text, then send it back to review or plan it again.

    ``submission`` ({"channels", "due_at", "note"}) is what the editor submits with this
    edit: it becomes the new review, so the approvers are asked once, not twice.
    """
    variants = {v.channel_id: v for v in story.variants.select_related("channel", "story")}
    changed = [c for c, old in before.items() if c in variants and fingerprint(variants[c]) != old]
    if not changed:
        return {"review": None, "rescheduled": [], "problems": []}
    due = _cancel_scheduled(story, changed, person)
    back = [
        c
        for c in changed
        if needs_approval(person, variants[c].channel) and (c in due or _was_reviewed(story, c))
    ]
    review = _back_to_review(story, person, back, due, submission) if back else None
    again = [c for c in due if c not in back]
    rescheduled, problems = _plan_again(story, [variants[c] for c in again], due, person)
    return {"review": review, "rescheduled": rescheduled, "problems": problems}


def _cancel_scheduled(story, channel_ids, person) -> dict:
    """Cancel the scheduled publications of the changed posts; their planned times."""
    due = {}
    for publication in Publication.objects.filter(
        variant__story=story, channel_id__in=channel_ids, state=State.SCHEDULED
    ).select_related("channel__organisation", "variant"):
        try:
            cancel(publication, actor=person.user)
        except PublishingError:
            continue  # a worker claimed it this very moment: it goes out as it was
        due[publication.channel_id] = publication.due_at
    return due


def _back_to_review(story, person, channel_ids, due, submission=None) -> Review:
    old = Review.objects.filter(story=story).exclude(state=ReviewState.SUPERSEDED).first()
    planned = min(due.values()) if due else (old.due_at if old else None)
    note = ""
    if submission is not None:
        channel_ids = sorted(set(channel_ids) | set(submission["channels"]))
        planned, note = submission["due_at"] or planned, submission["note"]
    Review.objects.filter(story=story, state=ReviewState.APPROVED).update(
        state=ReviewState.SUPERSEDED
    )
    review = submit(story, person, channel_ids, planned, note)
    audit.record(
        story.organisation,
        "story.back_to_review",
        story.title,
        actor=person.user,
        story=story.pk,
        review=review.pk,
        channels=channel_ids,
    )
    owners = [person_of(story.created_by), person_of(old.requested_by) if old else None]
    notify.tell(owners, Notice.Kind.BACK_TO_REVIEW, review=review, actor=person.user)
    return review


def _plan_again(story, variants, due, person) -> tuple[list, list[str]]:
    """The editor needs no approval: the new text goes out when the old one would have.
    Returns the new publications and why some could not be planned (shown to the editor)."""
    planned, problems, now = [], [], timezone.now()
    for variant in variants:
        when = due[variant.channel_id]
        if when <= now:
            problems.append(
                _("%(channel)s: its time has passed; plan the changed post again.")
                % {"channel": variant.channel.name}
            )
            continue
        try:
            planned.append(schedule(variant, when, actor=person.user))
        except PublishingError as exc:
            problems.append(f"{variant.channel.name}: {exc}")
    owner = person_of(story.created_by)
    if planned and owner is not None and owner.pk != person.pk:
        notify.tell([owner], Notice.Kind.RESCHEDULED, story=story, actor=person.user)
    return planned, problems
