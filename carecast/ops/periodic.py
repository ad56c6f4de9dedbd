"""Periodic tasks run once per period, however many workers run.

Every Huey consumer has its own scheduler and, once a minute, enqueues each periodic task
whose crontab matches. With three workers the inbox would be read three times a minute.
These queue classes let only the first consumer to look claim a task for that minute (an
atomic put-if-empty in the queue's own storage, Redis or SQLite); the others skip it.
"""

from __future__ import annotations

import datetime as dt

from huey import RedisHuey, SqliteHuey


def period_key(task_name: str, timestamp: dt.datetime) -> str:
    return f"carecast:periodic:{task_name}:{timestamp:%Y%m%d%H%M}"


class OncePerPeriod:
    """Mixin for a Huey class: ``read_periodic`` hands out each task once per minute."""

    # Claims of each task's last few runs are kept (a late peer is still refused for them);
    # older ones are deleted, so the store does not grow by one key per run forever.
    KEEP_CLAIMS = 3

    def read_periodic(self, timestamp):  # type: ignore[no-untyped-def]
        if timestamp is None:
            timestamp = self._get_timestamp()  # type: ignore[attr-defined]
        tasks = super().read_periodic(timestamp)  # type: ignore[misc]
        if getattr(self, "immediate", False):
            return tasks
        return [task for task in tasks if self._claim(task.name, timestamp)]

    def _claim(self, task_name: str, timestamp: dt.datetime) -> bool:
        key = period_key(task_name, timestamp)
        if not self.put_if_empty(key, b"1"):  # type: ignore[attr-defined]
            return False
        # Only the winner of a period gets here, so one writer per task at a time.
        kept_key = f"carecast:periodic-claims:{task_name}"
        claims = [*(self.get(kept_key, peek=True) or []), key]  # type: ignore[attr-defined]
        for old in claims[: -self.KEEP_CLAIMS]:
            self.delete(old)  # type: ignore[attr-defined]
        self.put(kept_key, claims[-self.KEEP_CLAIMS :])  # type: ignore[attr-defined]
        return True


class OncePerPeriodRedisHuey(OncePerPeriod, RedisHuey):
    pass


class OncePerPeriodSqliteHuey(OncePerPeriod, SqliteHuey):
    pass
