"""bench/chaos: exactly once, in the right state, under faults and crash loops (issue 17).

N posts due at once over M channels of every sandbox network with text posts (Mastodon,
X, Bluesky, Facebook, Threads, LinkedIn);
a share of all API requests fails (429 + Retry-After, 500, 503, a timeout after which
the post is created anyway, an accepted-then-dropped connection; see
``carecast.sandbox.chaos``); workers are SIGKILLed every few seconds for a while, then
left alone until every post is final. Runs on SQLite + SqliteHuey (one worker) and on
PostgreSQL + Redis (two workers). Counts on the sandbox side: what is on the network,
how often; compares with each post's final state; counts every write to a post's row
(a trigger), and prints per run one line:

    chaos sqlite: duplicates=0 contradictions=0 drain_after_kills_s=41.2 max_writes=3

    python -m bench chaos                        # N=1000, M=50, kills for 300 s
    BENCH_CHAOS_N=200 BENCH_CHAOS_KILL_SECONDS=60 python -m bench chaos
    BENCH_CHAOS_DATABASES=sqlite BENCH_CHAOS_FAULT_RATE=0.1 python -m bench chaos

A contradiction is a post whose state says something the network does not:
``published`` but absent (or under an id the network does not have), ``failed`` but
there, ``unconfirmed`` but never sent. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

# Every sandbox network whose posts can be plain text; the channels take turns in this
# order. Instagram needs an image fetched from carecast's public address, TikTok and
# YouTube a video (tests/publishing/test_fault_video_uploads.py kills those mid-upload).
NETWORKS = ("mastodon", "x", "bluesky", "facebook", "threads", "linkedin")
# Where each network's API lives on the sandbox (Mastodon, X and Bluesky at its root).
PREFIXES = {"facebook": "/graph", "threads": "/threads-graph", "linkedin": "/linkedin"}
MIX_NAMES = ("429", "500", "503", "timeout_after_create", "accept_then_drop")
MARKER = re.compile(r"Chaos (\d+):")
# Worker settings for the run: short lease and timeouts so a run takes minutes, not
# hours; the retry base is lowered from 30 s for the same reason (printed with the run).
WORKER_SETTINGS = {
    "CARECAST_CLAIM_LEASE_SECONDS": "10",
    "CARECAST_HTTP_TIMEOUT": "2",
    "CARECAST_RETRY_BASE_SECONDS": "3",
    "CARECAST_DISPATCH_LEAD_SECONDS": "0",
    "CARECAST_WORKERS": "4",
    # INFO: the bench sees the worker's "Worker up" line and kills it only once it is up.
    "CARECAST_LOG_LEVEL": "INFO",
}
UP = "Worker up:"
MAX_WRITES = 4  # the target per post (issue 17)


@dataclass
class Config:
    posts: int = 1000
    channels: int = 50
    kill_seconds: float = 300.0
    kill_every: float = 3.0
    fault_rate: float = 0.2
    faults: list[str] = field(default_factory=list)  # empty: all five
    drain_cap: float = 300.0
    seed: int = 17

    @classmethod
    def from_env(cls) -> Config:
        env = os.environ.get
        faults = [f for f in env("BENCH_CHAOS_FAULTS", "").split(",") if f]
        return cls(
            posts=int(env("BENCH_CHAOS_N", "1000")),
            channels=int(env("BENCH_CHAOS_M", "50")),
            kill_seconds=float(env("BENCH_CHAOS_KILL_SECONDS", "300")),
            kill_every=float(env("BENCH_CHAOS_KILL_EVERY", "3")),
            fault_rate=float(env("BENCH_CHAOS_FAULT_RATE", "0.2")),
            faults=faults,
            drain_cap=float(env("BENCH_CHAOS_DRAIN_CAP", "300")),
            seed=int(env("BENCH_CHAOS_SEED", "17")),
        )


class Worker(Protocol):
    def start(self) -> None: ...
    def kill(self) -> None: ...
    def stop(self) -> None: ...
    def log(self) -> str: ...


@dataclass
class Report:
    posts: int
    kills: int = 0
    published_once: int = 0
    duplicates: int = 0
    contradictions: int = 0
    undrained: int = 0
    drain_after_kills: float | None = None
    split: dict[str, Counter] = field(default_factory=dict)
    writes: Counter = field(default_factory=Counter)
    write_kinds: Counter = field(default_factory=Counter)
    # Writes by kind over the posts above the target of 4 (what pushes them there).
    kinds_above: Counter = field(default_factory=Counter)
    progress: list[int] = field(default_factory=list)
    startup: list[float] = field(default_factory=list)
    injected: dict[str, int] = field(default_factory=dict)
    # Per network: posts whose earlier attempt may have gone out, and how many of them a
    # look-up (or an "already exists" answer) found there instead of sending again.
    maybe_sent: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)

    @property
    def max_writes(self) -> int:
        return max(self.writes.values(), default=0)


# --- the run ---------------------------------------------------------------------------------


def make_channels(sandbox, org, count: int) -> list:
    """``count`` channels, the networks taking turns, each an account on the sandbox."""
    from carecast.networks.models import Channel

    channels = []
    for i in range(count):
        network, handle = NETWORKS[i % len(NETWORKS)], f"chaos{i}"
        token = f"chaos-token-{i}"
        remote = sandbox.add_account(network, handle, token, password=f"pw-{handle}")
        channel = Channel(
            organisation=org,
            network=network,
            name=f"Chaos {network} {i}",
            handle=handle,
            base_url=sandbox.base_url + PREFIXES.get(network, ""),
            remote_user_id=str(remote["id"]),
            is_sandbox=True,
            max_concurrent=2,
            config={"web_url": remote["web_url"]} if remote.get("web_url") else {},
        )
        if network == "bluesky":
            channel.set_credentials({"identifier": handle, "password": f"pw-{handle}"})
        else:
            channel.set_credentials({"access_token": token})
        channel.save()
        channels.append(channel)
    return channels


def schedule(channels: list, posts: int, lead_in: float = 2.0):
    """``posts`` publications due at one moment, then the enqueue ``services.schedule`` does."""
    import datetime as dt

    from django.utils import timezone

    from carecast.publishing.models import Publication, State
    from carecast.publishing.tasks import enqueue_dispatch
    from carecast.stories.models import Story, Variant

    org = channels[0].organisation
    texts = [f"Chaos {i}: Besuchszeiten am Wochenende, Blutspende im Foyer." for i in range(posts)]
    stories = Story.objects.bulk_create(
        [Story(organisation=org, title=f"Chaos {i}", text=t) for i, t in enumerate(texts)]
    )
    variants = Variant.objects.bulk_create(
        [
            Variant(story=s, channel=channels[i % len(channels)], text=s.text)
            for i, s in enumerate(stories)
        ]
    )
    due_at = timezone.now() + dt.timedelta(seconds=lead_in)
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


def run(sandbox, workers: list[Worker], config: Config, say: Callable[[str], None] = print):
    """Schedule, fault, kill, wait for the drain; returns the ``Report`` (workers stopped)."""
    from carecast.sandbox.chaos import RandomFaults

    report = Report(posts=config.posts)
    schedule_at = time.monotonic()
    counter = WriteCounter()
    counter.install()
    try:
        sandbox.faults = RandomFaults(config.fault_rate, config.faults or None, config.seed)
        for worker in workers:
            worker.start()
        report.kills, report.progress, report.startup = _kill_loop(workers, config)
        say(f"  kills stopped after {time.monotonic() - schedule_at:.0f} s ({report.kills} kills)")
        report.drain_after_kills = _wait_drained(config)
        report.injected = dict(sandbox.faults.injected)
        sandbox.faults = RandomFaults(0.0)  # the tally reads the sandbox without faults
        for worker in workers:
            worker.stop()
        report.writes = counter.per_post()
        report.write_kinds = counter.by_kind()
        report.kinds_above = counter.by_kind(above=MAX_WRITES)
    finally:
        counter.uninstall()
    tally(sandbox, report)
    return report


def _final_count() -> int:
    from carecast.publishing.models import FINAL_STATES, Publication

    return Publication.objects.filter(state__in=FINAL_STATES).count()


def _published_count() -> int:
    from carecast.publishing.models import Publication, State

    return Publication.objects.filter(state=State.PUBLISHED).count()


class _Life:
    """One worker's life in the kill loop: when it started, when it was up, when it dies."""

    def __init__(self, worker: Worker, lifespan: float) -> None:
        self.worker, self.lifespan = worker, lifespan
        self.starts, self.started, self.up = 1, time.monotonic(), None

    def check(self, now: float) -> float | None:
        """Mark the worker up once its log says so; the start-up time when it just came up."""
        if self.up is None and self.worker.log().count(UP) >= self.starts:
            self.up = now
            return now - self.started
        return None

    def due(self, now: float) -> bool:
        return self.up is not None and now - self.up >= self.lifespan

    def restart(self, lifespan: float) -> None:
        self.worker.kill()
        self.worker.start()
        self.starts, self.started, self.up, self.lifespan = (
            self.starts + 1,
            time.monotonic(),
            None,
            lifespan,
        )


