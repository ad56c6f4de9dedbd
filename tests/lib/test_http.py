"""The HTTP choke point (``carecast.lib.http``) branch by branch: how an answer or a
transport failure is classified (retry, dead token, permanent, may the post exist?),
the three ways networks say "come back later", and the SSRF guard's DNS branch.

Responses are real ``httpx.Response`` objects; DNS answers are replaced per test, and
nothing leaves the machine.
"""

from __future__ import annotations

import email.utils
import socket
import time
from ipaddress import ip_address

import httpcore
import httpx
import pytest
import requests
import urllib3.exceptions as u3

from carecast import __version__
from carecast.lib import http
from carecast.lib.http import (
    UnsafeURL,
    error_from_exception,
    error_from_response,
    network_message,
    parse_retry_after,
    pin_public_url,
)

NOW = 1_800_000_000.0  # a fixed "server now" via the Date header
DATE = email.utils.formatdate(NOW, usegmt=True)


def answer(status: int, body=None, headers: dict | None = None, text: str | None = None):
    if text is not None:
        return httpx.Response(status, text=text, headers=headers)
    return httpx.Response(status, json=body if body is not None else {}, headers=headers)


@pytest.fixture
def resolving(monkeypatch):
    """``resolving({"name": ["10.0.0.1"]})``: what DNS answers for names, per test."""

    def install(answers: dict[str, list[str]]) -> None:
        def getaddrinfo(host, port, *args, **kwargs):
            try:
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (str(ip_address(host)), port))]
            except ValueError:
                pass
            if host not in answers:
                raise socket.gaierror(f"unknown host {host}")
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port),
                )
                for a in answers[host]
            ]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    return install


# --- classification of answers ---------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408, 429])
def test_it_retries_server_errors_timeouts_and_rate_limits(status):
    error = error_from_response(answer(status, {"error": "busy"}), "Mastodon", "Could not post")
    assert not error.permanent and not error.auth and not error.outcome_unknown
    assert error.status == status
    assert str(error) == f"Could not post (Mastodon, HTTP {status}): busy"


@pytest.mark.parametrize("status", [400, 404, 409, 413, 415, 422, 418, 451])
def test_it_fails_a_post_the_network_refused(status):
    error = error_from_response(answer(status, {"error": "too long"}), "X", "Could not post")
    assert error.permanent and not error.auth and error.status == status
    assert error.retry_after is None


def test_a_redirect_is_neither_retried_blindly_nor_called_permanent():
    error = error_from_response(answer(302, text=""), "X", "Could not post")
    assert not error.permanent and not error.auth and str(error) == "Could not post (X, HTTP 302)"


def test_a_401_is_a_dead_token():
    error = error_from_response(answer(401, {"error": "nope"}), "Mastodon", "Could not post")
    assert error.auth and error.status == 401


@pytest.mark.parametrize(
    "body",
    [
        {"detail": "This token does not have the scope tweet.write"},
        {"title": "Forbidden", "type": "https://api.x.com/2/problems/client-forbidden"},
        {"error": "Your account is suspended"},
        {"error": "OAuth app not permitted to use this endpoint"},
    ],
)
def test_a_403_about_the_token_or_app_pauses_the_channel(body):
    error = error_from_response(answer(403, body), "X", "Could not post")
    assert error.auth and error.status == 403


def test_a_403_about_the_post_fails_the_post_and_keeps_the_channel():
    body = {"detail": "You are not allowed to create a Tweet with duplicate content."}
    error = error_from_response(answer(403, body), "X", "Could not post")
    assert error.permanent and not error.auth
    assert "duplicate content" in str(error)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, {"error": "invalid_grant", "error_description": "Refresh failed"}),
        (400, {"error": "invalid_token"}),
        (403, {"message": "The access token expired at noon"}),
        (400, {"message": "Token has been revoked."}),
    ],
)
def test_a_400_or_403_naming_a_dead_token_pauses_the_channel(status, body):
    assert error_from_response(answer(status, body), "LinkedIn", "x").auth


def test_a_400_about_a_token_parameter_is_still_the_posts_fault():
    body = {"message": "Invalid parameter: media_token must be a string"}
    error = error_from_response(answer(400, body), "LinkedIn", "x")
    assert error.permanent and not error.auth


def test_a_retried_answer_carries_how_long_to_wait():
    error = error_from_response(answer(429, {}, {"Retry-After": "42"}), "X", "x")
    assert error.retry_after == 42.0


