"""A possible emergency among a session's questions: tell whoever is on duty, once.

Who is told is the inbox's rule (``inbox.duty.recipients``: the people whose shift
covers the moment, else every communications lead), narrowed to those who may run the
session. They are told in carecast (``Alert``, listed with the live consultations and
pinned on the moderation page) and by e-mail. The e-mail names the session and the time
and links to the moderation; it never carries the question, which may hold health data.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carecast.core.models import Person, Role
from carecast.inbox import duty
from carecast.live.models import Alert, LiveSession, Question
from carecast.rights import may_run_live_session

log = logging.getLogger(__name__)


def recipients(session: LiveSession, now: dt.datetime) -> tuple[list[Person], bool]:
    """Who to tell, and whether that is the fallback because nobody (able to help) is on duty."""
    people, nobody = duty.recipients(session.organisation, now)
    able = [p for p in people if may_run_live_session(p, session)]
    if able:
        return able, nobody
    leads = Person.objects.filter(organisation_id=session.organisation_id, role=Role.ADMIN)
    return list(leads.select_related("user").order_by("pk")), True


def notify(question: Question) -> list[Alert]:
    """Tell the people on duty about ``question``; returns the notices made by this call.

    Safe to call twice: the question is claimed by a conditional UPDATE and each
    (question, recipient) is unique. E-mails go out after commit, from the worker.
    """
    now = timezone.now()
    claimed = Question.objects.filter(pk=question.pk, notified_at__isnull=True)
    if not claimed.update(notified_at=now):
        return []
    question.notified_at = now
    people, nobody = recipients(question.session, now)
    made = []
    for person in people:
        try:
            with transaction.atomic():
                made.append(
                    Alert.objects.create(question=question, recipient=person, nobody_on_duty=nobody)
                )
        except IntegrityError:
            continue
    ids = [alert.pk for alert in made]
    transaction.on_commit(lambda: _email_later(ids))
    return made


def _email_later(ids: list[int]) -> None:
    from carecast.live.tasks import email_alerts

    email_alerts(ids)


def mark_read(question: Question) -> None:
    """The moderator dealt with the question (approved, reworded or rejected it)."""
    Alert.objects.filter(question=question, read_at__isnull=True).update(read_at=timezone.now())


def unread_for(person: Person):
    return (
        Alert.objects.filter(recipient=person, read_at__isnull=True)
        .select_related("question__session")
        .order_by("-created_at")
    )


def send_emails(ids: list[int]) -> None:
    for alert in Alert.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related(
        "recipient__user", "question__session__organisation"
    ):
        email_one(alert)


def email_one(alert: Alert) -> bool:
    """Send one notice's e-mail; record success or the error on the notice."""
    address = alert.recipient.user.email
    if not address:
        Alert.objects.filter(pk=alert.pk).update(email_error=_("No email address on file."))
        return False
    try:
        build_email(alert).send(fail_silently=False)
    except Exception as exc:  # SMTP down or refused: the notice in carecast stands
        log.warning("Live emergency email to person %s failed: %s", alert.recipient_id, exc)
        Alert.objects.filter(pk=alert.pk).update(email_error=f"{type(exc).__name__}: {exc}"[:1000])
        return False
    Alert.objects.filter(pk=alert.pk).update(emailed_at=timezone.now(), email_error="")
    return True


def moderation_link(session: LiveSession) -> str:
    return settings.CARECAST_PUBLIC_URL.rstrip("/") + reverse("live:moderate", args=[session.slug])


def build_email(alert: Alert) -> EmailMessage:
    """In German (the team's language), like the inbox's. No question text: health data."""
    session = alert.question.session
    zone = ZoneInfo(session.organisation.timezone or settings.CARECAST_DEFAULT_TIMEZONE)
    with translation.override("de"), timezone.override(zone):
        when = timezone.localtime(alert.question.created_at).strftime("%d.%m.%Y %H:%M")
        context = {"title": session.title, "when": when}
        subject = _("Emergency in the live consultation: %(title)s, %(when)s") % context
        lines = [
            _("A question in “%(title)s” looks like an emergency (received %(when)s).") % context,
            _("It is pinned at the top of the moderation; it is not shown to the audience."),
            "",
            _("Open the moderation and point the person to 112 if needed:"),
            moderation_link(session),
        ]
        if alert.nobody_on_duty:
            lines += ["", _("Nobody was on duty, so every communications lead is told.")]
        lines += ["", _("The question itself is not in this email: it may contain health data.")]
    return EmailMessage(subject, "\n".join(lines), to=[alert.recipient.user.email])
