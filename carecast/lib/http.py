"""The one HTTP choke point: every outbound call to a network or a feed goes through here.

* ``make_client`` builds an ``httpx.Client`` that always has a timeout and says who we are.
* ``error_from_response`` / ``error_from_exception`` turn what went wrong into a
  ``ConnectorError`` that says whether retrying can help, whether the token is dead,
  how long the network asked us to wait, and whether the post may exist anyway.
* ``parse_retry_after`` reads the three ways networks say "come back later".
* ``check_public_url`` keeps user-typed URLs (feeds) from reaching our own network.

Retries live in the publishing state machine (with backoff and ``retry_after``), not here:
an automatic retry of a POST to a network without idempotency could post twice.
"""

from __future__ import annotations

import email.utils
import functools
import ipaddress
import os
import re
import socket
import ssl
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

import certifi
import httpcore
import httpx

from carecast import __version__

if TYPE_CHECKING:
    # Imported where used: carecast.networks imports this module while it loads.
    from carecast.networks.base import ConnectorError

USER_AGENT = f"carecast/{__version__}"
DEFAULT_TIMEOUT = 20.0

PERMANENT_STATUSES = frozenset({400, 404, 409, 413, 415, 422})
# Words by which a 403 says "your token/app may not do this" rather than "this post is not
# acceptable" (X answers 403 to duplicate content, which must not pause the channel).
_AUTH_HINTS = (
    "token",
    "scope",
    "authenticat",
    "authoriz",
    "unauthorized",
    "suspended",
    "disabled",
    "client-forbidden",
    "not permitted to use",
    "oauth",
)


class HTTPResponse(Protocol):
    """What we read from a response; both httpx's and requests' responses fit."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def text(self) -> str: ...

    def json(self) -> Any: ...


def default_timeout() -> float:
    """``CARECAST_HTTP_TIMEOUT`` when Django is set up, else 20 seconds."""
    try:
        from django.conf import settings

        if settings.configured or os.environ.get("DJANGO_SETTINGS_MODULE"):
            return float(getattr(settings, "CARECAST_HTTP_TIMEOUT", DEFAULT_TIMEOUT))
    except Exception:  # settings module broken or absent: fall back
        return DEFAULT_TIMEOUT
    return DEFAULT_TIMEOUT


def make_client(
    base_url: str = "",
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float | None = None,
    guard: Iterable[str] | None = None,
) -> httpx.Client:
    """An ``httpx.Client`` with a mandatory timeout, our User-Agent and keep-alive.

    Redirects are not followed: an API that redirects a POST is misconfigured, and
    following it could re-send the post somewhere else. ``guard`` (for servers a person
    named, e.g. a Mastodon server): every connection goes only to an address that passes
    the SSRF guard, checked when the connection is made; the listed hosts (``host:port``,
    ``host:*``) may be private anyway.
    """
    all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    all_headers.update(headers or {})
    seconds = timeout if timeout is not None else default_timeout()
    limits = httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30)
    transport = None
    if guard is not None:
        transport = httpx.HTTPTransport(verify=_tls_context(), limits=limits)
        # httpx has no parameter for it; the pool asks its backend for every new connection.
        transport._pool._network_backend = GuardedBackend(guard)  # noqa: SLF001
    return httpx.Client(
        base_url=base_url,
        headers=all_headers,
        timeout=httpx.Timeout(seconds),
        verify=_tls_context(),
        follow_redirects=False,
        limits=limits,
        transport=transport,
    )


def loopback_if_sandbox() -> tuple[str, ...]:
    """What a guarded client may reach besides public addresses: loopback (any port) while
    the sandbox networks are on (demo, tests), nothing in production."""
    from django.conf import settings

    if getattr(settings, "CARECAST_SANDBOX", False):
        return ("127.0.0.1:*", "localhost:*", "::1:*")
    return ()


class GuardedBackend(httpcore.SyncBackend):
    """Resolves, checks and connects to the checked address in one step (no DNS rebinding)."""

    def __init__(self, allow_hosts: Iterable[str] = ()) -> None:
        self.allow_hosts = tuple(allow_hosts)

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # noqa: ANN001, ANN201
        name = host.decode() if isinstance(host, bytes) else str(host)
        target = name
        if not _allowed(name.lower(), port, -1, self.allow_hosts):  # entries name their ports
            addresses = _resolve(name, port)
            refused = [a for a in addresses if _refused(a)]
            if refused:
                raise httpcore.ConnectError(f"{name} points into a private network ({refused[0]}).")
            target = str(addresses[0])
        return super().connect_tcp(target, port, timeout, local_address, socket_options)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One shared TLS context: building one loads the CA bundle, which costs milliseconds
    per client, and connectors are made per publication."""
    return ssl.create_default_context(cafile=certifi.where())