# --- the network's own words -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"errors": [{"message": "Text too long"}]}, "Text too long"),
        ({"errors": [{"detail": "Bad media"}]}, "Bad media"),
        (
            {
                "detail": "One or more parameters to your request was invalid.",
                "errors": [{"message": "text is too long"}],
            },
            "text is too long",
        ),
        ({"detail": "Rate limited", "errors": [{"message": "other"}]}, "Rate limited"),
        ({"error_description": "Code expired"}, "Code expired"),
        ({"message": "Record not found"}, "Record not found"),
        ({"error": "Validation failed"}, "Validation failed"),
        ({"title": "Forbidden"}, "Forbidden"),
        ({"errors": ["plain"], "error": ""}, ""),
        ({"errors": [{"message": "only in errors"}], "detail": ""}, "only in errors"),
        ({"error": 42, "message": "a string wins"}, "a string wins"),
    ],
)
def test_it_reads_the_networks_message_from_each_body_format(body, words):
    assert network_message(answer(400, body)) == words


def test_it_reads_a_plain_text_message_but_not_an_html_page():
    assert network_message(answer(400, text="  Bad request: text  ")) == "Bad request: text"
    assert network_message(answer(502, text="<html><body>Bad gateway</body></html>")) == ""
    assert network_message(answer(400, text="x" * 500)) == "x" * 300
    assert network_message(answer(400, text="")) == ""


# --- Retry-After -----------------------------------------------------------------------------


def test_it_reads_retry_after_in_seconds():
    assert parse_retry_after(answer(429, headers={"Retry-After": " 30 "})) == 30.0
    assert parse_retry_after(answer(429, headers={"Retry-After": "-5"})) == 0.0


def test_it_reads_retry_after_as_an_http_date_against_the_servers_clock():
    later = email.utils.formatdate(NOW + 120, usegmt=True)
    headers = {"Retry-After": later, "Date": DATE}
    assert parse_retry_after(answer(503, headers=headers)) == 120.0
    earlier = email.utils.formatdate(NOW - 120, usegmt=True)
    assert parse_retry_after(answer(503, headers={"Retry-After": earlier, "Date": DATE})) == 0.0


def test_it_measures_an_http_date_against_the_local_clock_without_a_date_header(monkeypatch):
    monkeypatch.setattr(time, "time", lambda: NOW)
    later = email.utils.formatdate(NOW + 60, usegmt=True)
    assert parse_retry_after(answer(503, headers={"Retry-After": later})) == 60.0
    bad_date = {"Retry-After": later, "Date": "not a date"}
    assert parse_retry_after(answer(503, headers=bad_date)) == 60.0


def test_it_falls_back_to_the_rate_limit_reset_headers():
    assert (
        parse_retry_after(
            answer(429, headers={"x-rate-limit-reset": str(int(NOW) + 90), "Date": DATE})
        )
        == 90.0
    )
    iso = "2027-01-15T08:02:00Z"  # NOW is 2027-01-15T08:00:00Z
    assert parse_retry_after(answer(429, headers={"X-RateLimit-Reset": iso, "Date": DATE})) == 120.0
    assert parse_retry_after(answer(429, headers={"RateLimit-Reset": "15", "Date": DATE})) == 15.0
    past = str(int(NOW) - 10)
    assert parse_retry_after(answer(429, headers={"RateLimit-Reset": past, "Date": DATE})) == 0.0


def test_an_unreadable_retry_after_gives_way_to_the_reset_header():
    headers = {"Retry-After": "soon", "RateLimit-Reset": "7", "Date": DATE}
    assert parse_retry_after(answer(429, headers=headers)) == 7.0
    headers = {"Retry-After": "soon", "RateLimit-Reset": "later", "Date": DATE}
    assert parse_retry_after(answer(429, headers=headers)) is None
    assert parse_retry_after(answer(429)) is None


