"""One local HTTP server that speaks Mastodon, X and Bluesky, plus a viewer and fault injection.

    server = SandboxServer()          # port 0: any free port
    server.start()
    server.add_account("mastodon", "klinikum", "token-1")
    ... point a connector at server.base_url ...
    server.stop()

HTTP/1.1 with keep-alive on a ``ThreadingHTTPServer`` (daemon threads). The three APIs
live on distinct path prefixes (``/api/``, ``/2/``, ``/xrpc/``), so one port serves all.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from carecast.networks.bluesky import sandbox as bluesky_api
from carecast.networks.facebook import sandbox as facebook_api
from carecast.networks.facebook import sandbox_login as facebook_login
from carecast.networks.facebook import sandbox_messages as meta_messages_api
from carecast.networks.instagram import sandbox as instagram_api
from carecast.networks.linkedin import sandbox as linkedin_api
from carecast.networks.mastodon import sandbox as mastodon_api
from carecast.networks.mastodon import sandbox_entities as mastodon_entities
from carecast.networks.threads import sandbox as threads_api
from carecast.networks.tiktok import sandbox as tiktok_api
from carecast.networks.x import sandbox as x_api
from carecast.networks.x import sandbox_dm as x_dm_api
from carecast.networks.youtube import sandbox as youtube_api
from carecast.sandbox import (
    chaos,
    control,
    matomo_api,
    oauth,
    public_api,
    viewer,
    visitors,
)
from carecast.sandbox.routing import HTTPError, Request, Response, Router
from carecast.sandbox.store import Store

log = logging.getLogger(__name__)
ROUTERS: list[Router] = [
    control.router,
    chaos.router,
    oauth.router,  # before X's sandbox: it answers /2/oauth2/token's authorization_code grant
    public_api.router,  # before mastodon_api: /api/v1/accounts/lookup is not an account id
    mastodon_api.router,
    x_api.router,
    x_dm_api.router,  # X's direct messages (the inbox's Direktnachrichten)
    bluesky_api.router,
    facebook_login.router,
    meta_messages_api.router,  # Facebook Page and Instagram private messages (Send API)
    instagram_api.router,
    facebook_api.router,
    threads_api.router,
    linkedin_api.router,
    tiktok_api.router,
    youtube_api.router,
    matomo_api.router,  # the hospital website's web analytics (issue 14)
    viewer.router,
]
DEFAULT_SETTINGS: dict[str, Any] = {
    "mastodon_max_characters": 500,
    # How far the Mastodon API strays from Mastodon's (see ``control`` for the options).
    "mastodon_version": mastodon_entities.VERSION,
    "mastodon_idempotency": True,
    "mastodon_trailing_slash": True,
}


def error_response(network: str | None, status: int, message: str) -> Response:
    """An error in the format of the API the path belongs to."""
    if network == "x":
        return x_api.error(status, message)
    if network == "bluesky":
        code = {404: "MethodNotImplemented", 405: "InvalidRequest"}.get(
            status, "InternalServerError"
        )
        return bluesky_api.error(501 if status == 404 else status, code, message)
    if network == "mastodon":
        return mastodon_api.error(status, message)
    if network == "linkedin":
        return linkedin_api.error(status, "NOT_FOUND" if status == 404 else "ERROR", message)
    if network == "tiktok":
        return tiktok_api.error(
            status, "invalid_params" if status < 500 else "internal_error", message
        )
    if network == "youtube":
        return youtube_api.error(status, "notFound" if status == 404 else "backendError", message)
    if network in ("facebook", "threads"):
        return facebook_api.error(status, 100 if status < 500 else 2, message)
    return viewer.page("Fehler", f"<h1>{status}</h1><p>{message}</p>", status)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sandbox: SandboxServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "carecast-sandbox/1"
    timeout = 60  # idle keep-alive connections are closed after a minute
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stalls
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.sandbox.connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.sandbox.connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        # The networks' traffic is what a demo user wants to watch; the control API
        # (/_sandbox/…: accounts and history the demo seeds) would bury it.
        if self.server.sandbox.verbose and not getattr(self, "path", "").startswith("/_sandbox/"):
            super().log_message(format, *args)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _read_body(self) -> bytes:
        if (self.headers.get("Transfer-Encoding") or "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        sandbox = self.server.sandbox
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        req = Request(
            self.command, path, parse_qs(parts.query), self.headers, self._read_body(), sandbox
        )
        network = control.network_for_path(path)
        fault = sandbox.faults.take(network, self.command, path) if network else None
        req.fault = fault
        if network:
            sandbox.request_log.record(network, req.summary())
        refused = control.refuse_trailing_slash(sandbox.settings, network, parts.path)
        if refused is not None:
            return self._send(refused)
        if fault and fault["mode"] == "status":
            return self._send(control.fault_response(fault, network or ""))
        if fault and fault["mode"] == "delay" and sandbox.stopping.wait(fault["seconds"]):
            self.close_connection = True  # shutting down: drop the request
            return None
        response = sandbox.dispatch(req, network)
        if fault and fault["mode"] == "accept_then_drop":
            # The network did the work, then the connection died before the answer arrived.
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        return self._send(response)

    def _send(self, response: Response) -> None:
        payload, content_type = response.encode()
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("X-Content-Type-Options", "nosniff")
            if not content_type.startswith(
                ("application/json", "text/html", "application/problem")
            ):
                self.send_header("Content-Security-Policy", "sandbox")
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            self.close_connection = True


class SandboxServer:
    """See the module docstring. Thread-safe; ``start()`` serves from a background thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        db_path: str | Path | None = None,
        *,
        verbose: bool = False,
    ) -> None:
        self.store = Store(db_path)
        self.faults = control.Faults()
        self.request_log = control.RequestLog()
        self.settings: dict[str, Any] = dict(DEFAULT_SETTINGS)
        self.verbose = verbose
        self.stopping = threading.Event()
        self.connections: set[socket.socket] = set()
        self._httpd = _HTTPServer((host, port), Handler)
        self._httpd.sandbox = self
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        host = str(host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="sandbox", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()
        for conn in list(self.connections):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self.store.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def dispatch(self, req: Request, network: str | None) -> Response:
        method_known = False
        for router in ROUTERS:
            handler, args, path_known = router.match(req.method, req.path)
            if handler is not None:
                try:
                    return handler(req, **args)
                except HTTPError as exc:
                    return exc.response
                except Exception:
                    log.exception("Sandbox handler failed: %s %s", req.method, req.path)
                    return error_response(network, 500, "Internal Server Error")
            method_known = method_known or path_known
        if method_known:
            return error_response(network, 405, "Method Not Allowed")
        return error_response(network, 404, "Not Found")

    # --- conveniences for tests and the demo --------------------------------------------------

    def add_account(
        self, network: str, handle: str, token: str = "", **options: Any
    ) -> dict[str, Any]:
        """Create an account and return it with ``id`` (the remote user id) and ``web_url``.

        ``token`` is the access token; for Bluesky the app password (``password`` wins if
        given). ``user_id``, ``display_name``, ``refresh_token`` and ``client_id`` are
        understood; anything else (``omit_refresh_token=True`` for X) goes into options.
        """
        password = options.pop("password", None)
        if network == "bluesky":
            token = password or token
        if not token:
            raise ValueError("An account needs a token (Bluesky: a password).")
        names = ("user_id", "display_name", "refresh_token", "client_id")
        known = {k: options.pop(k) for k in names if k in options}
        extra = options.pop("options", None) or {}
        account = self.store.add_account(
            network, handle, token, options={**extra, **options}, **known
        )
        web = {"x": "/x", "bluesky": "/bsky"}.get(network)
        return {
            **account,
            "id": account["user_id"],
            "web_url": f"{self.base_url}{web}" if web else "",
        }

    def add_comment(
        self, network: str, reply_to: str, text: str, author: str = ""
    ) -> dict[str, Any]:
        """Another person (``author``, created if needed) answers post ``reply_to``.

        ``reply_to`` is the remote id (Mastodon status id, X tweet id, Bluesky at:// URI);
        returns the stored post (``id`` is its remote id). See ``carecast.sandbox.visitors``.
        """
        return visitors.comment(self, network, reply_to, text, author)

    def add_mention(
        self, network: str, account: str, text: str, author: str = ""
    ) -> dict[str, Any]:
        """Another person (``author``) posts ``text`` @mentioning ``account`` (a handle)."""
        return visitors.mention(self, network, account, text, author)

    def revoke(self, token: str) -> int:
        return self.store.revoke(token)

    def expire(self, token: str) -> int:
        return self.store.expire(token)

    def posts(self, network: str | None = None, account: str | None = None) -> list[dict[str, Any]]:
        return self.store.posts(network, account)

    def requests(
        self, network: str | None = None, path: str | None = None, method: str | None = None
    ) -> list[dict[str, Any]]:
        return self.request_log.list(network, path, method)

    def inject_fault(self, **fault: Any) -> dict[str, Any]:
        return self.faults.add(**fault)

    def clear_faults(self) -> None:
        self.faults.clear()

    def reset(self) -> None:
        self.store.reset()
        self.faults.clear()
        self.request_log.clear()
        self.settings = dict(DEFAULT_SETTINGS)
