"""Connecting a Bluesky account on the real PDS: handle → DID → DID document → PDS → session."""

from __future__ import annotations

import httpx
import pytest
from django.utils import translation

from carecast.networks.bluesky.connect import BlueskyFlow, did_document, pds_endpoint
from carecast.networks.connect import ConnectError


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English here (German in tests/web)."""
    with translation.override("en"):
        yield


@pytest.fixture
def on_pds(settings, pds):
    """Resolve handles through the PDS (no DNS on 127.0.0.1) and DIDs through its PLC."""
    settings.CARECAST_BLUESKY_RESOLVER = pds.base_url
    settings.CARECAST_BLUESKY_PLC_URL = pds.plc_url
    return pds


def app_password(pds, account) -> str:
    """Create an app password for ``account``, as a person does in Bluesky's settings."""
    session = httpx.post(
        f"{pds.base_url}/xrpc/com.atproto.server.createSession",
        json={"identifier": account.handle, "password": account.password},
        timeout=20,
    ).json()
    created = httpx.post(
        f"{pds.base_url}/xrpc/com.atproto.server.createAppPassword",
        json={"name": "carecast"},
        headers={"Authorization": f"Bearer {session['accessJwt']}"},
        timeout=20,
    )
    created.raise_for_status()
    return created.json()["password"]


def test_it_finds_the_pds_through_the_did_document_and_stores_the_did(db, on_pds):
    password = app_password(on_pds, on_pds.account)
    account = BlueskyFlow().connect({"handle": f"@{on_pds.handle}", "app_password": password})
    assert account.remote_user_id == on_pds.did
    assert account.handle == on_pds.handle
    assert account.base_url.rstrip("/").split(":")[-1] == on_pds.base_url.rstrip("/").split(":")[-1]
    assert account.credentials == {"identifier": on_pds.did, "password": password}


def test_it_reads_the_pds_endpoint_from_the_plc_directory(on_pds):
    endpoint = pds_endpoint(did_document(on_pds.did))
    assert endpoint.endswith(on_pds.base_url.rsplit(":", 1)[-1])


def test_it_refuses_a_wrong_app_password(db, on_pds):
    with pytest.raises(ConnectError, match="app password"):
        BlueskyFlow().connect({"handle": on_pds.handle, "app_password": "aaaa-bbbb-cccc-dddd"})


def test_it_refuses_a_handle_nobody_has(db, on_pds):
    with pytest.raises(ConnectError, match="No Bluesky account"):
        BlueskyFlow().connect({"handle": "nobody.test", "app_password": "aaaa-bbbb-cccc-dddd"})


@pytest.mark.parametrize("handle", ["", "no spaces.test", "https://bsky.app"])
def test_it_refuses_what_is_not_a_handle(handle):
    with pytest.raises(ConnectError):
        BlueskyFlow().connect({"handle": handle, "app_password": "x"})


@pytest.fixture
def name_server(settings):
    """A DNS server on 127.0.0.1 that answers ``_atproto.<handle>`` TXT queries (dnspython)."""
    import socket
    import threading

    import dns.message
    import dns.rrset

    records: dict[str, str] = {}
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(data)
            answer = dns.message.make_response(query)
            name = query.question[0].name.to_text().rstrip(".")
            if name in records:
                text = f'"{records[name]}"'
                answer.answer.append(dns.rrset.from_text(name + ".", 60, "IN", "TXT", text))
            else:
                answer.set_rcode(dns.rcode.NXDOMAIN)
            sock.sendto(answer.to_wire(), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings.CARECAST_BLUESKY_DNS_SERVER = f"127.0.0.1:{sock.getsockname()[1]}"
    yield records
    stop.set()
    thread.join()
    sock.close()


def test_it_resolves_a_handle_through_dns_as_atproto_documents(db, settings, pds, name_server):
    settings.CARECAST_BLUESKY_RESOLVER = ""  # the documented chain: DNS TXT first
    settings.CARECAST_BLUESKY_PLC_URL = pds.plc_url
    account = pds.create_account("klinikumdns")
    name_server[f"_atproto.{account.handle}"] = f"did={account.did}"
    connected = BlueskyFlow().connect(
        {"handle": account.handle, "app_password": app_password(pds, account)}
    )
    assert connected.remote_user_id == account.did