# --- transport failures: may the post exist? -------------------------------------------------


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("read"),
        httpx.WriteTimeout("write"),
        httpx.ReadError("reset"),
        httpx.WriteError("broken pipe"),
        httpx.RemoteProtocolError("server disconnected"),
        requests.exceptions.ReadTimeout("read"),
        requests.exceptions.ConnectionError(u3.ProtocolError("aborted")),
        RuntimeError("something odd"),
    ],
)
def test_a_failure_after_the_request_left_may_have_reached_the_network(exc):
    assert error_from_exception(exc).outcome_unknown
    assert not error_from_exception(exc, sent=False).outcome_unknown  # a read or an upload
    error = error_from_exception(exc)
    assert not error.permanent and not error.auth


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("connect"),
        httpx.PoolTimeout("pool"),
        httpx.UnsupportedProtocol("ftp"),
        requests.exceptions.ConnectTimeout("connect"),
        u3.ConnectTimeoutError("connect"),
        u3.NewConnectionError(None, "refused"),
        requests.exceptions.ConnectionError(u3.NewConnectionError(None, "refused")),
        requests.exceptions.ConnectionError(
            u3.MaxRetryError(None, "/", u3.NameResolutionError("x.test", None, "no name"))
        ),
        ConnectionRefusedError("refused"),
        socket.gaierror("no name"),
    ],
)
def test_a_failure_before_the_request_left_never_says_the_post_may_exist(exc):
    assert not error_from_exception(exc).outcome_unknown


def test_it_names_the_failure_and_the_network():
    error = error_from_exception(httpx.ReadTimeout("timed out"), network_label="Bluesky")
    assert str(error) == "Network error talking to Bluesky (ReadTimeout): timed out"
    assert str(error_from_exception(httpx.ReadTimeout(""))) == (
        "Network error (ReadTimeout): ReadTimeout"
    )


def test_an_empty_requests_connection_error_may_have_reached_the_network():
    assert error_from_exception(requests.exceptions.ConnectionError()).outcome_unknown


# --- the SSRF guard's DNS branch -------------------------------------------------------------


def test_a_name_resolving_to_a_private_address_is_refused(resolving):
    resolving({"intranet.klinikum.test": ["93.184.215.14", "192.168.1.20"]})
    with pytest.raises(
        UnsafeURL, match=r"intranet.klinikum.test points into a private network \(192.168.1.20\)"
    ):
        pin_public_url("https://intranet.klinikum.test/feed")


def test_a_name_that_does_not_resolve_is_refused(resolving):
    resolving({"empty.klinikum.test": []})
    with pytest.raises(UnsafeURL, match="cannot be resolved"):
        pin_public_url("https://nowhere.klinikum.test/feed")
    with pytest.raises(UnsafeURL, match="cannot be resolved"):
        pin_public_url("https://empty.klinikum.test/feed")


def test_it_pins_a_public_ipv6_answer_in_brackets_and_drops_a_zone(resolving):
    resolving({"v6.klinikum.test": ["2606:2800:220:1::1%eth0"]})
    pinned = pin_public_url("http://v6.klinikum.test/feed")
    assert pinned.connect_url == "http://[2606:2800:220:1::1]/feed"
    assert (pinned.host, pinned.host_header) == ("v6.klinikum.test", "v6.klinikum.test")


def test_an_ipv4_mapped_answer_is_checked_as_ipv4(resolving):
    resolving({"mapped.klinikum.test": ["::ffff:10.0.0.7"]})
    with pytest.raises(UnsafeURL, match=r"\(10.0.0.7\)"):
        pin_public_url("http://mapped.klinikum.test/")


@pytest.mark.parametrize(
    "address",
    [
        "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo: the client 10.0.0.1 (inverted)
        "2002:0a00:0001::1",  # 6to4 of 10.0.0.1
        "ff02::1",  # multicast
        "224.0.0.1",
        "169.254.169.254",
        "100.64.0.1",  # carrier-grade NAT
    ],
)
def test_it_refuses_addresses_hidden_in_other_forms(address):
    assert http._refused(ip_address(address))


def test_it_accepts_public_addresses():
    assert not http._refused(ip_address("93.184.215.14"))
    assert not http._refused(ip_address("2606:2800:220:1::1"))


def test_only_http_and_https_with_a_host_are_fetched():
    with pytest.raises(UnsafeURL, match="not 'ftp'"):
        pin_public_url("ftp://example.org/feed")
    with pytest.raises(UnsafeURL, match="not 'none'"):
        pin_public_url("example.org/feed")
    with pytest.raises(UnsafeURL, match="no host"):
        pin_public_url("https:///feed")


@pytest.mark.parametrize(
    ("url", "allowed", "passes"),
    [
        ("http://127.0.0.1/feed", ["127.0.0.1"], True),  # the default port
        ("https://127.0.0.1/feed", ["127.0.0.1"], True),
        ("http://127.0.0.1:5432/", ["127.0.0.1"], False),  # not the database next door
        ("https://127.0.0.1:80/", ["127.0.0.1"], False),
        ("http://127.0.0.1:8765/", ["127.0.0.1:8765"], True),
        ("http://127.0.0.1:8766/", ["127.0.0.1:8765"], False),
        ("http://127.0.0.1:8766/", [" LOCALHOST:* ", "127.0.0.1:*"], True),
    ],
)
def test_allowed_hosts_name_their_ports(url, allowed, passes):
    if passes:
        assert pin_public_url(url, allowed).connect_url == url
    else:
        with pytest.raises(UnsafeURL):
            pin_public_url(url, allowed)


