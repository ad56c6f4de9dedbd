"""Periodic work yields to publishing: for a while after a worker starts, and while posts are due.

A worker in a crash loop that read every channel's inbox at each start spent its few
seconds of life on comments instead of due posts (issue 17: about 2,360 reads). So
periodic work waits ``STARTUP_GRACE_SECONDS`` after a start, steps aside a few
rounds while posts are due, and spreads its per-channel tasks over the minute.
``core`` knows no other app: publishing registers its "posts are due" check here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

STARTUP_GRACE_SECONDS = 20.0
# Never starve periodic work (an emergency comment must still be read): after this
# many rounds stepped aside, it runs even while posts are due.
MAX_YIELDS = 2
SPREAD_SECONDS = 45.0

_lock = threading.Lock()
_started_at: float | None = None
_yielded: dict[str, int] = {}
_busy_checks: list[Callable[[], bool]] = []


def worker_started(now: float | None = None) -> None:
    """Called once when a worker process starts."""
    global _started_at
    with _lock:
        _started_at = time.monotonic() if now is None else now
        _yielded.clear()


def register_busy_check(check: Callable[[], bool]) -> None:
    """``check()`` is True while work that goes first (due posts) is waiting."""
    with _lock:
        if check not in _busy_checks:
            _busy_checks.append(check)


def periodic_may_run(name: str, now: float | None = None) -> bool:
    """Whether the periodic task ``name`` should do its work in this round."""
    now = time.monotonic() if now is None else now
    with _lock:
        started, checks = _started_at, list(_busy_checks)
    if started is not None and now - started < STARTUP_GRACE_SECONDS:
        return False
    if any(check() for check in checks) and _yielded.get(name, 0) < MAX_YIELDS:
        _yielded[name] = _yielded.get(name, 0) + 1
        return False
    _yielded[name] = 0
    return True


def spread(index: int, count: int, window: float = SPREAD_SECONDS) -> float:
    """Seconds to delay the ``index``-th of ``count`` tasks so they spread over ``window``."""
    return 0.0 if count <= 1 else window * index / count


def enqueue_spread(task: Any, items: Iterable[Any], window: float = SPREAD_SECONDS) -> None:
    """Enqueue ``task(item)`` for each item, spread over ``window`` (at once in immediate mode)."""
    from huey.contrib.djhuey import HUEY

    items = list(items)
    for index, item in enumerate(items):
        delay = spread(index, len(items), window)
        if delay and not HUEY.immediate:
            task.schedule(args=(item,), delay=delay)
        else:
            task(item)
