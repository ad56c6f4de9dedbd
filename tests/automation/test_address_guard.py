"""The outbound address guard: nothing private, also when wrapped in IPv6, and the request
goes to the address that was checked (a second DNS answer cannot redirect it)."""

from __future__ import annotations

import socket
from ipaddress import ip_address

import pytest

from carecast.automation.fetch import fetch
from carecast.lib import http
from carecast.lib.http import UnsafeURL, check_public_url, pin_public_url

PUBLIC_V4 = "93.184.215.14"


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (cloud metadata)
        "64:ff9b:1::a00:1",  # local-use NAT64 of 10.0.0.1
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "::127.0.0.1",  # IPv4-compatible
        "::ffff:10.0.0.1",  # IPv4-mapped
        "[::1]",
    ],
)
def test_it_refuses_private_addresses_wrapped_in_ipv6(address):
    host = address if address.startswith("[") else f"[{address}]"
    with pytest.raises(UnsafeURL):
        check_public_url(f"http://{host}/feed.xml")


def test_it_accepts_a_nat64_address_of_a_public_one():
    assert check_public_url("http://[64:ff9b::5db8:d70e]/feed.xml")  # 93.184.215.14


def _resolving(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        try:  # an address literal needs no DNS (the real getaddrinfo answers it itself)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (str(ip_address(host)), port))]
        except ValueError:
            asked.append(host)
        if host not in answers:
            raise socket.gaierror(f"unknown host {host}")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_name_that_resolves_to_a_private_address_is_refused(monkeypatch):
    _resolving(monkeypatch, {"intern.klinikum.test": ["10.1.2.3"]})
    with pytest.raises(UnsafeURL, match="private network"):
        check_public_url("https://intern.klinikum.test/feed.xml")


def test_it_pins_the_checked_address_and_keeps_the_name_for_host_and_tls(monkeypatch):
    _resolving(monkeypatch, {"news.klinikum.test": [PUBLIC_V4]})
    pinned = pin_public_url("https://news.klinikum.test:8443/feed.xml?x=1")
    assert pinned.connect_url == f"https://{PUBLIC_V4}:8443/feed.xml?x=1"
    assert pinned.host == "news.klinikum.test" and pinned.host_header == "news.klinikum.test:8443"


def test_fetch_connects_to_the_address_it_checked(monkeypatch, feed_server):
    """DNS rebinding: the name answers a harmless address to the check and a private one
    afterwards. The fetch must not ask again: it connects to the address it checked."""
    port = feed_server.httpd.server_address[1]
    feed_server.serve("/news.xml", b"<rss version='2.0'><channel><title>t</title></channel></rss>")
    asked = _resolving(monkeypatch, {"news.klinikum.test": ["127.0.0.1"]})
    # For this test only, loopback passes the check (it stands for a public address).
    monkeypatch.setattr(http, "_refused", lambda address: False)
    fetched = fetch(f"http://news.klinikum.test:{port}/news.xml")
    assert fetched.status == 200 and b"<rss" in fetched.body
    assert asked == ["news.klinikum.test"]  # resolved once, by the check
    path, headers = feed_server.requests[-1]
    assert path == "/news.xml" and headers["Host"] == f"news.klinikum.test:{port}"