def test_a_pinned_request_goes_to_the_address_and_names_the_host(resolving):
    resolving({"news.klinikum.test": ["93.184.215.14"]})
    pinned = pin_public_url("https://news.klinikum.test/feed")
    with httpx.Client() as client:
        request = pinned.request(client, "HEAD")
    assert request.method == "HEAD" and str(request.url) == "https://93.184.215.14/feed"
    assert request.headers["Host"] == "news.klinikum.test"
    assert request.extensions["sni_hostname"] == "news.klinikum.test"
    allowed = pin_public_url("http://127.0.0.1:9/feed", ["127.0.0.1:9"])
    with httpx.Client() as client:
        assert "sni_hostname" not in allowed.request(client).extensions


def test_a_guarded_connection_goes_to_the_checked_address(resolving, monkeypatch):
    resolving({"social.klinikum.test": ["93.184.215.14"], "intern.test": ["10.0.0.1"]})
    dialled = []
    monkeypatch.setattr(
        httpcore.SyncBackend,
        "connect_tcp",
        lambda self, host, port, *a, **k: dialled.append((host, port)),
    )
    backend = http.GuardedBackend(["allowed.test:*"])
    backend.connect_tcp(b"social.klinikum.test", 443)
    backend.connect_tcp("Allowed.test", 8080)
    assert dialled == [("93.184.215.14", 443), ("Allowed.test", 8080)]
    with pytest.raises(
        httpcore.ConnectError, match=r"intern.test points into a private network \(10.0.0.1\)"
    ):
        backend.connect_tcp("intern.test", 443)


# --- clients ---------------------------------------------------------------------------------


def test_a_client_says_who_we_are_and_never_follows_redirects(settings):
    settings.CARECAST_HTTP_TIMEOUT = 7
    with http.make_client("https://example.org", headers={"X-Extra": "1"}) as client:
        assert client.headers["User-Agent"] == f"carecast/{__version__}"
        assert client.headers["Accept"] == "application/json"
        assert client.headers["X-Extra"] == "1"
        assert client.timeout == httpx.Timeout(7.0)
        assert not client.follow_redirects
    with http.make_client(timeout=3) as client:
        assert client.timeout == httpx.Timeout(3.0)


def test_a_guarded_client_checks_every_connection(resolving):
    with http.make_client(guard=["a.test:*"]) as client:
        backend = client._transport._pool._network_backend
        assert isinstance(backend, http.GuardedBackend) and backend.allow_hosts == ("a.test:*",)
    with http.make_client() as client:
        assert not isinstance(client._transport._pool._network_backend, http.GuardedBackend)


def test_loopback_is_reachable_only_with_the_sandbox_on(settings):
    settings.CARECAST_SANDBOX = True
    assert http.loopback_if_sandbox() == ("127.0.0.1:*", "localhost:*", "::1:*")
    settings.CARECAST_SANDBOX = False
    assert http.loopback_if_sandbox() == ()


def test_the_timeout_comes_from_the_settings(settings):
    settings.CARECAST_HTTP_TIMEOUT = "4.5"
    assert http.default_timeout() == 4.5
    del settings.CARECAST_HTTP_TIMEOUT
    assert http.default_timeout() == http.DEFAULT_TIMEOUT == 20.0


# --- what the first mutation run left alive (mutation/README.md) ----------------------------


def test_the_timeout_setting_counts_without_the_environment_variable(settings, monkeypatch):
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    settings.CARECAST_HTTP_TIMEOUT = 7
    assert http.default_timeout() == 7.0


def test_settings_not_loaded_yet_are_loaded_from_the_environment(monkeypatch):
    import importlib
    import os

    from django.conf import settings
    from django.utils.functional import empty

    module = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    monkeypatch.setattr(module, "CARECAST_HTTP_TIMEOUT", 9, raising=False)
    monkeypatch.setattr(settings, "_wrapped", empty)
    assert http.default_timeout() == 9.0
    monkeypatch.setattr(settings, "_wrapped", empty)
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    assert http.default_timeout() == http.DEFAULT_TIMEOUT


