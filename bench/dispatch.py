"""bench/dispatch: N posts due at the same moment over M channels, against a local Mastodon API.

Prints time to drain, lateness p50/p99 (due → recorded as published), duplicates,
and throughput as a ratio to a plain synchronous httpx loop (keep-alive) posting
the same N to the same server in the same run. Nothing leaves 127.0.0.1.

    python -m bench dispatch            # N=1000, M=100
    BENCH_N=200 BENCH_M=20 python -m bench dispatch
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N = int(os.environ.get("BENCH_N", "1000"))
M = int(os.environ.get("BENCH_M", "100"))
LEAD_IN = float(os.environ.get("BENCH_LEAD_IN", "6"))  # seconds between scheduling and due
TIMEOUT = 180


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare_environment(var_dir: Path) -> dict[str, str]:
    env = os.environ.copy()
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    env.update(
        CARECAST_VAR_DIR=str(var_dir),
        CARECAST_HUEY_NAME="bench-dispatch",
        CARECAST_HUEY_IMMEDIATE="false",
        CARECAST_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="carecast.settings",
    )
    os.environ.clear()
    os.environ.update(env)
    return env


def _wait_for(url: str, httpx) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"bench: {url} did not come up")


def _baseline(httpx, base_url: str, tokens: list[str]) -> float:
    """Seconds for a plain keep-alive loop to post N statuses."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        started = time.perf_counter()
        for i in range(N):
            response = client.post(
                "/api/v1/statuses",
                data={"status": f"baseline {i}"},
                headers={"Authorization": f"Bearer {tokens[i % M]}"},
            )
            response.raise_for_status()
        return time.perf_counter() - started


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def main() -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="carecast-bench-"))
    env = _prepare_environment(var_dir)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    sandbox = [sys.executable, "-m", "carecast.sandbox", "--quiet", "--port", str(port)]
    processes = [subprocess.Popen(sandbox, env=env, stdout=subprocess.DEVNULL)]
    try:
        _run(env, base_url, processes, var_dir)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def _run(env, base_url, processes, var_dir) -> None:
    import django
    import httpx

    django.setup()
    from django.core.management import call_command

    _wait_for(f"{base_url}/_sandbox/posts", httpx)
    call_command("migrate", verbosity=0)
    channels, tokens = _channels(httpx, base_url)
    processes.append(
        subprocess.Popen(
            [sys.executable, "-m", "carecast.cli", "worker"],
            env=env,
            stdout=(var_dir / "worker.log").open("w"),
            stderr=subprocess.STDOUT,
        )
    )
    baseline_seconds = _baseline(httpx, base_url, tokens)
    due_at = _schedule(channels)
    finished = _wait_until_final(due_at)
    _report(httpx, base_url, due_at, finished, baseline_seconds)


def _channels(httpx, base_url):
    from carecast.core.models import Organisation
    from carecast.networks.models import Channel

    org = Organisation.objects.create(name="Bench", slug="bench")
    channels, tokens = [], []
    for i in range(M):
        token = f"bench-token-{i}"
        httpx.post(
            f"{base_url}/_sandbox/accounts",
            json={"network": "mastodon", "handle": f"bench{i}", "token": token},
        ).raise_for_status()
        channel = Channel(
            organisation=org,
            network="mastodon",
            name=f"Bench {i}",
            handle=f"bench{i}",
            base_url=base_url,
            is_sandbox=True,
            max_concurrent=2,
        )
        channel.set_credentials({"access_token": token})
        channels.append(channel)
        tokens.append(token)
    return Channel.objects.bulk_create(channels), tokens


def _schedule(channels):
    """N publications due at one moment, then the same enqueue that ``services.schedule`` does."""
    import datetime as dt

    from django.utils import timezone

    from carecast.publishing.models import Publication, State
    from carecast.publishing.tasks import enqueue_dispatch
    from carecast.stories.models import Story, Variant

    org = channels[0].organisation
    stories = Story.objects.bulk_create(
        [Story(organisation=org, title=f"Bench {i}", text=f"carecast {i}") for i in range(N)]
    )
    variants = Variant.objects.bulk_create(
        [Variant(story=s, channel=channels[i % M], text=s.text) for i, s in enumerate(stories)]
    )
    due_at = timezone.now() + dt.timedelta(seconds=LEAD_IN)
    Publication.objects.bulk_create(
        [
            Publication(
                variant=v, channel=v.channel, state=State.SCHEDULED, due_at=due_at, text=v.text
            )
            for v in variants
        ]
    )
    enqueue_dispatch(due_at)
    return due_at


def _wait_until_final(due_at):
    from carecast.publishing.models import FINAL_STATES, Publication

    deadline = time.monotonic() + LEAD_IN + TIMEOUT
    while time.monotonic() < deadline:
        if Publication.objects.filter(state__in=FINAL_STATES).count() == N:
            return True
        time.sleep(0.2)
    return False


def _report(httpx, base_url, due_at, finished, baseline_seconds) -> None:
    from carecast.publishing.models import Publication, State

    rows = list(Publication.objects.values_list("state", "published_at"))
    published = [at for state, at in rows if state == State.PUBLISHED]
    lateness = [(at - due_at).total_seconds() for at in published]
    drain = max(lateness) if lateness else float("nan")
    posts = httpx.get(
        f"{base_url}/_sandbox/posts", params={"network": "mastodon"}, timeout=30
    ).json()
    texts = [p["text"] for p in posts if p["text"].startswith("carecast ")]
    duplicates = len(texts) - len(set(texts))
    throughput = len(published) / drain if published else 0.0
    baseline = N / baseline_seconds
    print(f"\nbench/dispatch  N={N} posts over M={M} channels, all due at one moment")
    print(f"  published            {len(published)}/{N}{'' if finished else '  (timed out)'}")
    print(f"  time to drain        {drain:.2f} s after due")
    print(
        f"  lateness p50 / p99   {statistics.median(lateness):.3f} s / {_percentile(lateness, 99):.3f} s"
    )
    print(f"  duplicates           {duplicates}")
    print(
        f"  throughput           {throughput:.0f} posts/s  (baseline httpx loop {baseline:.0f} posts/s)"
    )
    print(f"  ratio to baseline    {throughput / baseline:.2f}   (target ≥ 0.5; p99 target < 1 s)")