def _kill_loop(workers: list[Worker], config: Config) -> tuple[int, list[int], list[float]]:
    """SIGKILL each worker ~``kill_every`` s after it is up, and start it again at once.

    Counting from "up", not from the start: on a loaded machine starting Django alone
    can take longer than the interval, and a worker killed before it runs anything
    measures the machine, not the code. Stops early when every post is final; records
    the published count every 30 s and each start-up time.
    """
    rng = random.Random(config.seed)
    lives = [_Life(w, config.kill_every * rng.uniform(0.5, 1.5)) for w in workers]
    started = time.monotonic()
    next_sample, kills, progress, startup = started + 30, 0, [], []
    while time.monotonic() - started < config.kill_seconds:
        if _final_count() == config.posts:
            break
        now = time.monotonic()
        if now >= next_sample:
            progress.append(_published_count())
            next_sample += 30
        for life in lives:
            if (took := life.check(now)) is not None:
                startup.append(took)
            if life.due(now):
                life.restart(config.kill_every * rng.uniform(0.5, 1.5))
                kills += 1
        time.sleep(0.1)
    return kills, progress, startup


def _wait_drained(config: Config) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < config.drain_cap:
        if _final_count() == config.posts:
            return time.monotonic() - started
        time.sleep(0.2)
    return None


