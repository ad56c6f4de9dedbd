"""The sandbox's own endpoints (``/_sandbox/...``): accounts, faults, resets, assertions.

Faults make the next matching request(s) fail the way real networks fail:
``{"status": 429, "retry_after": 2}`` answers with the network's error body and its
rate-limit headers; ``{"mode": "delay", "seconds": 5}`` waits before handling (clients time
out while the server still acts); ``{"mode": "accept_then_drop"}`` handles the request and
closes the connection without answering; ``{"mode": "processing", "polls": 2}`` makes a
Mastodon media upload asynchronous. ``POST /_sandbox/visitors`` lets another person comment
on a post or mention an account (see ``visitors``).

Settings (``POST /_sandbox/settings``, reset with the sandbox) make the Mastodon API behave
like other servers that speak it: ``mastodon_version`` is the version string the instance
reports (``"4.0.0 (compatible; GoToSocial 0.16.0)"``, ``"3.5.3+glitch"``, Pleroma's
``"2.7.2 (compatible; Pleroma 2.6.1)"``); ``mastodon_idempotency: false`` ignores the
``Idempotency-Key`` header; ``mastodon_trailing_slash: false`` answers 404 to
``/api/v2/instance/`` and every other path with a trailing slash, as some servers' routers do.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from datetime import UTC, datetime
from typing import Any

from carecast.sandbox.routing import HTTPError, Request, Response, Router
from carecast.sandbox.visitors import VisitorError

router = Router()
MODES = ("status", "delay", "accept_then_drop", "processing")
PREFIXES = {
    "/api/": "mastodon",
    "/2/": "x",
    "/xrpc/": "bluesky",
    "/graph/": "facebook",  # graph.facebook.com: Facebook Pages and Instagram
    "/threads-graph/": "threads",
    "/threads-net/": "threads",
    "/linkedin/": "linkedin",
    "/tiktok/": "tiktok",
    "/youtube/": "youtube",
    "/matomo/": "matomo",  # the hospital website's web analytics, not a network
}
_RATE_LIMIT_BODIES: dict[str, dict[str, Any]] = {
    "matomo": {"result": "error", "message": "Too many requests"},
    "mastodon": {"error": "Too many requests"},
    "x": {
        "title": "Too Many Requests",
        "detail": "Too Many Requests",
        "type": "about:blank",
        "status": 429,
    },
    "bluesky": {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
    "facebook": {"error": {"message": "(#4) Application request limit reached", "code": 4}},
    "threads": {"error": {"message": "(#4) Application request limit reached", "code": 4}},
    "linkedin": {"status": 429, "message": "Resource level throttle limit reached"},
    "tiktok": {
        "data": {},
        "error": {"code": "rate_limit_exceeded", "message": "Too many requests"},
    },
    "youtube": {
        "error": {
            "code": 429,
            "message": "Too many requests",
            "errors": [{"reason": "rateLimitExceeded", "domain": "youtube.quota"}],
        }
    },
}


def refuse_trailing_slash(
    settings: dict[str, Any], network: str | None, raw_path: str
) -> Response | None:
    """A 404 for ``/api/v2/instance/`` when the Mastodon server is strict about slashes."""
    strict = network == "mastodon" and not settings.get("mastodon_trailing_slash", True)
    if strict and raw_path != "/" and raw_path.endswith("/"):
        return Response(404, {"error": "Record not found"})
    return None


def network_for_path(path: str) -> str | None:
    for prefix, network in PREFIXES.items():
        if path.startswith(prefix):
            return network
    return None


class Faults:
    """Armed faults, consumed by matching requests (``times``: how often; ``None``: forever)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[dict[str, Any]] = []
        self._next_id = 1

    def add(self, **spec: Any) -> dict[str, Any]:
        fault = _normalise(spec)
        with self._lock:
            fault["id"] = self._next_id
            self._next_id += 1
            self._items.append(fault)
        return dict(fault)

    def take(self, network: str, method: str, path: str) -> dict[str, Any] | None:
        with self._lock:
            for fault in self._items:
                if _matches(fault, network, method, path):
                    if fault["times"] is not None:
                        fault["times"] -= 1
                        if fault["times"] <= 0:
                            self._items.remove(fault)
                    return dict(fault)
        return None

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(f) for f in self._items]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _normalise(spec: dict[str, Any]) -> dict[str, Any]:
    path = str(spec.get("path") or "").rstrip("/")
    network = spec.get("network") or network_for_path(path)  # neither: every API request
    if network not in (None, *PREFIXES.values()):
        raise ValueError(f"Unknown network {network!r}: {', '.join(PREFIXES.values())}.")
    mode = spec.get("mode") or ("status" if spec.get("status") else None)
    if mode not in MODES:
        raise ValueError(f"A fault needs a status or a mode ({', '.join(MODES)}).")
    times = spec.get("times", 1)
    return {
        "network": network,
        "path": path,
        "method": str(spec.get("method") or "").upper(),
        "mode": mode,
        "status": int(spec.get("status") or 0),
        "retry_after": spec.get("retry_after"),
        "body": spec.get("body"),
        "headers": dict(spec.get("headers") or {}),
        "seconds": float(spec.get("seconds") or 0),
        "polls": int(spec.get("polls") or 1),
        "times": None if times is None else int(times),
    }


