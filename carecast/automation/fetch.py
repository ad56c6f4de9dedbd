"""Fetching a feed safely: conditional GET, re-checked redirects, size and time limits.

Feed addresses are typed by people, so every hop (the first request and each redirect)
passes ``lib.http.pin_public_url``: http(s) only, nothing private or loopback unless an
admin allowed that host, and the connection goes to the address that was checked. The body is read in chunks and dropped as soon as it is too big
or too slow, before any parser sees it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
from django.utils.translation import gettext_noop

from carecast.automation.errors import SourceError
from carecast.lib.http import PinnedURL, UnsafeURL, make_client, pin_public_url

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 15.0
MAX_REDIRECTS = 5
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)


class FetchError(SourceError):
    """The source could not be read (connection, HTTP status, size, time, refused address)."""


@dataclass(frozen=True)
class Fetched:
    status: int  # 200, or 304 when nothing changed
    body: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    url: str = ""


def fetch(
    url: str,
    *,
    allow_hosts: Iterable[str] = (),
    etag: str = "",
    last_modified: str = "",
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT_SECONDS,
) -> Fetched:
    """GET ``url`` with ``If-None-Match``/``If-Modified-Since``; raise ``FetchError`` on failure."""
    headers = {"Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout
    allowed = list(allow_hosts)
    origin = ""
    with make_client(headers=headers, timeout=timeout) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            target = _check(url, allowed, origin)
            try:
                result = _get(client, target, max_bytes, deadline)
            except httpx.TimeoutException as exc:
                raise FetchError(
                    gettext_noop("No answer within %(seconds)s seconds."), seconds=f"{timeout:g}"
                ) from exc
            except httpx.HTTPError as exc:
                raise FetchError(
                    gettext_noop("Could not connect: %(error)s"), error=exc or type(exc).__name__
                ) from exc
            if isinstance(result, str):
                origin = origin or url
                url = urljoin(url, result)  # a redirect: check the new address, then follow
                continue
            return result
    raise FetchError(gettext_noop("More than %(n)s redirects."), n=MAX_REDIRECTS)


# lib.http's reasons (English, for logs) as messages the page shows in the reader's language.
_REASONS = (
    ("Only http and https", gettext_noop("only http and https addresses can be read")),
    ("has no host", gettext_noop("the address has no host name")),
    (
        "private network",
        gettext_noop(
            "%(target)s is inside a private network and not on the list of allowed internal hosts"
        ),
    ),
    ("cannot be resolved", gettext_noop("the name in %(target)s cannot be found (DNS)")),
)


def _check(url: str, allowed: list[str], origin: str = "") -> PinnedURL:
    """The pinned address, or a ``FetchError`` naming the refused target (not the first host)."""
    try:
        return pin_public_url(url, allowed)
    except UnsafeURL as exc:
        reason = next((msgid for key, msgid in _REASONS if key in str(exc)), "")
        params = {"target": _target(url), "reason": reason or str(exc)}
        if origin:
            msgid = gettext_noop("Address refused (redirected from %(origin)s): %(reason)s.")
            raise FetchError(msgid, origin=_target(origin), **params) from exc
        raise FetchError(gettext_noop("Address refused: %(reason)s."), **params) from exc


def _target(url: str) -> str:
    """Scheme, host and port: exactly what the allowlist is compared with."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{parts.hostname or ''}:{port}"


def _get(client: httpx.Client, target: PinnedURL, max_bytes: int, deadline: float) -> Fetched | str:
    """One hop, connected to the address that was checked (no second DNS lookup)."""
    url = target.url
    request = target.request(client)
    # Each hop may only use what is left of the total: no read may wait past the deadline.
    left = max(deadline - time.monotonic(), 0.001)
    request.extensions["timeout"] = httpx.Timeout(left).as_dict()
    response = client.send(request, stream=True)
    try:
        status = response.status_code
        if status in (301, 302, 303, 307, 308):
            location = response.headers.get("Location")
            if not location:
                raise FetchError(
                    gettext_noop("HTTP %(status)s without a Location header."), status=status
                )
            return location
        if status == 304:
            return Fetched(304, url=url)
        if status != 200:
            raise FetchError(
                gettext_noop("The source answered HTTP %(status)s %(reason)s."),
                status=status,
                reason=response.reason_phrase,
            )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_big(max_bytes)
        body = _read_limited(response, max_bytes, deadline)
        return Fetched(
            200,
            body=body,
            content_type=response.headers.get("Content-Type", ""),
            etag=response.headers.get("ETag", ""),
            last_modified=response.headers.get("Last-Modified", ""),
            url=url,
        )
    finally:
        response.close()


def _read_limited(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    """Read at most ``max_bytes`` before ``deadline``: a trickling server cannot hold us.

    Chunks are taken as they arrive (no 64 KiB batching), so a server sending a byte every
    few seconds is stopped at the deadline, not after minutes.
    """
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise _too_big(max_bytes)
        if time.monotonic() > deadline:
            raise FetchError(gettext_noop("The source answered too slowly."))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(max_bytes: int) -> FetchError:
    return FetchError(
        gettext_noop("The feed is larger than %(mb)s MB."), mb=max_bytes // (1024 * 1024)
    )
