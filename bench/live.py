"""bench/live: N websocket participants of one live session while questions are approved.

For each N (default 500, 2,000, 5,000) and each server — carecast (uvicorn + Django ASGI +
the live hub, approvals through ``actions.approve`` in a thread, as a view would) and a
minimal broadcast server written with the ``websockets`` library alone — the same client
process opens N connections, then RATE questions a second are approved for SECONDS.
Prints p50/p99 latency from approval to each client having it, p50/p99 until *every*
client has it, and the delivered-messages rate as a ratio to the bare server.
Everything on 127.0.0.1; each run is bounded in time.

    python -m bench live                       # N = 500, 2000, 5000
    BENCH_LIVE_N=500,2000 BENCH_LIVE_RATE=5 BENCH_LIVE_SECONDS=10 python -m bench live
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SIZES = [int(n) for n in os.environ.get("BENCH_LIVE_N", "500,2000,5000").split(",")]
RATE = float(os.environ.get("BENCH_LIVE_RATE", "5"))  # approvals per second
SECONDS = float(os.environ.get("BENCH_LIVE_SECONDS", "10"))
# uvicorn's websocket implementation: auto (websockets), websockets-sansio or wsproto.
UVICORN_WS = os.environ.get("BENCH_LIVE_WS", "auto")
CONNECT_TIMEOUT = 120.0
TEXT = "Darf der Partner bei einem Kaiserschnitt dabei sein, und wie lange darf er bleiben?"


def _raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


# --- the servers (each its own process) -----------------------------------------------------


def _approval_schedule(count: int):
    """Sleep-until slots at RATE per second; yields the slot's index."""
    start = time.monotonic()
    for i in range(count):
        delay = start + i / RATE - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield i


def carecast_server(port: int, var_dir: str, out: str) -> None:
    """uvicorn serving carecast.asgi; a thread approves questions once stdin says go."""
    os.environ.update(
        CARECAST_VAR_DIR=var_dir,
        DJANGO_SETTINGS_MODULE="carecast.settings",
        CARECAST_HUEY_IMMEDIATE="true",
        CARECAST_LOG_LEVEL="WARNING",
    )
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    import uvicorn
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    questions = _prepare_session(int(RATE * SECONDS))
    from carecast.asgi import application

    server = uvicorn.Server(
        uvicorn.Config(
            application,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            backlog=4096,
            ws=UVICORN_WS,
        )
    )
    threading.Thread(target=_approver, args=(questions, out, server), daemon=True).start()
    server.run()


def _prepare_session(count: int):
    import datetime as dt

    from django.utils import timezone

    from carecast.core.models import Organisation
    from carecast.live.models import LiveSession, Question

    org = Organisation.objects.create(name="Bench", slug="bench")
    now = timezone.now()
    session = LiveSession.objects.create(
        organisation=org,
        title="Bench",
        slug="bench",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=2),
    )
    return Question.objects.bulk_create(
        [
            Question(session=session, text=f"{TEXT} ({i})", public_text=f"{TEXT} ({i})")
            for i in range(count)
        ]
    )


def _approver(questions, out: str, server) -> None:
    from carecast.live import actions

    sys.stdin.readline()  # "go"
    approved = {}
    for i in _approval_schedule(len(questions)):
        approved[questions[i].pk] = time.time()
        actions.approve(questions[i])
    Path(out).write_text(json.dumps(approved))


def baseline_server(port: int, out: str) -> None:
    """The reference: ``websockets`` alone, one ``broadcast`` per message to a set of connections."""
    from websockets.asyncio.server import broadcast, serve

    connections: set = set()

    async def handler(ws) -> None:
        connections.add(ws)
        try:
            await ws.wait_closed()
        finally:
            connections.discard(ws)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        async with serve(handler, "127.0.0.1", port, backlog=4096, ping_interval=None):
            await loop.run_in_executor(None, sys.stdin.readline)
            sent = {}
            start = loop.time()
            for i in range(int(RATE * SECONDS)):
                await asyncio.sleep(max(0.0, start + i / RATE - loop.time()))
                event = {
                    "type": "question",
                    "question": {
                        "id": i + 1,
                        "text": f"{TEXT} ({i})",
                        "name": "",
                        "votes": 0,
                        "status": "approved",
                        "source": "web",
                        "answer": "",
                    },
                }
                sent[i + 1] = time.time()
                broadcast(connections, json.dumps(event, ensure_ascii=False, separators=(",", ":")))
            Path(out).write_text(json.dumps(sent))
            await asyncio.Future()

    asyncio.run(main())


