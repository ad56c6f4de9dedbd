"""Connections to servers a person named (a Mastodon server, a Bluesky PDS) go only to
addresses that pass the SSRF guard, checked when each connection is made: a name that
later resolves into the hospital's network (DNS rebinding) gets nothing."""

from __future__ import annotations

import socket
from ipaddress import ip_address

import httpx
import pytest

from carecast.lib.http import make_client
from carecast.networks.base import Account, ConnectorError, PostRequest
from carecast.networks.mastodon.connector import MastodonConnector


def _resolving(monkeypatch, answers: dict[str, str]) -> None:
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        try:
            ip_address(host)
        except ValueError:
            if host in answers:
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_guarded_client_refuses_a_name_that_resolves_into_a_private_network(monkeypatch, sandbox):
    port = int(sandbox.base_url.rsplit(":", 1)[1])
    _resolving(monkeypatch, {"social.klinikum.test": "127.0.0.1"})
    with (
        make_client(f"http://social.klinikum.test:{port}", guard=()) as http,
        pytest.raises(httpx.ConnectError, match="private network"),
    ):
        http.get("/api/v1/instance")
    # The same name, allowed explicitly (the sandbox in the demo), connects.
    with make_client(
        f"http://social.klinikum.test:{port}", guard=["social.klinikum.test:*"]
    ) as http:
        assert http.get("/api/v1/instance").status_code == 200


def test_the_mastodon_connector_sends_nothing_to_a_private_address_outside_the_sandbox(
    settings, sandbox, mastodon_account
):
    settings.CARECAST_SANDBOX = False
    before = len(sandbox.requests("mastodon"))
    connector = MastodonConnector(mastodon_account)
    with pytest.raises(ConnectorError, match="private network") as refused:
        connector.publish(PostRequest(key="guard-1", text="Neuer MRT in Betrieb"))
    assert not refused.value.outcome_unknown  # nothing can have reached a server
    assert len(sandbox.requests("mastodon")) == before


@pytest.fixture
def mastodon_account(sandbox) -> Account:
    sandbox.add_account("mastodon", "klinikum", "token-guard")
    return Account(
        base_url=sandbox.base_url, handle="klinikum", credentials={"access_token": "token-guard"}
    )
