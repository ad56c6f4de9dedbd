"""``carecast demo``: everything a comms person needs to try carecast on one machine.

Starts the sandbox network server (Mastodon, X and Bluesky APIs on 127.0.0.1),
migrates, seeds "Klinikum Musterstadt" once, then runs the worker and the web UI
until Ctrl-C. Nothing leaves the machine.

``carecast demo --no-serve`` seeds the demo into the database and exits (for scripts
and CI); the sandbox runs only while seeding publishes the demo's history to it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
from django.conf import settings
from django.core.management import call_command

SANDBOX_PORT = int(os.environ.get("CARECAST_SANDBOX_PORT", "8765"))


def _wait_until_up(url: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"carecast demo: {url} did not come up within {seconds:.0f} s")


def _spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], env=os.environ.copy())


def _stop_on_sigterm(signum, frame) -> None:
    # `kill` (or a process manager) must take the sandbox, worker and web server down too.
    raise KeyboardInterrupt


def run_demo(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    sandbox_url = f"http://127.0.0.1:{SANDBOX_PORT}"
    # Derived from CARECAST_HOST/CARECAST_PORT unless CARECAST_PUBLIC_URL says otherwise.
    public_url = settings.CARECAST_PUBLIC_URL
    children = [
        _spawn(
            "-m",
            "carecast.sandbox",
            "--port",
            str(SANDBOX_PORT),
            "--db",
            str(settings.VAR_DIR / "sandbox.sqlite3"),
        ),
    ]
    try:
        _wait_until_up(f"{sandbox_url}/_sandbox/posts")
        call_command("migrate", interactive=False, verbosity=0)
        from carecast.demo.seed import DEMO_LOGIN, DEPARTMENT_LOGIN, seed

        seed(sandbox_url, public_url)
        if "--no-serve" in argv:
            print(f"carecast demo: seeded into {settings.DATABASES['default']['NAME']}", flush=True)
            return 0
        # A trial should open at once: the demo lead is not sent to set up two-factor
        # sign-in first (a real installation keeps it required for leads).
        os.environ.setdefault("CARECAST_TWO_FACTOR_FOR_LEADS", "false")
        children.append(_spawn("-m", "carecast.cli", "worker"))
        children.append(_spawn("-m", "carecast.cli", "serve"))
        _wait_until_up(f"{public_url}/login/", 30)
        print(
            f"\n  carecast läuft / is running:  {public_url}\n"
            f"  Anmeldung / login:            {DEMO_LOGIN[0]} / {DEMO_LOGIN[1]}"
            f"  (Abteilung Geburtshilfe: {DEPARTMENT_LOGIN[0]} / {DEPARTMENT_LOGIN[1]})\n"
            f"  Sandbox-Netzwerke / sandbox:  {sandbox_url}\n"
            "  Beenden / stop: Ctrl-C\n",
            flush=True,
        )
        if "--check" in argv:
            return 0
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
