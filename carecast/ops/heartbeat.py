"""Each worker process says it is alive every few seconds; ``/healthz`` reads the newest beat.

A thread beside Huey's consumer, not a periodic task: a periodic task runs on one worker
per period (see ``periodic``), so it could not tell which workers are still there.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from carecast.ops.models import WorkerBeat

# Beats of workers gone this long are forgotten.
FORGET_AFTER = dt.timedelta(days=1)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(name: str, started_at: dt.datetime, now: dt.datetime | None = None) -> None:
    """Record that worker ``name`` is alive at ``now``."""
    now = now or timezone.now()
    WorkerBeat.objects.update_or_create(
        worker=name,
        defaults={"beat_at": now},
        create_defaults={"started_at": started_at, "beat_at": now},
    )
    WorkerBeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()


def newest_beat() -> dt.datetime | None:
    return WorkerBeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()


def forget(name: str) -> None:
    """A worker that stops cleanly takes its beat along."""
    WorkerBeat.objects.filter(worker=name).delete()


class Beater(threading.Thread):
    """Beats every ``CARECAST_HEARTBEAT_SECONDS`` until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True, name="worker-heartbeat")
        self.name_ = worker_name()
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def run(self) -> None:
        interval = settings.CARECAST_HEARTBEAT_SECONDS
        while not self.stopping.is_set():
            try:
                close_old_connections()
                beat(self.name_, self.started_at)
            except Exception:  # noqa: BLE001 - a missed beat shows on /healthz, not as a crash
                import logging

                logging.getLogger(__name__).exception("worker heartbeat failed")
            self.stopping.wait(interval)
        connection.close()

    def stop(self) -> None:
        self.stopping.set()
