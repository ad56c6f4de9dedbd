"""Huey hooks of the ops app: the worker heartbeat and the failing-channel check."""

from __future__ import annotations

import atexit
import threading

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, on_startup

_lock = threading.Lock()
_beater = None


@on_startup()
def start_heartbeat() -> None:
    """Huey calls this once per worker thread; one heartbeat per process is enough."""
    global _beater
    from carecast.ops.heartbeat import Beater

    with _lock:
        if _beater is None:
            _beater = Beater()
            _beater.start()
            # Huey's shutdown hooks do not run when its threads are interrupted (SIGTERM);
            # the interpreter's exit does, so a stopped worker shows as gone at once.
            atexit.register(stop_heartbeat)


def stop_heartbeat() -> None:
    from django.db import connection

    from carecast.ops.heartbeat import forget

    with _lock:
        if _beater is not None:
            _beater.stop()
            _beater.join(timeout=5)
            forget(_beater.name_)
            connection.close()


@db_periodic_task(crontab(minute="*"))
def check_failing_channels() -> int:
    """Every minute: open an incident (and tell the leads once) for channels that keep failing."""
    from carecast.ops.alerts import check_channels

    return check_channels()
