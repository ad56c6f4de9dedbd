"""The monthly report by e-mail: on the first working day of a month, last month's report
goes to the list the lead keeps, once (``last_sent_month`` guards a second run)."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from carecast.reports import pdf
from carecast.reports.figures import Month
from carecast.reports.models import ReportSettings

log = logging.getLogger(__name__)
CATCH_UP = dt.timedelta(days=3)


def settings_for(organisation) -> ReportSettings:
    return ReportSettings.objects.get_or_create(organisation=organisation)[0]


def first_working_day(month: Month) -> dt.date:
    """Monday to Friday, skipping the nationwide holidays that can fall on a month's first
    days (New Year, Labour Day, German Unity Day)."""
    day = month.first
    holidays = {(1, 1), (5, 1), (10, 3)}
    while day.weekday() >= 5 or (day.month, day.day) in holidays:
        day += dt.timedelta(days=1)
    return day


def due(organisation, now: dt.datetime) -> Month | None:
    """The month whose report should go out now, or None (not the day, or already sent)."""
    local = now.astimezone(_zone(organisation))
    this_month = Month.of(local.date())
    first = first_working_day(this_month)
    # From 7 o'clock on the first working day; a worker that was down catches up for a few
    # days, but a list set up mid-month does not get last month's report out of the blue.
    if not first <= local.date() <= first + CATCH_UP or (local.date() == first and local.hour < 7):
        return None
    report_month = this_month.plus(-1)
    settings = settings_for(organisation)
    if not settings.recipient_list or settings.last_sent_month >= str(report_month):
        return None
    return report_month


def _zone(organisation):
    from zoneinfo import ZoneInfo

    return ZoneInfo(organisation.timezone)


def send(organisation, month: Month, now: dt.datetime) -> bool:
    """Claim the month (conditional UPDATE: two workers never both send), render, mail."""
    settings = settings_for(organisation)
    with transaction.atomic():
        claimed = ReportSettings.objects.filter(
            pk=settings.pk, last_sent_month__lt=str(month)
        ).update(last_sent_month=str(month), last_sent_at=now)
    if not claimed:
        return False
    settings.refresh_from_db()
    try:
        data = pdf.render(organisation, month, settings.language)
        with translation.override(settings.language):
            subject = _("Social media report %(month)s – %(organisation)s") % {
                "month": pdf.month_name(month),
                "organisation": organisation.name,
            }
            body = _(
                "Good morning,\n\nattached is carecast's report on what social media brought "
                "%(organisation)s in %(month)s.\n"
            ) % {"organisation": organisation.name, "month": pdf.month_name(month)}
        message = EmailMessage(subject, body, to=settings.recipient_list)
        message.attach(pdf.filename(organisation, month), data, "application/pdf")
        message.send()
    except Exception as exc:  # give the month back so the next run tries again
        log.exception("monthly report for %s failed", organisation.slug)
        ReportSettings.objects.filter(pk=settings.pk).update(
            last_sent_month="", last_error=str(exc)[:500]
        )
        return False
    ReportSettings.objects.filter(pk=settings.pk).update(last_error="")
    return True
