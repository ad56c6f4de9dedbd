"""bench/pages: the analytics dashboard, the calendar and a campaign page on a big history.

N publications and S metric snapshots (default 100,000 and 1,000,000; at most 27 posts a day,
so 100,000 reach back about ten years — ``bench/pages_data``) in PostgreSQL, served
by uvicorn on 127.0.0.1 like ``carecast serve``; each page is asked at 10 requests/s (open
loop) and its p95 latency is compared with a bare signed-in Django view that reads one
indexed row, in the same run and in alternating slices (the machine's load drifts): each
page should stay within 3× of it. The time to render the
monthly report on the same data is printed beside it. Nothing leaves 127.0.0.1.

    python -m bench pages                                              # full size
    BENCH_PAGES_PUBLICATIONS=5000 BENCH_PAGES_SNAPSHOTS=50000 BENCH_PAGES_SECONDS=10 python -m bench pages
    BENCH_PAGES_REUSE=1 python -m bench pages      # keep the last run's data (migrated, not reseeded)
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

PUBLICATIONS = int(os.environ.get("BENCH_PAGES_PUBLICATIONS", "100000"))
SNAPSHOTS = int(os.environ.get("BENCH_PAGES_SNAPSHOTS", "1000000"))
SECONDS = float(os.environ.get("BENCH_PAGES_SECONDS", "20"))
RATE = float(os.environ.get("BENCH_PAGES_RATE", "10"))
DATABASE = os.environ.get(
    "BENCH_PAGES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carecast_bench_pages"
)
# Keep a database seeded by an earlier run with the same sizes (seeding takes minutes at full size).
REUSE = os.environ.get("BENCH_PAGES_REUSE") == "1"
LIMIT = 3.0
# The bare view and each page take turns this many times (see ``_interleaved``).
SLICES = 4


def _fresh_database(url: str) -> bool:
    """Drop and create the database, or with ``REUSE`` keep one that exists; True if fresh."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if REUSE and exists:
            return False
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def _environment(var_dir: Path) -> dict[str, str]:
    os.environ.pop("REDIS_URL", None)
    os.environ.update(
        DATABASE_URL=DATABASE,
        CARECAST_VAR_DIR=str(var_dir),
        CARECAST_HUEY_NAME="bench-pages",
        CARECAST_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="bench.pages_settings",
    )
    return dict(os.environ)


def _seed(fresh: bool = True) -> tuple[str, dict[str, str], int]:
    """Migrate, write the history; returns a session cookie, the page paths, a publication id."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from bench.pages_data import seed
    from carecast.core.models import Organisation, Person, Role
    from carecast.publishing.models import Publication
    from carecast.stories.models import Campaign

    if fresh or not Organisation.objects.exists():
        org = Organisation.objects.create(name="Klinikum Musterstadt", slug="klinikum-musterstadt")
        user = get_user_model().objects.create_user("anna", "anna@klinikum.test", "bench-pages-pw")
        Person.objects.create(user=user, organisation=org, role=Role.ADMIN)
        started = time.perf_counter()
        seed(org, PUBLICATIONS, SNAPSHOTS, dt.date.today())
        # Planner statistics, as autovacuum would have them on a database that grew slowly.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"pages: seeded {PUBLICATIONS:,} publications, {SNAPSHOTS:,} snapshots in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    else:
        org = Organisation.objects.get()
        user = get_user_model().objects.get(username="anna")
        print(f"pages: reusing {Publication.objects.count():,} publications", flush=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    campaign = Campaign.objects.get(organisation=org, name="#GameChanger")
    row = Publication.objects.order_by("pk").values_list("pk", flat=True)[PUBLICATIONS // 2]
    pages = {
        "dashboard": "/analytics/dashboard/",
        "calendar": "/calendar/",
        "campaign": f"/analytics/campaigns/{campaign.pk}/",
    }
    return session.session_key, pages, row


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(env: dict[str, str], port: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "carecast.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parents[1])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/login/", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("uvicorn did not start")


def _load(client: httpx.Client, path: str, seconds: float = SECONDS) -> list[float]:
    """Open loop: request i starts at i/RATE seconds whether or not earlier ones finished."""
    for _warm in range(3):
        client.get(path).raise_for_status()
    count = int(seconds * RATE)
    latencies: list[float] = []
    lock = threading.Lock()
    start = time.perf_counter()

    def one(i: int) -> None:
        delay = start + i / RATE - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        began = time.perf_counter()
        response = client.get(path)
        took = time.perf_counter() - began
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        with lock:
            latencies.append(took)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(one, range(count)))
    return latencies


def _interleaved(client: httpx.Client, bare: str, page: str) -> tuple[float, float]:
    """p95 of the bare view and of the page, each asked for SECONDS in all, in alternating
    slices: this machine's load drifts (other processes share its two cores), and a baseline
    measured only before the page let one busy stretch decide a run's ratio."""
    bare_times: list[float] = []
    page_times: list[float] = []
    for _slice in range(SLICES):
        bare_times += _load(client, bare, SECONDS / SLICES)
        page_times += _load(client, page, SECONDS / SLICES)
    return _p95(bare_times), _p95(page_times)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="carecast-bench-pages-") as tmp:
        fresh = _fresh_database(DATABASE)
        env = _environment(Path(tmp))
        cookie, pages, row = _seed(fresh)
        port = _free_port()
        server = _serve(env, port)
        try:
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}",
                cookies={"sessionid": cookie},
                timeout=60,
                limits=httpx.Limits(max_connections=16),
            ) as client:
                worst = 0.0
                for name, path in pages.items():
                    bare, p95 = _interleaved(client, f"/_bench/row/{row}/", path)
                    ratio = p95 / bare
                    worst = max(worst, ratio)
                    verdict = "ok" if ratio <= LIMIT else f"OVER {LIMIT:g}x"
                    print(
                        f"pages: {name} p95={p95 * 1000:.1f} ms, bare view (one indexed row) "
                        f"p95={bare * 1000:.1f} ms: {ratio:.2f}x ({verdict}) at {RATE:g} req/s",
                        flush=True,
                    )
        finally:
            server.terminate()
            server.wait(timeout=10)
        print(
            f"pages: monthly report rendered in {_report_seconds():.2f} s (same data)", flush=True
        )
        print(
            f"pages: worst page {worst:.2f}x bare (limit {LIMIT:g}x) with {PUBLICATIONS:,} publications, {SNAPSHOTS:,} snapshots"
        )
        from django.db import connections

        connections.close_all()


def _report_seconds() -> float:
    from carecast.core.models import Organisation
    from carecast.reports import pdf
    from carecast.reports.figures import Month

    organisation = Organisation.objects.get()
    started = time.perf_counter()
    pdf.render(organisation, Month.of(dt.date.today()).plus(-1), "de")
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