# --- Retry-After -----------------------------------------------------------------------


def parse_retry_after(response: HTTPResponse) -> float | None:
    """Seconds the network asked us to wait, or ``None``.

    Reads, in this order: ``Retry-After`` (seconds or an HTTP date), X's
    ``x-rate-limit-reset`` (epoch seconds), Mastodon's ``X-RateLimit-Reset`` (ISO 8601) and
    atproto's ``RateLimit-Reset`` (epoch seconds). Reset times are measured against the
    response's ``Date`` header when present, so a skewed local clock does not matter.
    """
    headers = response.headers
    now = _server_now(headers)
    value = headers.get("Retry-After")
    if value:
        seconds = _seconds_or_time(value.strip(), now)
        if seconds is not None:
            return seconds
    for name in ("x-rate-limit-reset", "X-RateLimit-Reset", "RateLimit-Reset"):
        value = headers.get(name)
        if value:
            seconds = _reset_time(value.strip(), now)
            if seconds is not None:
                return seconds
    return None


def _server_now(headers: Mapping[str, str]) -> float:
    date = headers.get("Date")
    if date:
        try:
            return email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            pass
    return time.time()


def _seconds_or_time(value: str, now: float) -> float | None:
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


def _reset_time(value: str, now: float) -> float | None:
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        # An epoch timestamp; small numbers are relative seconds (some servers send those).
        return max(0.0, number - now) if number > 1_000_000_000 else max(0.0, number)
    try:
        return max(0.0, datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() - now)
    except ValueError:
        return None


