"""A real worker process (``carecast worker``) sharing the test database and queue.

Tests that use it need committed data (``transactional_db``) so the worker, a
separate process, sees it. The test process stops running tasks in-process
(Huey's immediate mode) for as long as the worker runs, so whatever the test or
the live server enqueues goes to the same queue the worker consumes.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from huey.contrib.djhuey import HUEY


def _database_url() -> str:
    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user = settings.get("USER") or "postgres"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


class WorkerProcess:
    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "carecast.cli", "worker"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """SIGKILL: no cleanup, no goodbye — the crash we must survive."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def worker_env(transactional_db, tmp_path) -> dict[str, str]:
    env = os.environ.copy()
    env.update(
        {
            "DATABASE_URL": _database_url(),
            "CARECAST_HUEY_IMMEDIATE": "false",
            "DJANGO_SETTINGS_MODULE": "carecast.settings",
            "CARECAST_VAR_DIR": str(tmp_path / "worker-var"),
            "CARECAST_MEDIA_ROOT": str(Path(os.environ.get("CARECAST_MEDIA_ROOT", "")) or tmp_path),
            "CARECAST_LOG_LEVEL": "WARNING",
        }
    )
    from django.conf import settings

    env["CARECAST_MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    if "filename" in settings.HUEY:
        env["CARECAST_HUEY_DB"] = str(Path(settings.HUEY["filename"]).resolve())
    env["CARECAST_HUEY_NAME"] = settings.HUEY["name"]
    return env


@pytest.fixture
def worker(worker_env, tmp_path):
    """A worker process, not yet started: ``start()``, ``kill()`` (SIGKILL), ``stop()``.

    From here on, tasks enqueued by the test go to the worker's queue.
    """
    HUEY.immediate = False
    HUEY.flush()
    process = WorkerProcess(worker_env, tmp_path / "worker.log")
    try:
        yield process
    finally:
        process.stop()
        HUEY.flush()
        HUEY.immediate = True


# --- publishing while the worker is killed -------------------------------------------------


def final_states() -> dict[str, int]:
    """How many publications are in each state."""
    from carecast.publishing.models import Publication

    counts: dict[str, int] = {}
    for state in Publication.objects.values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


def _wait_for_progress(published_before: int, deadline: float) -> None:
    from carecast.publishing.models import Publication, State

    while time.monotonic() < deadline:
        if Publication.objects.filter(state=State.PUBLISHED).count() > published_before:
            return
        time.sleep(0.05)


def publish_while_killing(
    worker: WorkerProcess, total: int, *, max_kills: int, deadline_seconds: float, seed: int
) -> tuple[int, list[int]]:
    """Start ``worker`` and SIGKILL it (then restart it) each time it has made progress,
    up to ``max_kills`` times, until all ``total`` publications are settled or time is up.

    Returns the number of kills and how many were published at each kill.
    """
    from carecast.publishing.models import State

    settled = (State.PUBLISHED, State.FAILED, State.UNCONFIRMED)
    rng = random.Random(seed)
    deadline = time.monotonic() + deadline_seconds
    kills, published_at_kill = 0, []
    worker.start()
    while time.monotonic() < deadline:
        counts = final_states()
        if sum(counts.get(state, 0) for state in settled) == total:
            break
        if kills < max_kills:
            # Kill while it works: once it has made progress since the last start.
            _wait_for_progress(counts.get(State.PUBLISHED, 0), deadline)
            time.sleep(rng.uniform(0.02, 0.3))
            worker.kill()
            kills += 1
            published_at_kill.append(final_states().get(State.PUBLISHED, 0))
            worker.start()
        else:
            time.sleep(0.5)
    return kills, published_at_kill


def run_killed_burst(
    worker: WorkerProcess,
    worker_env: dict[str, str],
    channel_on,
    story_for,
    sandbox,
    *,
    posts: int = 200,
    max_kills: int = 8,
    deadline_seconds: float = 150,
    seed: int = 20261123,
) -> None:
    """``posts`` Mastodon posts due at once while the worker is SIGKILLed again and again:
    every one must end ``published``, and arrive exactly once on the sandbox."""
    from django.utils import timezone

    from carecast.publishing import services
    from carecast.publishing.models import State

    worker_env.update(
        CARECAST_CLAIM_LEASE_SECONDS="5",
        CARECAST_HTTP_TIMEOUT="2",
        CARECAST_WORKERS="4",
        CARECAST_DISPATCH_LEAD_SECONDS="0",
    )
    mastodon = channel_on("mastodon", max_concurrent=4)
    for number in range(posts):
        story = story_for(mastodon, text=f"Beitrag Nr. {number}: Besuchszeiten am Wochenende.")
        services.schedule(story.variants.get(), timezone.now())
    # Slow the network a little so kills land while requests are in flight.
    sandbox.inject_fault(
        network="mastodon", path="/api/v1/statuses", mode="delay", seconds=0.02, times=None
    )
    kills, published_at_kill = publish_while_killing(
        worker, posts, max_kills=max_kills, deadline_seconds=deadline_seconds, seed=seed
    )
    counts = final_states()
    assert counts == {State.PUBLISHED: posts}, (counts, worker.log()[-3000:])
    texts = [post["text"] for post in sandbox.posts("mastodon")]
    arrived = {n: sum(t.startswith(f"Beitrag Nr. {n}:") for t in texts) for n in range(posts)}
    wrong = {n: count for n, count in arrived.items() if count != 1}
    assert not wrong, (f"{len(texts)} posts arrived for {posts} publications", _attempts(wrong))
    # The kills really interrupted the work, not just an idle worker.
    assert kills >= 3
    assert any(0 < n < posts for n in published_at_kill), published_at_kill


def _attempts(numbers: dict[int, int]) -> dict[int, list[tuple[str, str]]]:
    """What each attempt of the given posts recorded, to tell how a duplicate came about."""
    from carecast.publishing.models import Publication

    found = {}
    for number in numbers:
        publication = Publication.objects.get(text__startswith=f"Beitrag Nr. {number}:")
        attempts = publication.attempts.order_by("pk")
        found[number] = [(a.outcome, a.message[:80]) for a in attempts]
    return found
