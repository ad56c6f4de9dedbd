"""Real ASGI servers for the live tests: uvicorn in a thread (sharing this process's hub)
or in subprocesses (each with its own hub, joined by Redis), always on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import uvicorn
from websockets.sync.client import connect

from carecast.live import events
from carecast.live.asgi import WS_MAX_BYTES


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def wait_until(condition, timeout: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class ThreadServer:
    """carecast's ASGI app (Django + live websockets) served by uvicorn from a thread."""

    def __init__(self) -> None:
        from carecast.asgi import application

        self.sock = free_socket()
        self.port = self.sock.getsockname()[1]
        from carecast.live.asgi import server_options

        options = {**server_options(), "ws_ping_interval": None}
        config = uvicorn.Config(application, lifespan="on", log_level="warning", **options)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ThreadServer:
        self.thread.start()
        wait_until(lambda: self.server.started, timeout=30, what="uvicorn to start")
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


class ProcessServer:
    """``uvicorn carecast.asgi:application`` in a subprocess (its own hub and connections)."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        sock = free_socket()
        self.port = sock.getsockname()[1]
        sock.close()
        self.env, self.log_path = env, log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> ProcessServer:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "carecast.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--lifespan",
                "on",
                "--log-level",
                "warning",
                "--ws-max-size",
                str(WS_MAX_BYTES),
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until(self._listening, timeout=30, what=f"uvicorn on port {self.port}")
        return self

    def _listening(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(self.log_path.read_text(errors="replace"))
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Listener:
    """A websocket client of one session, as a visitor's page would be."""

    def __init__(self, port: int, slug: str, moderator: bool = False) -> None:
        path = f"/live/ws/{slug}/" + ("moderate/" if moderator else "")
        # websockets 17 wants connect() as a context manager; enter it by hand, leave in close().
        self._connection = connect(f"ws://127.0.0.1:{port}{path}", open_timeout=10)
        self.ws = self._connection.__enter__()
        self.slug = slug

    def next_event(self, timeout: float = 10.0) -> dict:
        return json.loads(self.ws.recv(timeout=timeout))

    def wait_for(self, predicate, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            event = self.next_event(max(0.01, deadline - time.monotonic()))
            if predicate(event):
                return event

    def until_subscribed(self) -> None:
        """Publish hellos until one arrives: the server's hub (and Redis subscription) is live."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            events.publish(self.slug, {"type": "hello"})
            try:
                if self.next_event(timeout=0.2)["type"] == "hello":
                    break
            except TimeoutError:
                continue
        else:
            raise AssertionError("the server never delivered a hello")
        self.drain()

    def drain(self) -> None:
        while True:
            try:
                self.ws.recv(timeout=0.05)
            except TimeoutError:
                return

    def close(self) -> None:
        self._connection.__exit__(None, None, None)
