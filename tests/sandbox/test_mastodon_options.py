"""The sandbox's Mastodon API can behave like other servers that speak it (set per server)."""

from __future__ import annotations

import httpx
import pytest

GOTOSOCIAL = "4.0.0 (compatible; GoToSocial 0.16.0)"


@pytest.fixture
def client(sandbox):
    with httpx.Client(base_url=sandbox.base_url, timeout=5) as client:
        yield client


@pytest.fixture
def anna(sandbox):
    """Anna runs the hospital's account on the server."""
    return sandbox.add_account("mastodon", "klinikum", "anna-token")


def post_status(client: httpx.Client, key: str) -> httpx.Response:
    return client.post(
        "/api/v1/statuses",
        data={"status": "Besuchszeiten am Wochenende"},
        headers={"Authorization": "Bearer anna-token", "Idempotency-Key": key},
    )


def configure(client: httpx.Client, **values) -> httpx.Response:
    return client.post("/_sandbox/settings", json=values)


def test_it_behaves_like_mastodon_by_default(client, sandbox, anna):
    assert post_status(client, "k").json()["id"] == post_status(client, "k").json()["id"]
    assert len(sandbox.posts("mastodon")) == 1
    assert client.get("/api/v2/instance/").status_code == 200
    v2 = client.get("/api/v2/instance").json()
    assert v2["version"] == "4.3.0" and v2["api_versions"] == {"mastodon": 2}


def test_it_ignores_the_idempotency_key_when_told_to(client, sandbox, anna):
    assert configure(client, mastodon_idempotency="false").json()["mastodon_idempotency"] is False
    first, second = post_status(client, "k"), post_status(client, "k")
    assert first.json()["id"] != second.json()["id"]
    assert len(sandbox.posts("mastodon")) == 2


def test_it_refuses_trailing_slashes_when_told_to(client, anna):
    configure(client, mastodon_trailing_slash=False)
    refused = client.get("/api/v2/instance/")
    assert refused.status_code == 404 and refused.json() == {"error": "Record not found"}
    assert client.get("/api/v2/instance").status_code == 200
    assert client.get("/api/v1/accounts/verify_credentials/").status_code == 404


def test_it_reports_another_servers_version(client, anna):
    configure(client, mastodon_version=GOTOSOCIAL)
    v2, v1 = client.get("/api/v2/instance").json(), client.get("/api/v1/instance").json()
    assert v2["version"] == v1["version"] == GOTOSOCIAL
    assert "api_versions" not in v2  # only Mastodon 4.3+ names its API version


def test_it_refuses_a_yes_no_setting_it_cannot_read(client):
    answer = configure(client, mastodon_idempotency="vielleicht")
    assert answer.status_code == 400
    assert "mastodon_idempotency" in answer.json()["error"]


def test_it_forgets_the_options_on_reset(client, sandbox, anna):
    configure(client, mastodon_idempotency=False, mastodon_trailing_slash=False)
    client.post("/_sandbox/reset")
    assert sandbox.settings["mastodon_idempotency"] is True
    assert client.get("/api/v2/instance/").status_code == 200
