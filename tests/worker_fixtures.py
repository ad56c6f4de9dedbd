"""A real worker process (``carecast worker``) sharing the test database and queue.

Tests that use it need committed data (``transactional_db``) so the worker, a
separate process, sees it. The test process stops running tasks in-process
(Huey's immediate mode) for as long as the worker runs, so whatever the test or
the live server enqueues goes to the same queue the worker consumes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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
