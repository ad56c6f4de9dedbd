"""Huey: collect and deliver webhooks every minute (once per minute however many workers)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def deliver_webhooks() -> int:
    from carecast.webhooks.service import tick

    return tick()
