"""Huey tasks of the live app: read questions from the networks while sessions are on."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from carecast.live import alerts, replies, retention


@db_periodic_task(crontab(minute="*"))
def poll_replies() -> int:
    """Once a minute: replies to the announcements of sessions still taking questions."""
    return sum(replies.collect(session) for session in replies.sessions_to_poll())


@db_periodic_task(crontab(minute="17", hour="3"))
def purge_questions() -> int:
    """Nightly: questions of sessions that ended long ago are deleted, as the page promises."""
    return retention.purge()


@db_task()
def email_alerts(ids: list[int]) -> None:
    """E-mails of emergency notices, sent by the worker (a slow mail server never holds a page)."""
    alerts.send_emails(ids)