# --- the clients (one process, N connections) -------------------------------------------------


class _Client(asyncio.Protocol):
    """A websocket client cut to what the bench needs: handshake, read text frames, answer pings.

    The ``websockets`` client spends more CPU per message than the servers under test, and
    the clients share the two cores with them; reading frames by hand keeps the client's
    share small, so that the servers are what is measured.
    """

    def __init__(self, path: str, on_message, opened: asyncio.Future) -> None:
        self.path, self.on_message, self.opened = path, on_message, opened
        self.buffer = bytearray()
        self.transport = None
        self.upgraded = False

    def connection_made(self, transport) -> None:
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(
            f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )

    def data_received(self, data: bytes) -> None:
        at = time.time()
        self.buffer += data
        if not self.upgraded:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not self.buffer.startswith(b"HTTP/1.1 101"):
                self.opened.set_exception(ConnectionError(bytes(self.buffer[:40])))
                return
            del self.buffer[: end + 4]
            self.upgraded = True
            self.opened.set_result(True)
        self._frames(at)

    def _frames(self, at: float) -> None:
        buffer = self.buffer
        while len(buffer) >= 2:
            opcode, length, offset = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
            if length == 126:
                if len(buffer) < 4:
                    return
                length, offset = int.from_bytes(buffer[2:4], "big"), 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                length, offset = int.from_bytes(buffer[2:10], "big"), 10
            if len(buffer) < offset + length:
                return
            payload = bytes(buffer[offset : offset + length])
            del buffer[: offset + length]
            if opcode == 1:
                self.on_message(payload, at)
            elif opcode == 9:  # ping: a masked pong with the same payload (mask of zeros)
                self.transport.write(bytes([0x8A, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)


def clients(url: str, n: int, expected: int, out: str) -> None:
    """Open ``n`` connections, say "ready", record when each question arrives on each."""
    host, port_path = url.removeprefix("ws://").split(":", 1)
    port, path = port_path.split("/", 1)
    received: dict[int, list[float]] = {}
    total = [0]

    def on_message(payload: bytes, at: float) -> None:
        if not payload.startswith(b'{"type":"question"'):
            return  # carecast's moderator pings carry no question
        key = int(payload[36 : payload.index(b",", 36)])  # the id comes first
        received.setdefault(key, []).append(at)
        total[0] += 1

    async def open_one(loop, gate: asyncio.Semaphore) -> None:
        async with gate:
            opened = loop.create_future()
            await loop.create_connection(
                lambda: _Client("/" + path, on_message, opened), host, int(port)
            )
            await asyncio.wait_for(opened, 60)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        gate = asyncio.Semaphore(100)
        results = await asyncio.gather(
            *(open_one(loop, gate) for _ in range(n)), return_exceptions=True
        )
        print(f"ready {sum(1 for r in results if r is None)}", flush=True)
        deadline = time.monotonic() + SECONDS + 30
        while total[0] < n * expected and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        Path(out).write_text(json.dumps(received))
        os._exit(0)  # the sockets go with the process

    asyncio.run(main())


# --- the run ------------------------------------------------------------------------------------


def _measure(kind: str, n: int, tmp: Path) -> dict:
    port = _free_port()
    sent_path, got_path = tmp / f"{kind}-{n}-sent.json", tmp / f"{kind}-{n}-got.json"
    if kind == "carecast":
        var_dir = tmp / f"var-{n}"
        args = ["carecast-server", str(port), str(var_dir), str(sent_path)]
        path = "/live/ws/bench/"
    else:
        args, path = ["baseline-server", str(port), str(sent_path)], "/"
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.live", *args], stdin=subprocess.PIPE, text=True
    )
    client = None
    try:
        _wait_listening(port, server)
        expected = int(RATE * SECONDS)
        client = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.live",
                "clients",
                f"ws://127.0.0.1:{port}{path}",
                str(n),
                str(expected),
                str(got_path),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        ready = client.stdout.readline().split()
        assert server.stdin is not None
        server.stdin.write("go\n")
        server.stdin.flush()
        client.wait(timeout=SECONDS + CONNECT_TIMEOUT + 60)
        _wait_for_file(sent_path)
        return _summarise(
            json.loads(sent_path.read_text()),
            json.loads(got_path.read_text()),
            n,
            int(ready[1]) if len(ready) > 1 else 0,
        )
    finally:
        for process in (client, server):
            if process and process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def _wait_listening(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench/live: the server on {port} exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"bench/live: nothing listens on {port}")


def _wait_for_file(path: Path) -> None:
    deadline = time.monotonic() + 30
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def _summarise(sent: dict, got: dict, n: int, connected: int) -> dict:
    latencies, to_all = [], []
    for key, at in sent.items():
        times = got.get(str(key)) or []
        latencies.extend(t - at for t in times)
        if len(times) == n:
            to_all.append(max(times) - at)
    first, last = min(sent.values()), max(t for ts in got.values() for t in ts) if got else 0
    delivered = len(latencies)
    return {
        "connected": connected,
        "delivered": delivered,
        "expected": len(sent) * n,
        "p50": _percentile(latencies, 50) if latencies else float("nan"),
        "p99": _percentile(latencies, 99) if latencies else float("nan"),
        "all_p50": _percentile(to_all, 50) if to_all else float("nan"),
        "all_p99": _percentile(to_all, 99) if to_all else float("nan"),
        "rate": delivered / max(last - first, 1e-9),
    }


def main() -> None:
    _raise_file_limit()
    print(
        f"\nbench/live  {RATE:g} approvals/s for {SECONDS:g} s; uvicorn ws={UVICORN_WS}; "
        "clients in one separate process; "
        f"{os.cpu_count()} cores; ulimit -n {resource.getrlimit(resource.RLIMIT_NOFILE)[0]}"
    )
    print(
        f"  {'N':>5}  {'server':9} {'connected':>9} {'delivered':>17}  {'p50':>7} {'p99':>7}"
        f"  {'every p50':>9} {'every p99':>9}  {'msgs/s':>8}  ratio"
    )
    with tempfile.TemporaryDirectory(prefix="carecast-bench-live-") as tmp:
        for n in SIZES:
            base = _measure("baseline", n, Path(tmp))
            ours = _measure("carecast", n, Path(tmp))
            for kind, r in (("websockets", base), ("carecast", ours)):
                ratio = f"{ours['rate'] / base['rate']:.2f}" if kind == "carecast" else ""
                print(
                    f"  {n:>5}  {kind:9} {r['connected']:>9} {r['delivered']:>8}/{r['expected']:<8}"
                    f"  {r['p50'] * 1000:>5.0f}ms {r['p99'] * 1000:>5.0f}ms"
                    f"  {r['all_p50'] * 1000:>7.0f}ms {r['all_p99'] * 1000:>7.0f}ms"
                    f"  {r['rate']:>8.0f}  {ratio}",
                    flush=True,
                )
    print("  targets: ratio ≥ 0.5; p99 < 150 ms at 2,000 and < 400 ms at 5,000")


if __name__ == "__main__":
    _raise_file_limit()
    command, *rest = sys.argv[1:]
    if command == "carecast-server":
        carecast_server(int(rest[0]), rest[1], rest[2])
    elif command == "baseline-server":
        baseline_server(int(rest[0]), rest[1])
    elif command == "clients":
        clients(rest[0], int(rest[1]), int(rest[2]), rest[3])
