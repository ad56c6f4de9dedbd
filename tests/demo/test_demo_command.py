"""``carecast demo --no-serve`` seeds a fresh database and exits; links follow the port."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_it_seeds_and_exits_with_links_on_the_configured_port(tmp_path: Path):
    port, sandbox_port = _free_port(), _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CARECAST_PUBLIC_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        CARECAST_VAR_DIR=str(tmp_path),
        CARECAST_PORT=str(port),
        CARECAST_SANDBOX_PORT=str(sandbox_port),
    )
    done = subprocess.run(
        [sys.executable, "-m", "carecast.cli", "demo", "--no-serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "seeded" in done.stdout
    with sqlite3.connect(tmp_path / "carecast.sqlite3") as db:
        [(feed_url,)] = db.execute(
            "select base_url from networks_channel where network = 'feed'"
        ).fetchall()
        stories = db.execute("select count(*) from stories_story").fetchone()[0]
    assert feed_url.startswith(f"http://127.0.0.1:{port}/feeds/")
    assert stories == 12
    # It exited: nothing listens on the web port, and the sandbox was stopped too.
    for busy in (port, sandbox_port):
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", busy)) != 0