# --- errors ------------------------------------------------------------------------------


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The body as a JSON object; empty if it is no JSON or not an object (a proxy's page)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def network_message(response: HTTPResponse) -> str:
    """The network's own words about the error, from the body formats we know.

    X (RFC 7807 problem: ``detail``, ``errors[].message``), Mastodon (``error``),
    atproto (``message``/``error``), OAuth 2 (``error_description``).
    """
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        return _message_from_json(body)
    text = (response.text or "").strip()
    if text and not text.lstrip().startswith("<"):
        return text[:300]
    return ""


def _message_from_json(body: dict[str, Any]) -> str:
    errors = body.get("errors")
    detailed = ""
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        detailed = str(errors[0].get("message") or errors[0].get("detail") or "")
    detail = str(body.get("detail") or "")
    # X's invalid-request problem says "One or more parameters ... invalid"; the reason is in errors.
    if detailed and (not detail or "parameters to your request" in detail):
        return detailed
    for key in ("detail", "error_description", "message", "error", "title"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return detailed


def error_from_response(response: HTTPResponse, network_label: str, message: str) -> ConnectorError:
    """Turn an error response into a ``ConnectorError``.

    401 (and a 403 about tokens or scopes) → ``auth``; 400/404/409/413/415/422 and other
    4xx → ``permanent`` with the network's message; 429 and 5xx → transient, with
    ``retry_after`` when the network said how long to wait. The request was answered, so
    the outcome is known.
    """
    from carecast.networks.base import ConnectorError

    status = response.status_code
    detail = network_message(response)
    text = f"{message} ({network_label}, HTTP {status})"
    if detail:
        text = f"{text}: {detail}"
    if status == 401 or (status == 403 and _looks_like_auth(detail, response)):
        return ConnectorError(text, auth=True, status=status)
    if status in (400, 403) and _looks_like_dead_token(detail, response):
        # Some servers answer a dead token with 400/403 instead of 401: still pause, not fail.
        return ConnectorError(text, auth=True, status=status)
    if status == 429 or status >= 500 or status == 408:
        return ConnectorError(text, retry_after=parse_retry_after(response), status=status)
    if status in PERMANENT_STATUSES or 400 <= status < 500:
        return ConnectorError(text, permanent=True, status=status)
    return ConnectorError(text, status=status)


def _looks_like_auth(detail: str, response: HTTPResponse) -> bool:
    haystack = detail.lower()
    try:
        body = response.json()
        if isinstance(body, dict):
            haystack += " " + str(body.get("type", "")).lower()
    except ValueError:
        pass
    return any(hint in haystack for hint in _AUTH_HINTS)


_DEAD_TOKEN = re.compile(
    r"\b(invalid|expired|revoked)[_ ]?(access[_ ]?)?(token|grant)\b"
    r"|\btoken\b[^.]{0,40}\b(invalid|expired|revoked|was invalid)\b",
    re.IGNORECASE,
)


def _looks_like_dead_token(detail: str, response: HTTPResponse) -> bool:
    """A 400/403 whose words say the token is invalid, expired or revoked (not the post)."""
    haystack = detail
    try:
        body = response.json()
        if isinstance(body, dict):
            haystack += " " + " ".join(str(body.get(k, "")) for k in ("error", "type"))
    except ValueError:
        pass
    return bool(_DEAD_TOKEN.search(haystack))


_NEVER_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)
_MAYBE_SENT = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)


def error_from_exception(
    exc: BaseException, sent: bool = True, *, network_label: str = ""
) -> ConnectorError:
    """Turn a transport failure into a transient ``ConnectorError``.

    ``sent`` says whether the failed request could create something on the network (a
    POST of the post itself); reads and uploads pass ``False`` so that their failures
    never claim that a post may exist. Given ``sent``, ``outcome_unknown`` is True when
    the request may have reached the server (read timeout, connection dropped after
    sending) and False when it surely did not (connect timeout, connection refused).
    Understands httpx's exceptions and those of requests/urllib3 (used by Mastodon.py).
    """
    from carecast.networks.base import ConnectorError

    reached = _may_have_reached_server(exc)
    kind = type(exc).__name__
    detail = str(exc) or kind
    where = f" talking to {network_label}" if network_label else ""
    return ConnectorError(
        f"Network error{where} ({kind}): {detail}", outcome_unknown=sent and reached
    )


def _may_have_reached_server(exc: BaseException) -> bool:
    if isinstance(exc, _NEVER_SENT):
        return False
    if isinstance(exc, _MAYBE_SENT):
        return True
    return _requests_may_have_reached(exc)


def _requests_may_have_reached(exc: BaseException) -> bool:
    """requests/urllib3: connect failures never sent anything; anything else may have."""
    try:
        import requests
        import urllib3.exceptions as u3
    except ImportError:  # pragma: no cover - requests comes with Mastodon.py
        return True
    if isinstance(exc, requests.exceptions.ConnectTimeout | u3.ConnectTimeoutError):
        return False
    if isinstance(exc, u3.NewConnectionError):
        return False
    if isinstance(exc, requests.exceptions.ConnectionError):
        inner = exc.args[0] if exc.args else None
        reason = getattr(inner, "reason", inner)
        never = u3.NewConnectionError | u3.ConnectTimeoutError | u3.NameResolutionError
        return not isinstance(reason, never)
    return not isinstance(exc, ConnectionRefusedError | socket.gaierror)


# --- SSRF guard --------------------------------------------------------------------------