def test_a_client_keeps_a_bounded_pool_and_checks_certificates(settings):
    for guard in (None, ["a.test:*"]):
        with http.make_client(guard=guard) as client:
            pool = client._transport._pool
            assert (pool._max_connections, pool._max_keepalive_connections) == (20, 10)
            assert pool._keepalive_expiry == 30
            assert pool._ssl_context is http._tls_context()
            assert client.follow_redirects is False
            assert client.base_url == httpx.URL("")


def test_without_the_setting_the_sandbox_is_off(settings):
    del settings.CARECAST_SANDBOX
    assert http.loopback_if_sandbox() == ()


def test_a_guard_entry_allows_exactly_its_port(resolving, monkeypatch):
    resolving({})
    dialled = []

    def connect(self, host, port, timeout=None, local_address=None, socket_options=None):
        dialled.append((host, port, timeout, local_address, socket_options))

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", connect)
    backend = http.GuardedBackend(["sandbox.test:8080", "bare.test"])
    backend.connect_tcp("sandbox.test", 8080, 2.0, "127.0.0.2", [(1, 2, 3)])
    assert dialled == [("sandbox.test", 8080, 2.0, "127.0.0.2", [(1, 2, 3)])]
    for host, port in (("sandbox.test", 8081), ("bare.test", 1), ("bare.test", 443)):
        with pytest.raises(UnsafeURL, match="cannot be resolved"):  # not allowed: looked up
            backend.connect_tcp(host, port)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1000000000", 1_000_000_000.0),  # not past the epoch threshold: relative seconds
        ("1000000001", 0.0),  # an epoch time long past
        ("0", 0.0),
        ("2027-01-15T07:00:00+00:00", 0.0),  # an ISO time in the past
    ],
)
def test_it_tells_reset_epochs_from_relative_seconds(value, seconds):
    headers = {"RateLimit-Reset": value, "Date": DATE}
    assert parse_retry_after(answer(429, headers=headers)) == seconds


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"errors": [{"code": 187}]}, ""),
        ({"errors": [{"message": "Duplicate"}], "title": "Forbidden"}, "Duplicate"),
        ({"detail": 42, "message": "a string"}, "a string"),
    ],
)
def test_it_prefers_the_detailed_error_and_only_strings(body, words):
    assert network_message(answer(400, body)) == words


def test_a_dead_token_answer_says_so_with_its_status():
    error = error_from_response(answer(401, {"error": "nope"}), "Mastodon", "Could not post")
    assert str(error) == "Could not post (Mastodon, HTTP 401): nope"
    body = {"error": "invalid_grant", "error_description": "Refresh failed"}
    error = error_from_response(answer(403, body), "LinkedIn", "Could not refresh")
    assert error.auth and error.status == 403
    assert str(error) == "Could not refresh (LinkedIn, HTTP 403): Refresh failed"


def test_a_dead_token_named_only_in_the_problem_type_pauses():
    error = error_from_response(answer(400, {"type": "invalid_token"}), "X", "x")
    assert error.auth and error.status == 400


def test_a_500_carries_how_long_to_wait_and_a_redirect_its_status():
    error = error_from_response(answer(500, {}, {"Retry-After": "12"}), "X", "x")
    assert error.retry_after == 12.0 and not error.permanent
    assert error_from_response(answer(302, text=""), "X", "x").status == 302


def test_allowed_hosts_pass_the_check_and_keep_their_name():
    assert http.check_public_url("http://127.0.0.1:8765/f", ["127.0.0.1:8765"]) == (
        "http://127.0.0.1:8765/f"
    )
    pinned = pin_public_url("http://127.0.0.1:8765/f", ["127.0.0.1:8765"])
    assert (pinned.host, pinned.host_header) == ("127.0.0.1", "127.0.0.1:8765")
    with pytest.raises(UnsafeURL, match=r"^The URL has no host\.$"):
        pin_public_url("http:///f")


def test_the_host_header_leaves_out_credentials_in_the_url(resolving):
    resolving({"news.klinikum.test": ["93.184.215.14"]})
    pinned = pin_public_url("https://reader:secret@news.klinikum.test/feed")
    assert pinned.host_header == "news.klinikum.test"


def test_an_address_literal_needs_no_dns(monkeypatch):
    def no_dns(*args, **kwargs):
        raise AssertionError("asked DNS for an address literal")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    assert pin_public_url("http://93.184.215.14/feed").connect_url == "http://93.184.215.14/feed"
