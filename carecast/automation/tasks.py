"""Huey tasks: poll due sources, fill gaps, remind of awareness days, read trends.

Each periodic task is a thin loop around a service function; a source that fails is
recorded on the source and does not stop the others.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def poll_due_sources() -> int:
    """Every minute: enqueue each source whose interval has passed (one task per source)."""
    from carecast.automation.polling import claim_due
    from carecast.core import pacing

    if not pacing.periodic_may_run("poll_due_sources"):
        return 0  # just started, or posts are due: publishing goes first
    ids = claim_due()
    pacing.enqueue_spread(poll_source, ids)
    return len(ids)


@db_task()
def poll_source(source_id: int) -> int:
    from carecast.automation.models import Source
    from carecast.automation.pipeline import refresh

    source = Source.objects.filter(pk=source_id, is_active=True).first()
    if source is None:
        return 0
    result, planned = refresh(source)
    if result.error:
        log.warning("source %s: %s", source_id, result.error)
    return len(planned)


@db_periodic_task(crontab(minute="*/10"))
def fill_gaps() -> int:
    from carecast.automation.gaps import fill_gaps as fill

    return len(fill())


@db_periodic_task(crontab(minute="15", hour="6"))
def awareness_reminders() -> int:
    from carecast.automation.awareness import remind_all

    return len(remind_all())


@db_periodic_task(crontab(minute="40"))
def read_trends() -> int:
    from carecast.automation.trends import refresh_all

    return len(refresh_all())