def _matches(fault: dict[str, Any], network: str, method: str, path: str) -> bool:
    if fault["network"] not in (None, network) or fault["method"] not in ("", method):
        return False
    pattern = fault["path"]
    if not pattern:
        return True
    return path.startswith(pattern[:-1]) if pattern.endswith("*") else path == pattern


def fault_response(fault: dict[str, Any], network: str) -> Response:
    """The error response a ``status`` fault stands for, with the network's headers."""
    status, wait = fault["status"], fault["retry_after"]
    headers: dict[str, str] = {}
    if status == 429:
        headers.update(_rate_limit_headers(network, float(wait if wait is not None else 60)))
    elif wait is not None:
        headers["Retry-After"] = str(math.ceil(float(wait)))
    headers.update(fault["headers"])
    body = fault["body"] if fault["body"] is not None else _default_body(network, status)
    return Response(status, body, headers)


def _rate_limit_headers(network: str, wait: float) -> dict[str, str]:
    reset = time.time() + wait
    if network == "mastodon":  # rack-attack's throttled responder: an ISO time, no Retry-After
        iso = (
            datetime.fromtimestamp(reset, UTC)
            .isoformat(timespec="microseconds")
            .replace("+00:00", "Z")
        )
        return {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": iso}
    epoch = str(int(time.time()) + math.ceil(wait))
    if network == "x":
        return {
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": epoch,
        }
    return {
        "RateLimit-Limit": "30",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": epoch,
        "RateLimit-Policy": "30;w=300",
    }


def _default_body(network: str, status: int) -> dict[str, Any]:
    if status == 429:
        return dict(_RATE_LIMIT_BODIES[network])
    reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
    message = reason.get(status, f"Error {status}")
    if network == "x":
        return {"title": message, "detail": message, "type": "about:blank", "status": status}
    if network == "bluesky":
        return {
            "error": "InternalServerError" if status >= 500 else "InvalidRequest",
            "message": message,
        }
    return {"error": message}


class RequestLog:
    """The last requests to the network APIs, for asserting on what a client sent."""

    def __init__(self, size: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._items: deque[dict[str, Any]] = deque(maxlen=size)

    def record(self, network: str, summary: dict[str, Any]) -> None:
        with self._lock:
            self._items.append({"network": network, "time": time.time(), **summary})

    def list(
        self, network: str | None = None, path: str | None = None, method: str | None = None
    ) -> list[dict[str, Any]]:
        with self._lock:
            items = list(self._items)
        return [
            r
            for r in items
            if (network is None or r["network"] == network)
            and (path is None or r["path"] == path.rstrip("/"))
            and (method is None or r["method"] == method.upper())
        ]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# --- /_sandbox endpoints -----------------------------------------------------------------


def _body(req: Request) -> dict[str, Any]:
    data = req.json
    if data is not None and not isinstance(data, dict):
        raise HTTPError(Response(400, {"error": "Expected a JSON object."}))
    return data or {k: v[0] for k, v in req.form.items()}


@router.route("POST", "/_sandbox/faults")
def add_fault(req: Request) -> Response:
    try:
        return Response(201, req.server.faults.add(**_body(req)))
    except (TypeError, ValueError) as exc:
        return Response(400, {"error": str(exc)})


@router.route("GET", "/_sandbox/faults")
def list_faults(req: Request) -> Response:
    return Response(200, req.server.faults.list())


@router.route("DELETE", "/_sandbox/faults")
def clear_faults(req: Request) -> Response:
    req.server.faults.clear()
    return Response(204)


@router.route("POST", "/_sandbox/reset")
def reset(req: Request) -> Response:
    req.server.reset()
    return Response(204)


@router.route("GET", "/_sandbox/posts")
def posts(req: Request) -> Response:
    return Response(200, req.server.posts(req.arg("network"), req.arg("account")))


@router.route("GET", "/_sandbox/requests")
def requests_(req: Request) -> Response:
    return Response(
        200, req.server.requests(req.arg("network"), req.arg("path"), req.arg("method"))
    )


@router.route("GET", "/_sandbox/accounts")
def accounts(req: Request) -> Response:
    return Response(200, req.store.accounts(req.arg("network")))


@router.route("POST", "/_sandbox/accounts")
def add_account(req: Request) -> Response:
    spec = _body(req)
    try:
        return Response(201, req.server.add_account(**spec))
    except (TypeError, ValueError) as exc:
        return Response(400, {"error": str(exc)})


@router.route("POST", "/_sandbox/visitors")
def add_visitor_post(req: Request) -> Response:
    """A comment or mention from another person, for the demo and browser tests.

    ``{"network", "text", "reply_to": <remote id>}`` comments on a post;
    ``{"network", "text", "account": <handle>}`` mentions an account; ``author`` optional.
    """
    spec = _body(req)
    network, text = str(spec.get("network") or ""), str(spec.get("text") or "")
    author = str(spec.get("author") or "")
    try:
        if spec.get("reply_to"):
            post = req.server.add_comment(network, str(spec["reply_to"]), text, author)
        elif spec.get("account"):
            post = req.server.add_mention(network, str(spec["account"]), text, author)
        else:
            return Response(400, {"error": "Give reply_to (a post id) or account (a handle)."})
    except VisitorError as exc:
        return Response(400, {"error": str(exc)})
    return Response(201, post)


@router.route("POST", "/_sandbox/accounts/<token>/revoke")
def revoke(req: Request, token: str) -> Response:
    found = req.server.revoke(token)
    return Response(200 if found else 404, {"revoked": found})


@router.route("POST", "/_sandbox/accounts/<token>/expire")
def expire(req: Request, token: str) -> Response:
    found = req.server.expire(token)
    return Response(200 if found else 404, {"expired": found})


@router.route("POST", "/_sandbox/settings")
def settings(req: Request) -> Response:
    for key, value in _body(req).items():
        if key not in req.server.settings:
            return Response(400, {"error": f"Unknown setting {key!r}."})
        try:
            req.server.settings[key] = _setting_value(req.server.settings[key], value)
        except ValueError as exc:
            return Response(400, {"error": f"{key}: {exc}"})
    return Response(200, req.server.settings)


def _setting_value(current: Any, value: Any) -> Any:
    """``value`` in the type of the setting; "false"/"0" are false (``bool("false")`` is not)."""
    if isinstance(current, bool):
        if isinstance(value, str):
            if value.strip().lower() not in ("true", "1", "yes", "false", "0", "no"):
                raise ValueError(f"not a yes/no value: {value!r}")
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)
    return type(current)(value)


@router.route("GET", "/_sandbox/media/<network>/<media_id>")
def media(req: Request, network: str, media_id: str) -> Response:
    found = req.store.media_content(network, media_id)
    if found is None:
        return Response(404, "Nicht gefunden", {}, "text/plain; charset=utf-8")
    mime, content = found
    return Response(200, content, {"Cache-Control": "max-age=86400"}, mime)
