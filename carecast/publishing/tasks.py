"""Huey tasks: thin wrappers around ``publishing.dispatch``.

Huey's scheduler looks for due tasks once a second, so a task enqueued for the
exact due time may start up to a second late. ``dispatch_at`` is enqueued
``CARECAST_DISPATCH_LEAD_SECONDS`` early instead and waits for the exact moment
itself; every ``eta`` is timezone-aware (a naive one is cut to whole seconds).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, on_startup

from carecast.core import pacing
from carecast.publishing import dispatch

log = logging.getLogger(__name__)


def _slot_key(due_timestamp: float) -> str:
    return f"carecast:dispatch:{int(due_timestamp)}"


def enqueue_dispatch(due_at: dt.datetime) -> None:
    """Make sure a worker is awake and ready at ``due_at``.

    One task per due second is enough (it drains everything due), so a thousand
    posts scheduled for 09:00 enqueue one task, not a thousand.
    """
    if timezone.is_naive(due_at):
        raise ValueError("due_at must be timezone-aware")
    lead = dt.timedelta(seconds=settings.CARECAST_DISPATCH_LEAD_SECONDS)
    eta = due_at - lead
    if not HUEY.immediate and not HUEY.put_if_empty(_slot_key(due_at.timestamp()), b"1"):
        return  # a task for this second is already waiting
    if eta <= timezone.now():
        dispatch_at(due_at.timestamp())
    else:
        dispatch_at.schedule(args=(due_at.timestamp(),), eta=eta)


@db_task()
def dispatch_at(due_timestamp: float) -> int:
    """Claim and prepare what is due at ``due_timestamp`` now, send it at that moment."""
    HUEY.get(_slot_key(due_timestamp))  # frees the slot: later schedules enqueue again
    due = dt.datetime.fromtimestamp(due_timestamp, tz=dt.UTC)
    until = max(due, timezone.now())
    return len(dispatch.drain(workers=settings.CARECAST_DISPATCH_THREADS, until=until))


@db_periodic_task(crontab(minute="*"))
def reconcile() -> int:
    """Once a minute: publish anything overdue or held by a dead worker (the burst takes
    such claims over; only those on paused channels are given back)."""
    if dispatch.reconcile(paused_only=True):
        dispatch_at(time.time())
    return 0


@db_periodic_task(crontab(minute="*/10"))
def check_channels() -> int:
    """Every ten minutes: refresh tokens about to expire, and pause channels whose token
    died, before their next post is due."""
    from carecast.publishing.health import check_upcoming, refresh_expiring

    return len(refresh_expiring()) + len(check_upcoming())


@db_task()
def reconcile_soon() -> int:
    """Like ``reconcile``, but once, soon: used after a restart."""
    if dispatch.reconcile(paused_only=True):
        dispatch_at(time.time())
    return 0


def posts_due() -> bool:
    """Whether any post is due now: periodic work (inbox, feeds) steps aside meanwhile."""
    return bool(dispatch.due_ids(limit=1))


pacing.register_busy_check(posts_due)
_startup_lock = threading.Lock()
_started = False


@on_startup()
def reconcile_on_start() -> None:
    """A restarted worker picks up what was due while it was down, without waiting a minute.

    Claims held by a worker that just died are not stale yet, so look again once
    their lease has run out. Huey calls this once per worker thread; once is enough.
    """
    global _started
    with _startup_lock:
        if _started:
            return
        _started = True
    pacing.worker_started()
    log.info("Worker up: picking up what fell due while it was down")
    reconcile_soon()
    lease = settings.CARECAST_CLAIM_LEASE_SECONDS
    reconcile_soon.schedule(delay=lease + 1)
