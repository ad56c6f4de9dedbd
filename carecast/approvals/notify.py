"""Telling people about reviews: a notice in carecast always, an e-mail after commit.

A failed e-mail is recorded on the notice and never undoes it (the same rule as the
inbox's emergency notifications, ``inbox.duty``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carecast.approvals.models import Notice, ReplyReview, Review
from carecast.core.models import Person

log = logging.getLogger(__name__)


def tell(
    people: Iterable[Person | None],
    kind: str,
    *,
    review: Review | None = None,
    reply_review: ReplyReview | None = None,
    story=None,
    actor=None,
) -> list[Notice]:
    """One notice per person (each once; never the actor themselves), e-mailed after commit."""
    seen: set[int] = set()
    notices = []
    for person in people:
        if person is None or person.pk in seen or (actor and person.user_id == actor.pk):
            continue
        seen.add(person.pk)
        notices.append(
            Notice.objects.create(
                recipient=person,
                kind=kind,
                review=review,
                reply_review=reply_review,
                story=story,
                actor=actor,
            )
        )
    ids = [n.pk for n in notices]
    transaction.on_commit(lambda: send_emails(ids))
    return notices


def send_emails(ids: list[int]) -> None:
    for notice in Notice.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related(
        "recipient__user", "review__story", "story", "reply_review__item__channel", "actor"
    ):
        _email_one(notice)


def _email_one(notice: Notice) -> None:
    if not notice.recipient.user.email:
        Notice.objects.filter(pk=notice.pk).update(email_error=_("No email address on file."))
        return
    try:
        build_email(notice).send(fail_silently=False)
    except Exception as exc:  # SMTP down or refused: the notice in carecast stands
        log.warning("Approval e-mail to person %s failed: %s", notice.recipient_id, exc)
        Notice.objects.filter(pk=notice.pk).update(
            email_error=f"{type(exc).__name__}: {exc}"[:1000]
        )
        return
    Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now(), email_error="")


def link_of(notice: Notice) -> str:
    """Where the notice leads: the review of the story, or the reply review."""
    if notice.review_id:
        return reverse("web:review", args=[notice.review_id])
    if notice.reply_review_id:
        return reverse("web:reply_review", args=[notice.reply_review_id])
    return reverse("web:story_detail", args=[notice.story_id])


def subject_of(notice: Notice) -> str:
    """What the notice is about: the story's title, or the channel of the comment."""
    if notice.review is not None:
        return notice.review.story.title
    if notice.story is not None:
        return notice.story.title
    assert notice.reply_review is not None
    return _("Reply on %(channel)s") % {"channel": notice.reply_review.item.channel.name}


def build_email(notice: Notice) -> EmailMessage:
    """In German, the team's language. A reply review names no comment text: health data."""
    with translation.override("de"):
        about = subject_of(notice)
        actor = notice.actor.get_full_name() or notice.actor.get_username() if notice.actor else ""
        subject = f"{about}: {notice.get_kind_display()}"
        lines = [f"„{about}“ {notice.get_kind_display()}."]
        if actor:
            lines.append(_("By: %(name)s") % {"name": actor})
        comment = _comment_of(notice)
        if comment:
            lines += ["", _("Comment:"), comment]
        lines += [
            "",
            _("Open it in carecast:"),
            settings.CARECAST_PUBLIC_URL.rstrip("/") + link_of(notice),
        ]
    return EmailMessage(f"[carecast] {subject}", "\n".join(lines), to=[notice.recipient.user.email])


def _comment_of(notice: Notice) -> str:
    if notice.review is not None and notice.kind != Notice.Kind.SUBMITTED:
        return notice.review.comment
    if notice.reply_review is not None and notice.kind != Notice.Kind.REPLY_SUBMITTED:
        return notice.reply_review.comment
    return ""


def mark_read(person: Person, *, review: Review | None = None, reply_review=None) -> None:
    """Opening what a notice points to reads it."""
    notices = Notice.objects.filter(recipient=person, read_at__isnull=True)
    if review is not None:
        notices = notices.filter(review__story_id=review.story_id)
    if reply_review is not None:
        notices = notices.filter(reply_review=reply_review)
    notices.update(read_at=timezone.now())
