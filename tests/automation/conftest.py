"""A tiny feed server on 127.0.0.1 serving files and bodies the tests set per path.

    feed_server.serve("/news.xml", FEEDS / "rss20.xml", etag='"v1"')
    url = feed_server.url("/news.xml")

It answers conditional GETs (ETag / Last-Modified → 304), redirects, errors, and can
hold a request open until the test ends (to exercise our timeout, without sleeping).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from carecast.automation.models import Source
from carecast.networks.models import Channel, Purpose

FEEDS = Path(__file__).parent / "feeds"


def _compile_catalog() -> None:
    """The pages are tested in German: compile this app's catalog if ``make install`` has not."""
    po = Path(__file__).resolve().parents[2] / "carecast/automation/locale/de/LC_MESSAGES/django.po"
    mo = po.with_suffix(".mo")
    if (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime) and shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


_compile_catalog()


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str = ""
    last_modified: str = ""
    location: str = ""
    hang: bool = False
    trickle: float = 0.0  # seconds between single bytes of the body (a slow-loris server)
    send_length: bool = True  # False: no Content-Length, the body ends when the connection does
    headers: dict[str, str] = field(default_factory=dict)


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                if route.hang:
                    server.release.wait(10)
                    return
                if self._not_modified(route):
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(route.status)
                headers = {"Content-Type": route.content_type, **route.headers}
                if route.etag:
                    headers["ETag"] = route.etag
                if route.last_modified:
                    headers["Last-Modified"] = route.last_modified
                if route.location:
                    headers["Location"] = route.location
                if route.send_length:
                    headers.setdefault("Content-Length", str(len(route.body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    if route.trickle:
                        self._trickle(route)
                    else:
                        self.wfile.write(route.body)

            def _trickle(self, route: Route) -> None:
                for byte in route.body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    if server.release.wait(route.trickle):
                        return

            def _not_modified(self, route: Route) -> bool:
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    return True
                since = self.headers.get("If-Modified-Since")
                return bool(route.last_modified and since == route.last_modified)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    @property
    def host(self) -> str:
        """What an admin types to allow this server: host and port (a bare host allows port 80)."""
        return f"127.0.0.1:{self.httpd.server_address[1]}"

    def serve(self, path: str, body: bytes | str | Path = b"", **fields) -> Route:
        if isinstance(body, Path):
            body = body.read_bytes()
        if isinstance(body, str):
            body = body.encode()
        route = Route(body=body, **fields)
        self.routes[path] = route
        return route


@pytest.fixture
def feed_server():
    server = FeedServer()
    server.thread.start()
    yield server
    server.release.set()
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def source_for(org, feed_server):
    """A source reading ``path`` on the feed server (its host:port allowed, as an admin would)."""

    def make(path: str, kind: str = Source.Kind.FEED, **fields) -> Source:
        fields.setdefault("allow_hosts", feed_server.host)
        return Source.objects.create(
            organisation=org, name=path.strip("/"), kind=kind, url=feed_server.url(path), **fields
        )

    return make


@pytest.fixture
def news_channel(org) -> Channel:
    return Channel.objects.create(
        organisation=org,
        network="mastodon",
        name="Mastodon – News",
        handle="news",
        purpose=Purpose.NEWS,
    )


@pytest.fixture
def jobs_channel(org) -> Channel:
    return Channel.objects.create(
        organisation=org, network="x", name="X – Jobs", handle="KlinikumJobs", purpose=Purpose.JOBS
    )


@pytest.fixture
def mastodon_on(org, sandbox):
    """A Mastodon channel whose account lives on the sandbox, and a way to post there directly."""

    def make(handle: str = "klinikum", **fields) -> Channel:
        token = f"token-{handle}"
        remote = sandbox.add_account("mastodon", handle, token)
        channel = Channel(
            organisation=org,
            network="mastodon",
            name=f"Mastodon – {handle}",
            handle=handle,
            base_url=sandbox.base_url,
            remote_user_id=str(remote["id"]),
            is_sandbox=True,
            **fields,
        )
        channel.set_credentials({"access_token": token})
        channel.save()
        return channel

    return make


def post_on_sandbox(sandbox, handle: str, text: str) -> str:
    """A status made outside carecast (in the Mastodon app, say)."""
    post_id = sandbox.store.next_id("mastodon")
    url = f"{sandbox.base_url}/@{handle}/{post_id}"
    sandbox.store.add_post("mastodon", handle, post_id, text, url, {"visibility": "public"})
    return post_id
