"""Two web processes and three workers on PostgreSQL + Redis, all on 127.0.0.1.

One run, in this order: N posts (``CARECAST_SCALE_POSTS``, 1,000 by default) fall due at
the same second; live Q&A events reach visitors of either web process; the busiest worker
and one web process are SIGKILLed mid-burst and not restarted. Then: every post is on
the network exactly once and ``published``, the surviving visitor still hears the live
session, and each channel's inbox was read at most once per minute although three
schedulers run (periodic tasks go to one worker per period; without that, each
scheduler's copy reads every inbox again seconds later).

Runs in ``make test-services``; skipped on SQLite (one worker is the SQLite setup).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.utils import timezone

from tests.automation.conftest import FeedServer
from tests.live.servers import Listener, free_socket, wait_until
from tests.worker_fixtures import WorkerProcess

ON_SERVICES = os.environ.get("DATABASE_URL", "").startswith("postgres") and bool(
    os.environ.get("REDIS_URL")
)
pytestmark = [
    pytest.mark.fault,
    pytest.mark.skipif(not ON_SERVICES, reason="needs PostgreSQL (DATABASE_URL) and REDIS_URL"),
]
POSTS = int(os.environ.get("CARECAST_SCALE_POSTS", "1000"))
CHANNELS = 4
NOTIFICATIONS = "/api/v1/notifications"


class WebProcess:
    """``carecast serve`` (the production entry point) on a free loopback port."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        sock = free_socket()
        self.port = sock.getsockname()[1]
        sock.close()
        workdir.mkdir(parents=True, exist_ok=True)
        # Its own var/ (collected static files); database, queue and media are shared.
        self.env = {**env, "CARECAST_PORT": str(self.port), "CARECAST_VAR_DIR": str(workdir)}
        self.log_path = workdir / "serve.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> WebProcess:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "carecast.cli", "serve"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until(self._healthz_answers, timeout=60, what=f"carecast serve on {self.port}")
        return self

    def _healthz_answers(self) -> bool:
        import httpx

        assert self.process is not None and self.process.poll() is None, self.log()
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code in (
                200,
                503,
            )
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
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


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def busiest(workers: list[WorkerProcess]) -> WorkerProcess:
    """The worker that spent the most CPU in the last half second: the one draining."""
    before = {w: _cpu_ticks(w.process.pid) for w in workers}
    time.sleep(0.5)
    return max(workers, key=lambda w: _cpu_ticks(w.process.pid) - before[w])


def _published() -> int:
    from carecast.publishing.models import Publication, State

    return Publication.objects.filter(state=State.PUBLISHED).count()


def _schedule_posts(channels, story_for) -> None:
    """``POSTS`` posts planned for an hour from now; moved to one due second later."""
    from carecast.publishing import services

    later = timezone.now() + dt.timedelta(hours=1)
    for number in range(POSTS):
        channel = channels[number % len(channels)]
        story = story_for(channel, text=f"Skalierung Nr. {number}: Besuchszeiten am Sonntag.")
        services.schedule(story.variants.get(), later)


def _all_due_at(moment: dt.datetime) -> None:
    from carecast.publishing.models import Publication, State
    from carecast.publishing.tasks import enqueue_dispatch

    Publication.objects.filter(state=State.SCHEDULED).update(due_at=moment)
    enqueue_dispatch(moment)


def _wait_for_beats(count: int, timeout: float = 60) -> None:
    from carecast.ops.models import WorkerBeat

    wait_until(lambda: WorkerBeat.objects.count() >= count, timeout=timeout, what="worker beats")


def _start_spread() -> float:
    """Seconds between the first and the last worker's start (from their heartbeats)."""
    from carecast.ops.models import WorkerBeat

    starts = list(WorkerBeat.objects.values_list("started_at", flat=True))
    return (max(starts) - min(starts)).total_seconds()


def _feed_source(org) -> FeedServer:
    """The hospital's news feed, to be read every minute (by one worker, once)."""
    from carecast.automation.models import Source

    server = FeedServer()
    server.thread.start()
    server.serve(
        "/news.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Klinikum</title>'
        "<link>https://klinikum.example/</link><description>News</description>"
        "</channel></rss>",
    )
    Source.objects.create(
        organisation=org,
        name="Website",
        url=server.url("/news.xml"),
        allow_hosts=server.host,
        interval_minutes=1,
    )
    return server


def _session(org, geburtshilfe, anna):
    from carecast.live.models import LiveSession

    now = timezone.now()
    return LiveSession.objects.create(
        organisation=org,
        department=geburtshilfe,
        title="Live-Sprechstunde Geburt",
        slug="geburt",
        topic="Alles rund um die Geburt",
        doctors="Dr. Maria Weber",
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(minutes=55),
        created_by=anna.user,
    )


def _hears(visitor: Listener, question_id: int, status: str) -> bool:
    event = visitor.wait_for(
        lambda e: e["type"] == "question" and e["question"]["status"] == status, timeout=15
    )
    return event["question"]["id"] == question_id