# --- counting ---------------------------------------------------------------------------------


class WriteCounter:
    """A trigger that records every UPDATE of a publication row (the worker's writes).

    Each write is also named by what it did, from the row before and after: ``claim``
    (into ``publishing``, or a dead worker's claim taken over), ``renew`` (a heartbeat:
    the same claim), ``give back`` (``publishing`` → ``scheduled``: a retry later, a
    paused channel, the reconciler), ``finish`` (any other state change) and ``other``.
    """

    KIND = (
        "CASE WHEN OLD.state = 'publishing' AND NEW.state = 'publishing' "
        "AND OLD.claim_token = NEW.claim_token THEN 'renew' "
        "WHEN NEW.state = 'publishing' THEN 'claim' "
        "WHEN OLD.state = 'publishing' AND NEW.state = 'scheduled' THEN 'give back' "
        "WHEN OLD.state <> NEW.state THEN 'finish' ELSE 'other' END"
    )

    def install(self) -> None:
        from django.db import connection

        table = "publishing_publication"
        row = f"NEW.id, {self.KIND}"
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_writes (publication_id integer, kind varchar(10))")
            if connection.vendor == "postgresql":
                cursor.execute(
                    "CREATE FUNCTION bench_count_write() RETURNS trigger AS $$ BEGIN "
                    f"INSERT INTO bench_writes VALUES ({row}); RETURN NULL; END $$ "
                    "LANGUAGE plpgsql"
                )
                cursor.execute(
                    f"CREATE TRIGGER bench_count_writes AFTER UPDATE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION bench_count_write()"
                )
            else:
                cursor.execute(
                    f"CREATE TRIGGER bench_count_writes AFTER UPDATE ON {table} "
                    f"BEGIN INSERT INTO bench_writes VALUES ({row}); END"
                )

    def per_post(self) -> Counter:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT publication_id, COUNT(*) FROM bench_writes GROUP BY 1")
            return Counter(dict(cursor.fetchall()))

    def by_kind(self, above: int | None = None) -> Counter:
        """All writes, counted by what they did; ``above``: only those of posts written more."""
        from django.db import connection

        sql = "SELECT kind, COUNT(*) FROM bench_writes"
        if above is not None:
            sql += (
                " WHERE publication_id IN (SELECT publication_id FROM bench_writes"
                f" GROUP BY publication_id HAVING COUNT(*) > {int(above)})"
            )
        with connection.cursor() as cursor:
            cursor.execute(sql + " GROUP BY 1")
            return Counter(dict(cursor.fetchall()))

    def uninstall(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "DROP TRIGGER IF EXISTS bench_count_writes ON publishing_publication"
                )
                cursor.execute("DROP FUNCTION IF EXISTS bench_count_write()")
            else:
                cursor.execute("DROP TRIGGER IF EXISTS bench_count_writes")
            cursor.execute("DROP TABLE IF EXISTS bench_writes")


