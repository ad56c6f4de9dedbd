"""What ``/healthz`` reports: database, Redis (when configured), worker heartbeat, queue lag.

Each check answers ``ok`` plus a few numbers; none carries a secret, an address or a name
of a person, because a load balancer (anyone, really) may read it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

Check = dict[str, Any]


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means: not healthy
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def check_redis() -> Check | None:
    """``None`` when carecast runs without Redis (SQLite queue, live events in-process)."""
    url = str(settings.HUEY.get("url") or "")
    if not url:
        return None
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def check_worker(now: dt.datetime) -> Check:
    from carecast.ops.heartbeat import newest_beat
    from carecast.ops.models import WorkerBeat

    stale = dt.timedelta(seconds=settings.CARECAST_HEALTH_WORKER_STALE_SECONDS)
    newest = newest_beat()
    if newest is None:
        return {"ok": False, "error": "no worker is running", "alive": 0}
    alive = WorkerBeat.objects.filter(beat_at__gte=now - stale).count()
    age = max(0.0, (now - newest).total_seconds())
    return {"ok": alive > 0, "last_beat_seconds": round(age, 1), "alive": alive}


def queue_lag(now: dt.datetime) -> float:
    """Seconds the longest-waiting due post has been waiting (0 when none is overdue)."""
    from carecast.publishing.models import Publication, State

    oldest = (
        Publication.objects.filter(state=State.SCHEDULED, due_at__lte=now)
        .exclude(next_attempt_at__gt=now)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    return 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())


def queue_depth() -> int | None:
    """Tasks waiting in Huey's queue (``None`` if the queue cannot be read)."""
    from huey.contrib.djhuey import HUEY

    try:
        return int(HUEY.pending_count())
    except Exception:  # noqa: BLE001 - reported as unknown; the Redis check says why
        return None


def check_queue(now: dt.datetime) -> Check:
    lag = queue_lag(now)
    limit = settings.CARECAST_HEALTH_QUEUE_LAG_SECONDS
    return {"ok": lag <= limit, "lag_seconds": round(lag, 1), "pending_tasks": queue_depth()}


def report(
    now: dt.datetime | None = None, *, web_only: bool = False
) -> tuple[bool, dict[str, Any]]:
    """All checks; healthy only if every one is. The queue is not read without a database.

    ``web_only``: what a web process needs to serve pages (database, Redis), for a load
    balancer that should keep serving while the workers are down.
    """
    now = now or timezone.now()
    checks: dict[str, Check] = {"database": check_database()}
    redis_check = check_redis()
    if redis_check is not None:
        checks["redis"] = redis_check
    if checks["database"]["ok"] and not web_only:
        checks["worker"] = check_worker(now)
        checks["queue"] = check_queue(now)
    healthy = all(check["ok"] for check in checks.values())
    return healthy, {"status": "ok" if healthy else "fail", "checks": checks}