def _inbox_reads(sandbox, handles) -> dict[str, list[float]]:
    reads: dict[str, list[float]] = {handle: [] for handle in handles}
    for request in sandbox.requests("mastodon", NOTIFICATIONS, "GET"):
        token = request["headers"].get("authorization", "").removeprefix("Bearer ")
        handle = token.removeprefix("token-mastodon-")
        if handle in reads:
            reads[handle].append(request["time"])
    return reads


def test_it_scales_to_two_web_processes_and_three_workers(
    worker, worker_env, org, geburtshilfe, anna, channel_on, story_for, sandbox, tmp_path
):
    from carecast.live import actions
    from carecast.publishing.models import Publication, State

    worker_env.update(
        CARECAST_CLAIM_LEASE_SECONDS="5",
        CARECAST_HTTP_TIMEOUT="2",
        CARECAST_WORKERS="4",
        CARECAST_DISPATCH_LEAD_SECONDS="0",
        CARECAST_HEARTBEAT_SECONDS="2",
        CARECAST_HOST="127.0.0.1",
    )
    handles = [f"haus{n}" for n in range(CHANNELS)]
    channels = [channel_on("mastodon", handle, max_concurrent=4) for handle in handles]
    _schedule_posts(channels, story_for)
    session = _session(org, geburtshilfe, anna)
    feeds, feed_created = _feed_source(org), time.monotonic()
    # Slow each post a little so the kills land while requests are in flight.
    sandbox.inject_fault(
        network="mastodon", path="/api/v1/statuses", mode="delay", seconds=0.01, times=None
    )

    workers = [worker] + [WorkerProcess(worker_env, tmp_path / f"worker-{n}.log") for n in (2, 3)]
    webs = [WebProcess(worker_env, tmp_path / f"web-{n}") for n in (1, 2)]
    visitors: list[Listener] = []
    try:
        for process in workers:
            process.start()
        for web in webs:
            web.start()
        _wait_for_beats(3)
        start_spread = _start_spread()
        visitors = [Listener(web.port, session.slug) for web in webs]
        for visitor in visitors:
            visitor.until_subscribed()
        started = time.monotonic()

        _all_due_at(timezone.now() + dt.timedelta(seconds=2))
        question = actions.approve(
            actions.submit_question(session, "Darf mein Partner mit in den Kreißsaal?", client="a")
        )
        assert all(_hears(v, question.pk, "approved") for v in visitors)

        wait_until(lambda: _published() >= POSTS // 4, timeout=120, what="a quarter published")
        victim = busiest(workers)
        victim.kill()
        webs[0].kill()
        published_at_kill = _published()
        survivors = [w for w in workers if w is not victim]

        actions.pin(question)  # after the first web process died
        assert _hears(visitors[1], question.pk, "answering")

        settled = (State.PUBLISHED, State.FAILED, State.UNCONFIRMED)
        wait_until(
            lambda: Publication.objects.filter(state__in=settled).count() == POSTS,
            timeout=240,
            what="every post settled:\n" + "\n".join(w.log()[-2000:] for w in workers),
        )
        burst_seconds = time.monotonic() - started

        # Periodic work: each channel's inbox is read at most once per minute although
        # several schedulers run; wait for three reads of every channel.
        wait_until(
            lambda: all(len(r) >= 3 for r in _inbox_reads(sandbox, handles).values()),
            timeout=240,
            what="three inbox reads per channel",
        )
        assert all(w.process.poll() is None for w in survivors)
        feed_minutes = (time.monotonic() - feed_created) / 60
    finally:
        for visitor in visitors:
            visitor.close()
        for process in [*workers, *webs]:
            process.stop()
        feeds.httpd.shutdown()
        feeds.httpd.server_close()

    states = Counter(Publication.objects.values_list("state", flat=True))
    assert states == {State.PUBLISHED: POSTS}, states
    texts = Counter(
        post["text"].split(":")[0]
        for post in sandbox.posts("mastodon")
        if "Skalierung" in post["text"]
    )
    twice = {text: n for text, n in texts.items() if n != 1}
    assert not twice, twice
    assert len(texts) == POSTS
    # The kill fell in the middle of the burst, not before or after it.
    assert 0 < published_at_kill < POSTS, published_at_kill

    # The feed (every minute) was read, and never more often than once a minute.
    polls = len([path for path, _ in feeds.requests if path == "/news.xml"])
    assert 1 <= polls <= int(feed_minutes) + 1, (polls, feed_minutes)
    # The schedulers started within seconds of each other (their minute ticks begin at
    # start), so one read per minute means ~60 s between a channel's reads, whichever
    # worker's scheduler claimed the minute; a second scheduler's copy comes seconds after.
    assert start_spread < 15, start_spread
    for handle, times in _inbox_reads(sandbox, handles).items():
        times.sort()
        gaps = [round(b - a, 1) for a, b in zip(times, times[1:], strict=False)]
        assert len(gaps) >= 2 and min(gaps) > 30, (handle, gaps)
    print(f"\nscale: {POSTS} posts settled in {burst_seconds:.1f} s, killed at {published_at_kill}")