def _on_network(sandbox) -> tuple[Counter, set[str]]:
    """How often each post number is on the network, and every remote id there."""
    copies: Counter = Counter()
    ids: set[str] = set()
    for network in NETWORKS:
        for post in sandbox.posts(network):
            if match := MARKER.search(str(post.get("text", ""))):
                copies[int(match.group(1))] += 1
                ids.update(str(post[key]) for key in ("id", "uri") if post.get(key))
    return copies, ids


def tally(sandbox, report: Report) -> None:
    """Compare each post's final state with what the sandbox holds."""
    from carecast.publishing.models import Publication, State

    copies, remote_ids = _on_network(sandbox)
    report.duplicates = sum(n - 1 for n in copies.values() if n > 1)
    _count_look_ups(report)
    for text, state, remote_id in Publication.objects.values_list("text", "state", "remote_id"):
        number = int(MARKER.search(text).group(1))
        there = copies[number] > 0
        report.split.setdefault(state, Counter())["on the network" if there else "absent"] += 1
        wrong_id = state == State.PUBLISHED and there and remote_id not in remote_ids
        if (
            (state == State.PUBLISHED and not there)
            or wrong_id
            or (state == State.FAILED and there)
            or (state == State.UNCONFIRMED and not there)
        ):
            report.contradictions += 1
        if state == State.PUBLISHED and copies[number] == 1:
            report.published_once += 1
        if state not in (State.PUBLISHED, State.FAILED, State.UNCONFIRMED, State.CANCELLED):
            report.undrained += 1


def _count_look_ups(report: Report) -> None:
    """Per network: posts that may have gone out earlier, and those found there."""
    from carecast.publishing.models import Attempt

    maybe = (Attempt.Outcome.PENDING, Attempt.Outcome.UNKNOWN)
    attempts = Attempt.objects.values_list("publication__channel__network", "publication_id")
    report.maybe_sent = Counter(n for n, _p in set(attempts.filter(outcome__in=maybe)))
    report.found = Counter(n for n, _p in set(attempts.filter(outcome=Attempt.Outcome.RECOVERED)))


def render(report: Report, database: str, config: Config) -> list[str]:
    """The printed report; its last line is the one-line summary."""
    lines = [
        f"  published once       {report.published_once}/{report.posts}",
        f"  duplicates           {report.duplicates}  (counted on the sandbox)",
        f"  faults injected      {report.injected}",
        f"  kills                {report.kills}  (each worker ~{config.kill_every:g} s after it is up;"
        f" start-up took {_mean(report.startup):.1f} s on average)",
        f"  published per 30 s   {_deltas(report.progress)}  (while killing)",
    ]
    for state, where in sorted(report.split.items()):
        lines.append(
            f"  {state:<20} on the network {where['on the network']:>5}   "
            f"absent {where['absent']:>5}"
        )
    lines.append(
        "  found, not resent    "
        + ", ".join(f"{n} {report.found[n]}/{report.maybe_sent[n]}" for n in NETWORKS)
        + "  (found by a look-up / may have gone out, per network)"
    )
    spread = Counter(report.writes.values())
    lines.append(f"  writes per post      {dict(sorted(spread.items()))}  (writes: posts)")
    lines.append(f"  writes by kind       {dict(sorted(report.write_kinds.items()))}")
    over = sum(posts for n, posts in spread.items() if n > MAX_WRITES)
    lines.append(
        f"  above {MAX_WRITES} writes       {dict(sorted(report.kinds_above.items()))}"
        f"  (their writes by kind, {over} posts)"
    )
    drain = report.drain_after_kills
    lines.append(f"  time to drain        {_seconds(drain)} after the kills stopped")
    lines.append(
        f"chaos {database}: duplicates={report.duplicates} "
        f"contradictions={report.contradictions} drain_after_kills_s={_seconds(drain, '')} "
        f"max_writes={report.max_writes}" + (f" undrained={report.undrained}" * (drain is None))
    )
    return lines


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def _deltas(samples: list[int]) -> list[int]:
    return [b - a for a, b in zip([0, *samples], samples, strict=False)]