class UnsafeURL(ValueError):
    """A URL we refuse to fetch: wrong scheme, or pointing into a private network."""


Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, RFC 6052 and
# RFC 8215): 64:ff9b::7f00:1 reaches 127.0.0.1 through a NAT64 gateway.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d


@dataclass(frozen=True)
class PinnedURL:
    """A checked URL and how to reach exactly the address that was checked.

    ``connect_url`` has the checked IP address in place of the host name, so no second DNS
    lookup can send the request elsewhere (DNS rebinding); ``host`` goes into the Host
    header and is the name TLS verifies the certificate for (SNI).
    """

    url: str
    connect_url: str
    host: str
    host_header: str

    def request(self, client: httpx.Client, method: str = "GET") -> httpx.Request:
        extensions = {"sni_hostname": self.host} if self.connect_url != self.url else {}
        return client.build_request(
            method, self.connect_url, headers={"Host": self.host_header}, extensions=extensions
        )


def check_public_url(url: str, allow_hosts: Iterable[str] = ()) -> str:
    """Return ``url`` if it is http(s) and its host resolves only to public addresses.

    ``allow_hosts`` lists hosts (``"127.0.0.1"``) or host:port pairs (``"127.0.0.1:8765"``)
    that may be private anyway, e.g. the sandbox. To fetch, use ``pin_public_url``: it
    connects to the address checked here, since DNS can change between check and fetch.
    """
    return pin_public_url(url, allow_hosts).url


def pin_public_url(url: str, allow_hosts: Iterable[str] = ()) -> PinnedURL:
    """Check ``url`` like ``check_public_url`` and pin it to the address that passed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL(f"Only http and https URLs can be fetched, not {parts.scheme or 'none'!r}.")
    host = (parts.hostname or "").lower()
    if not host:
        raise UnsafeURL("The URL has no host.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host_header = parts.netloc.rpartition("@")[2]
    if _allowed(host, port, 443 if parts.scheme == "https" else 80, allow_hosts):
        return PinnedURL(url, url, host, host_header)
    addresses = _resolve(host, port)
    for address in addresses:
        if _refused(address):
            raise UnsafeURL(f"{host} points into a private network ({address}).")
    literal = f"[{addresses[0]}]" if addresses[0].version == 6 else str(addresses[0])
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    return PinnedURL(url, parts._replace(netloc=netloc).geturl(), host, host_header)


def _allowed(host: str, port: int, default_port: int, allow_hosts: Iterable[str]) -> bool:
    """``host:port`` allows that port, ``host:*`` every port, a bare host only the default one.

    A bare ``127.0.0.1`` must not open the database or SSH on the same machine.
    """
    allowed = {h.strip().lower() for h in allow_hosts}
    if f"{host}:{port}" in allowed or f"{host}:*" in allowed:
        return True
    return host in allowed and port == default_port


def _refused(address: Address) -> bool:
    """Private, loopback, link-local, multicast — also when wrapped in an IPv6 address."""
    if not address.is_global or address.is_multicast:
        return True
    return any(_refused(inner) for inner in _embedded_ipv4(address))


def _embedded_ipv4(address: Address) -> list[ipaddress.IPv4Address]:
    if address.version == 4:
        return []
    assert isinstance(address, ipaddress.IPv6Address)
    inner = []
    if any(address in prefix for prefix in (*_NAT64, _IPV4_COMPATIBLE)):
        inner.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if address.sixtofour:
        inner.append(address.sixtofour)
    if address.teredo:
        inner.append(address.teredo[1])
    return inner


def _resolve(host: str, port: int) -> list[Address]:
    try:
        return [_unmapped(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeURL(f"{host} cannot be resolved.") from exc
    addresses = [_unmapped(ipaddress.ip_address(str(info[4][0]).split("%")[0])) for info in infos]
    if not addresses:
        raise UnsafeURL(f"{host} cannot be resolved.")
    return addresses


def _unmapped(address: Address) -> Address:
    # ::ffff:127.0.0.1 is 127.0.0.1; the zone id of a link-local address was dropped above.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address
