"""The Meta Graph API over httpx, shared by Facebook Pages and Instagram.

Errors come as ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``
(https://developers.facebook.com/docs/graph-api/guides/error-handling). Rate limits are read
from ``X-App-Usage`` and ``X-Business-Use-Case-Usage``
(https://developers.facebook.com/docs/graph-api/overview/rate-limiting): when any counter is
near 100 %, the next call waits *before* Meta starts refusing, not after.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx

from carecast.lib.http import error_from_exception, parse_retry_after
from carecast.networks.base import ConnectorError, HTTPConnector

GRAPH_VERSION = "v21.0"
# Error codes (error-handling guide): the token is dead → pause and reconnect.
AUTH_CODES = frozenset({102, 190})
# Missing or withdrawn permission (10, 200–299): reconnect grants it again.
PERMISSION_CODES = frozenset({10, *range(200, 300)})
# Throttling: 4 app, 17 user, 32 page, 613 custom, 80001–80014 business use case.
RATE_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
TRANSIENT_CODES = frozenset({1, 2, 341})
DUPLICATE_CODE = 506
# Code 10 with this subcode: a message sent outside Meta's 24-hour messaging window.
OUTSIDE_WINDOW_SUBCODE = 2018278
USAGE_THRESHOLD = 90  # percent: back off from here on
DEFAULT_WAIT = 300.0  # seconds, when Meta names no time to regain access

# Process-wide: connectors are made per publication, the limit is per app and object.
_throttled: dict[str, float] = {}
_lock = threading.Lock()


def usage_wait(headers: httpx.Headers) -> float | None:
    """Seconds to wait before the next call, from Meta's usage headers; None when below the mark."""
    waits: list[float] = []
    app = _json_header(headers.get("x-app-usage"))
    if isinstance(app, dict) and _over(app):
        waits.append(DEFAULT_WAIT)
    business = _json_header(headers.get("x-business-use-case-usage"))
    if isinstance(business, dict):
        for entries in business.values():
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict) and _over(entry):
                    minutes = entry.get("estimated_time_to_regain_access") or 0
                    waits.append(float(minutes) * 60 or DEFAULT_WAIT)
    return max(waits) if waits else None


def _over(counters: dict[str, Any]) -> bool:
    keys = ("call_count", "total_time", "total_cputime")
    return any(_number(counters.get(key)) >= USAGE_THRESHOLD for key in keys)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _json_header(value: str | None) -> Any:
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def graph_error(response: httpx.Response, label: str, action: str) -> ConnectorError:
    """A Graph API error body as a ``ConnectorError`` (see the module docstring)."""
    body = _json_or_none(response)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        error = {"message": (response.text or "")[:300]}
    code, sub = _number(error.get("code")), error.get("error_subcode")
    message = str(error.get("error_user_msg") or error.get("message") or "")
    text = f"{action} ({label}, HTTP {response.status_code}, code {int(code)}): {message}"
    if sub:
        text += f" (subcode {sub})"
    status = response.status_code
    if _number(sub) == OUTSIDE_WINDOW_SUBCODE:
        # A message after the 24-hour window: permission code 10, but no token to renew.
        return ConnectorError(text, permanent=True, status=status)
    if code in AUTH_CODES or code in PERMISSION_CODES or status == 401:
        return ConnectorError(text, auth=True, status=status)
    if code in RATE_CODES or status == 429:
        # Meta names its wait in the usage headers; a Retry-After (a proxy's, or Meta's
        # own on a 429) is the next best thing before the default five minutes.
        wait = usage_wait(response.headers) or parse_retry_after(response) or DEFAULT_WAIT
        return ConnectorError(text, retry_after=wait, status=status)
    if code in TRANSIENT_CODES or status >= 500:
        return ConnectorError(text, status=status)
    error_code = DUPLICATE_CODE if code == DUPLICATE_CODE else status
    return ConnectorError(text, permanent=True, status=error_code)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


class GraphConnector(HTTPConnector):
    """HTTP plumbing for a Graph-API connector: bearer token, errors, usage back-off."""

    label = "Facebook"
    version = GRAPH_VERSION

    @property
    def object_id(self) -> str:
        return self.account.remote_user_id

    def request(
        self, method: str, path: str, action: str, *, creates_post: bool = False, **kwargs: Any
    ) -> Any:
        """One Graph call; waits out a usage limit first, remembers the usage it reports."""
        self._check_throttle()
        token = self.account.credentials.get("access_token", "")
        headers = {"Authorization": f"Bearer {token}"}
        try:
            response = self.client.request(
                method, f"/{self.version}/{path.lstrip('/')}", headers=headers, **kwargs
            )
        except httpx.HTTPError as exc:
            raise error_from_exception(exc, creates_post, network_label=self.label) from exc
        self._note_usage(response.headers)
        if response.status_code >= 400:
            raise graph_error(response, self.label, action)
        body = _json_or_none(response)
        if not isinstance(body, dict):
            message = f"{action} ({self.label}): unreadable answer"
            raise ConnectorError(message, outcome_unknown=creates_post)
        return body

    def _throttle_key(self) -> str:
        return f"{self.account.base_url}|{self.object_id}"

    def _check_throttle(self) -> None:
        with _lock:
            until = _throttled.get(self._throttle_key(), 0.0)
        remaining = until - time.time()
        if remaining > 0:
            raise ConnectorError(
                f"{self.label}: the app is close to Meta's rate limit; waiting before the next call.",
                retry_after=remaining,
            )

    def _note_usage(self, headers: httpx.Headers) -> None:
        wait = usage_wait(headers)
        if wait:
            with _lock:
                _throttled[self._throttle_key()] = time.time() + wait


def reset_throttles() -> None:
    """Forget every remembered usage limit (tests, and an operator after a config change)."""
    with _lock:
        _throttled.clear()