def _seconds(value: float | None, unit: str = " s") -> str:
    return "timeout" if value is None else f"{value:.1f}{unit}"


# --- the benchmark process -------------------------------------------------------------------


class WorkerProcess:
    """``carecast worker`` in a subprocess; ``kill()`` is SIGKILL, no goodbye."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log_path, self.process = env, log, None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self) -> None:
        out = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "carecast.cli", "worker"],
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        out.close()

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def _environment(database: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(WORKER_SETTINGS)
    env.update(
        CARECAST_VAR_DIR=str(var_dir),
        CARECAST_HUEY_NAME=f"bench-chaos-{os.getpid()}",
        CARECAST_HUEY_IMMEDIATE="false",
        DJANGO_SETTINGS_MODULE="carecast.settings",
    )
    if database == "postgresql":
        env["DATABASE_URL"] = f"{_pg_server()}/bench_chaos_{os.getpid()}"
        env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    else:
        env["DATABASE_URL"] = f"sqlite:///{var_dir / 'chaos.sqlite3'}"
        env["CARECAST_HUEY_DB"] = str(var_dir / "huey.sqlite3")
    return env


def _pg_server() -> str:
    return os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{_pg_server()}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def run_database(database: str) -> None:
    """One run in this process (a child of ``main``): set up, run, print, clean up."""
    var_dir = Path(tempfile.mkdtemp(prefix=f"carecast-chaos-{database}-"))
    env = _environment(database, var_dir)
    name = f"bench_chaos_{os.getpid()}"
    if database == "postgresql":
        _pg(f"CREATE DATABASE {name}")
    os.environ.clear()
    os.environ.update(env)
    try:
        _run_in_django(database, env, var_dir)
    finally:
        if database == "postgresql":
            from django.db import connections

            connections.close_all()
            _pg(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _run_in_django(database: str, env: dict[str, str], var_dir: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from huey.contrib.djhuey import HUEY

    from carecast.core.models import Organisation
    from carecast.sandbox.server import SandboxServer

    config = Config.from_env()
    call_command("migrate", verbosity=0)
    HUEY.flush()
    count = 2 if database == "postgresql" else 1
    print(
        f"\nbench/chaos {database}: N={config.posts} posts over M={config.channels} channels "
        f"({', '.join(NETWORKS)}), {config.fault_rate:.0%} faults, {count} worker(s), "
        f"a kill every ~{config.kill_every:g} s for up to {config.kill_seconds:g} s; "
        f"lease {WORKER_SETTINGS['CARECAST_CLAIM_LEASE_SECONDS']} s, "
        f"retry base {WORKER_SETTINGS['CARECAST_RETRY_BASE_SECONDS']} s",
        flush=True,
    )
    sandbox = SandboxServer().start()
    try:
        org = Organisation.objects.create(name="Chaos", slug="chaos")
        channels = make_channels(sandbox, org, config.channels)
        schedule(channels, config.posts)
        workers = [WorkerProcess(env, var_dir / f"worker-{i}.log") for i in range(count)]
        report = run(sandbox, workers, config, say=lambda line: print(line, flush=True))
        for line in render(report, database, config):
            print(line, flush=True)
    finally:
        sandbox.stop()
        HUEY.flush()


def _postgres_available() -> bool:
    try:
        _pg("SELECT 1")
    except Exception as exc:  # no server here: say so instead of failing the whole bench
        print(f"chaos postgresql: skipped ({exc.__class__.__name__}: {exc})")
        return False
    return True


def main() -> None:
    """Each database in its own process (Django is set up once per process)."""
    names = os.environ.get("BENCH_CHAOS_DATABASES", "sqlite,postgresql").split(",")
    summaries: list[str] = []
    for database in (n.strip() for n in names if n.strip()):
        if database == "postgresql" and not _postgres_available():
            continue
        with subprocess.Popen(
            [sys.executable, "-m", "bench.chaos", database], stdout=subprocess.PIPE, text=True
        ) as child:
            assert child.stdout is not None
            for line in child.stdout:
                print(line, end="", flush=True)
                if line.startswith("chaos "):
                    summaries.append(line.rstrip())
        if child.returncode:
            summaries.append(f"chaos {database}: the run failed (exit {child.returncode})")
    print()
    for line in summaries:
        print(line)


if __name__ == "__main__":
    run_database(sys.argv[1])
