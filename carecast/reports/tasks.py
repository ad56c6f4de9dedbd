"""Huey: the monthly report, e-mailed on the first working day of the month."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="5", hour="*"))
def send_monthly_reports() -> int:
    """Hourly: any organisation whose report is due (its first working day, from 7 o'clock
    local time) and not yet sent gets it; hourly so a worker that was down catches up."""
    from django.utils import timezone

    from carecast.core.models import Organisation
    from carecast.reports import delivery

    now = timezone.now()
    sent = 0
    for organisation in Organisation.objects.all():
        month = delivery.due(organisation, now)
        if month is not None and delivery.send(organisation, month, now):
            sent += 1
    return sent
