"""Inbox replies that wait for approval (per label, set by the lead).

The reply checks run when the reply is submitted and again when it is approved
(``inbox.services.queue_reply``): a blocking finding stops it both times. The approver
sees the comment, the draft reply and the findings side by side.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecast.approvals import notify
from carecast.approvals.models import Notice, ReplyReview, ReviewState
from carecast.approvals.services import ApprovalError
from carecast.core import audit
from carecast.core.models import Person
from carecast.rights import approvers_for, may_approve_reply, person_of


def findings_of(text: str) -> list[dict]:
    from carecast.inbox.replies import check_reply

    return [
        {"id": f.id, "severity": f.severity, "message": str(f.message), "blocks": f.blocks}
        for f in check_reply(text)
    ]


@transaction.atomic
def submit(item, text: str, person: Person) -> ReplyReview:
    """Keep the draft reply for approval and tell the approvers; nothing is sent yet."""
    review = ReplyReview.objects.create(
        organisation_id=item.organisation_id,
        item=item,
        text=text.strip(),
        findings=findings_of(text),
        labels=list(item.labels or []),
        requested_by=person.user,
    )
    audit.record(
        item.organisation,
        "reply.submitted",
        item.channel.name,
        actor=person.user,
        item=item.pk,
        reply_review=review.pk,
        labels=review.labels,
    )
    notify.tell(
        approvers_for(item.organisation_id, person),
        Notice.Kind.REPLY_SUBMITTED,
        reply_review=review,
        actor=person.user,
    )
    return review


def may_decide(person: Person | None, review: ReplyReview) -> bool:
    return may_approve_reply(person, review.item, person_of(review.requested_by))


def _close(review: ReplyReview, person: Person, state: str, comment: str) -> None:
    done = ReplyReview.objects.filter(pk=review.pk, state=ReviewState.PENDING).update(
        state=state, decided_by=person.user, decided_at=timezone.now(), comment=comment
    )
    if not done:
        raise ApprovalError(_("This review was decided already."))
    review.state, review.comment = state, comment


@transaction.atomic
def decide(review: ReplyReview, person: Person, decision: str, comment: str = "") -> None:
    """Approve (the reply is queued to be sent, checks again) or turn it down with a comment."""
    from carecast.inbox.services import queue_reply

    if not may_decide(person, review):
        raise ApprovalError(_("You may not decide on this review."))
    comment = comment.strip()
    if decision != "approve":
        if not comment:
            raise ApprovalError(_("Say in a comment what should change or why it is rejected."))
        _close(review, person, ReviewState.REJECTED, comment)
        action = "reply.changes_requested" if decision == "changes" else "reply.rejected"
        audit.record(
            review.item.organisation,
            action,
            review.item.channel.name,
            actor=person.user,
            item=review.item_id,
            comment=comment,
        )
        notify.tell(
            [person_of(review.requested_by)],
            Notice.Kind.REPLY_REJECTED,
            reply_review=review,
            actor=person.user,
        )
        return
    _close(review, person, ReviewState.APPROVED, comment)
    outcome = queue_reply(review.item, review.text, review.requested_by)
    if outcome.blocked:
        raise ApprovalError(" ".join(str(f.message) for f in outcome.findings if f.blocks))
    assert outcome.reply is not None  # not blocked
    ReplyReview.objects.filter(pk=review.pk).update(reply=outcome.reply)
    audit.record(
        review.item.organisation,
        "reply.approved",
        review.item.channel.name,
        actor=person.user,
        item=review.item_id,
        reply=outcome.reply.pk,
    )
    notify.tell(
        [person_of(review.requested_by)],
        Notice.Kind.REPLY_APPROVED,
        reply_review=review,
        actor=person.user,
    )
