"""bench/metric_sync: the metric sync of C channels × P posts against a local Mastodon API.

Prints the time carecast's sync needs to read and store the counts of every due post
(``analytics.sync.sync_channel`` per channel: batched ``GET /api/v1/statuses?id[]=…``, one
snapshot per post, the posts' latest counts and next stage written to SQLite) and, as the
baseline in the same run, a plain keep-alive httpx loop making the same requests to the same
sandbox and only parsing the counts. The ratio baseline/carecast must stay ≥ 0.5. Followers
and the recent-posts import are switched off for the run, so both sides fetch the same counts.

    python -m bench metric_sync                 # C=100, P=1000
    BENCH_CHANNELS=10 BENCH_POSTS=200 python -m bench metric_sync
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHANNELS = int(os.environ.get("BENCH_CHANNELS", "100"))
POSTS = int(os.environ.get("BENCH_POSTS", "1000"))
BATCH = 20  # ids per request, as the Mastodon connector sends them


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(var_dir: Path) -> None:
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ.update(
        CARECAST_VAR_DIR=str(var_dir),
        CARECAST_HUEY_NAME="bench-metric-sync",
        CARECAST_LOG_LEVEL="WARNING",
        CARECAST_SANDBOX="true",
        DJANGO_SETTINGS_MODULE="carecast.settings",
    )


def _fill_sandbox(db_path: Path) -> list[tuple[str, str, list[str]]]:
    """C accounts with P posts each, written straight into the sandbox's SQLite file."""
    from carecast.sandbox.store import Store

    store = Store(db_path)
    accounts = []
    created = "2027-03-01T08:00:00.000Z"
    for c in range(CHANNELS):
        handle, token = f"klinikum{c}", f"token-{c}"
        account = store.add_account("mastodon", handle, token)
        ids = [str(10_000_000 + c * POSTS + p) for p in range(POSTS)]
        rows = [
            ("mastodon", i, handle, f"Post {i}", f"http://sandbox/@{handle}/{i}", "de", created,
             json.dumps({"favourites_count": int(i) % 97, "reblogs_count": int(i) % 13,
                         "replies_count": int(i) % 7}))
            for i in ids
        ]  # fmt: skip
        with store.lock, store._db:  # noqa: SLF001 - bulk seeding of the bench's own file
            store._db.executemany("INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)  # noqa: SLF001
        accounts.append((str(account["user_id"]), token, ids))
    return accounts


def _start_sandbox(db_path: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "carecast.sandbox", "--port", str(port), "--db", str(db_path),
         "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    process.stdout.readline()  # "carecast sandbox on …": it listens
    return process


def _baseline(base_url: str, accounts) -> tuple[float, int]:
    """A bare loop: the same batched requests, counts parsed into a list, nothing stored."""
    import httpx

    counts = []
    started = time.perf_counter()
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for _user_id, token, ids in accounts:
            headers = {"Authorization": f"Bearer {token}"}
            for start in range(0, len(ids), BATCH):
                params = {"id[]": ids[start : start + BATCH]}
                response = client.get("/api/v1/statuses", params=params, headers=headers)
                response.raise_for_status()
                counts += [
                    (s["favourites_count"], s["reblogs_count"], s["replies_count"])
                    for s in response.json()
                ]
    return time.perf_counter() - started, len(counts)


def _prepare_carecast(base_url: str, accounts, now: dt.datetime) -> list:
    from carecast.analytics.models import ChannelSync, Post
    from carecast.core.models import Organisation
    from carecast.networks.models import Channel

    org = Organisation.objects.create(name="Bench-Klinikum", slug="bench-klinikum")
    channels = []
    published = now - dt.timedelta(hours=2)
    for number, (user_id, token, ids) in enumerate(accounts):
        channel = Channel(
            organisation=org, network="mastodon", name=f"Mastodon {number}",
            handle=f"klinikum{number}", base_url=base_url, remote_user_id=user_id,
            is_sandbox=True,
        )  # fmt: skip
        channel.set_credentials({"access_token": token})
        channel.save()
        ChannelSync.objects.create(channel=channel, last_followers_at=now)
        Post.objects.bulk_create(
            [
                Post(
                    organisation=org,
                    channel=channel,
                    remote_id=i,
                    published_at=published,
                    next_sync_at=published + dt.timedelta(hours=1),
                )
                for i in ids
            ],  # fmt: skip
            batch_size=2000,
        )
        channels.append(channel)
    return channels


def _carecast(channels, now: dt.datetime) -> tuple[float, int]:
    from carecast.analytics import sync

    sync.BUDGET["mastodon"] = max(sync.BUDGET["mastodon"], POSTS // BATCH + 1)
    started = time.perf_counter()
    read = sum(sync.sync_channel(channel, now).posts for channel in channels)
    return time.perf_counter() - started, read


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-metric-sync-") as tmp:
        var_dir = Path(tmp)
        _environment(var_dir)
        import django

        django.setup()
        from django.core.management import call_command
        from django.utils import timezone

        call_command("migrate", verbosity=0)
        accounts = _fill_sandbox(var_dir / "sandbox.sqlite3")
        port = _free_port()
        sandbox = _start_sandbox(var_dir / "sandbox.sqlite3", port)
        base_url = f"http://127.0.0.1:{port}"
        try:
            now = timezone.now()
            channels = _prepare_carecast(base_url, accounts, now)
            baseline, fetched = _baseline(base_url, accounts)
            ours, read = _carecast(channels, now)
        finally:
            sandbox.terminate()
            sandbox.wait(timeout=10)
        from carecast.analytics.models import MetricSnapshot

        stored = MetricSnapshot.objects.count()
        total = CHANNELS * POSTS
        print(
            f"metric_sync channels={CHANNELS} posts={total} baseline_s={baseline:.2f} "
            f"carecast_s={ours:.2f} ratio={baseline / ours:.2f} (target >= 0.5) "
            f"fetched={fetched} read={read} snapshots={stored}"
        )
        if read != total or stored != total or fetched != total:
            raise SystemExit("bench metric_sync: not every post was read and stored")


if __name__ == "__main__":
    main()
