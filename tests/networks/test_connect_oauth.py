"""Connecting Mastodon and X accounts through the sandbox's OAuth pages (no browser here)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.utils import translation

from carecast.networks.connect import ConnectError
from carecast.networks.mastodon.connect import SCOPES, MastodonFlow, server_url
from carecast.networks.models import ServerApp
from carecast.networks.x.connect import XFlow

CALLBACK = "http://127.0.0.1:8000/channels/connect/callback/"


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English here (German in tests/web)."""
    with translation.override("en"):
        yield


def consent(url: str, decision: str = "allow", account: str = "klinikum") -> dict[str, str]:
    """Answer the sandbox's consent page as a person would; return the callback's query."""
    page = httpx.get(url)
    assert page.status_code == 200, page.text
    parts = urlsplit(url)
    form = {k: v[0] for k, v in parse_qs(parts.query).items()}
    form.update(account=account, decision=decision)
    answer = httpx.post(f"{parts.scheme}://{parts.netloc}{parts.path}", data=form)
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(CALLBACK)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


@pytest.fixture
def x_app(settings, sandbox):
    settings.CARECAST_X_CLIENT_ID = "carecast-client"
    settings.CARECAST_X_CLIENT_SECRET = "carecast-secret"
    settings.CARECAST_X_AUTHORIZE_URL = f"{sandbox.base_url}/i/oauth2/authorize"
    settings.CARECAST_X_API_URL = sandbox.base_url


def test_it_registers_once_per_server_and_reads_account_and_limits(db, sandbox):
    remote = sandbox.add_account("mastodon", "klinikum", "old-token")
    sandbox.settings["mastodon_max_characters"] = 1000
    flow = MastodonFlow()
    started = flow.begin({"server": sandbox.base_url}, CALLBACK)
    assert "code_challenge_method=S256" in started.url
    assert "verifier" in started.pending and started.pending["verifier"] not in started.url
    account = flow.complete(started.pending, consent(started.url))
    assert account.remote_user_id == str(remote["id"])
    assert account.handle == f"@klinikum@{urlsplit(sandbox.base_url).netloc}"
    assert account.config["max_characters"] == 1000
    assert account.credentials["access_token"].startswith("mastodon-access-")
    # A second account on the same server reuses the app registration.
    flow.begin({"server": sandbox.base_url}, CALLBACK)
    assert len(sandbox.requests("mastodon", "/api/v1/apps", "POST")) == 1
    app = ServerApp.objects.get()
    assert app.scopes == SCOPES and app.client_secret


def test_it_falls_back_to_the_v1_instance_for_servers_without_v2(db, sandbox):
    sandbox.add_account("mastodon", "klinikum", "old-token")
    sandbox.inject_fault(network="mastodon", path="/api/v2/instance", status=404, times=None)
    flow = MastodonFlow()
    started = flow.begin({"server": sandbox.base_url}, CALLBACK)
    account = flow.complete(started.pending, consent(started.url))
    assert account.config["max_characters"] == 500
    assert sandbox.requests("mastodon", "/api/v1/instance", "GET")


def test_it_connects_to_a_server_that_is_not_mastodon(db, sandbox):
    """Another server speaking the API: its own version string, strict about slashes."""
    sandbox.add_account("mastodon", "klinikum", "old-token")
    sandbox.settings.update(mastodon_version="0.17.3 git-1234", mastodon_trailing_slash=False)
    flow = MastodonFlow()
    started = flow.begin({"server": sandbox.base_url}, CALLBACK)
    account = flow.complete(started.pending, consent(started.url))
    assert account.config["max_characters"] == 500
    # The v2 instance answered (no trailing slash sent), so no fallback to v1 was needed.
    assert sandbox.requests("mastodon", "/api/v2/instance", "GET")
    assert not sandbox.requests("mastodon", "/api/v1/instance", "GET")


def test_it_refuses_a_denied_consent_and_a_forged_state(db, sandbox):
    sandbox.add_account("mastodon", "klinikum", "old-token")
    flow = MastodonFlow()
    started = flow.begin({"server": sandbox.base_url}, CALLBACK)
    with pytest.raises(ConnectError, match="did not grant"):
        flow.complete(started.pending, consent(started.url, decision="deny"))
    started = flow.begin({"server": sandbox.base_url}, CALLBACK)
    answer = consent(started.url)
    with pytest.raises(ConnectError, match="did not match"):
        flow.complete(started.pending, {**answer, "state": "forged"})


def test_it_refuses_a_wrong_pkce_verifier(db, sandbox):
    sandbox.add_account("mastodon", "klinikum", "old-token")
    flow = MastodonFlow()
    started = flow.begin({"server": sandbox.base_url}, CALLBACK)
    answer = consent(started.url)
    with pytest.raises(ConnectError, match="verifier"):
        flow.complete({**started.pending, "verifier": "x" * 64}, answer)


@pytest.mark.parametrize("typed", ["", "not a server", "ftp://example.org"])
def test_it_refuses_what_is_not_a_server_address(typed):
    with pytest.raises(ConnectError):
        server_url(typed)


def test_it_reads_a_server_from_an_address_or_a_handle():
    assert server_url("@klinikum@social.example.org") == "https://social.example.org"
    assert server_url("social.example.org/") == "https://social.example.org"


def test_it_connects_x_with_a_refresh_token_and_the_user_id(db, sandbox, x_app):
    remote = sandbox.add_account("x", "KlinikumMS", "old-token")
    flow = XFlow()
    started = flow.begin({}, CALLBACK)
    assert "offline.access" in parse_qs(urlsplit(started.url).query)["scope"][0]
    account = flow.complete(started.pending, consent(started.url, account="KlinikumMS"))
    assert account.remote_user_id == str(remote["id"])
    assert account.handle == "@KlinikumMS"
    assert account.credentials["refresh_token"].startswith("x-refresh-")
    assert account.token_expires_at is not None
    token_call = sandbox.requests("x", "/2/oauth2/token", "POST")[-1]
    assert token_call["headers"]["authorization"].startswith("Basic ")


def test_it_stores_no_empty_refresh_token_when_x_sends_none(db, sandbox, x_app):
    sandbox.add_account("x", "KlinikumMS", "old-token", omit_refresh_token=True)
    flow = XFlow()
    started = flow.begin({}, CALLBACK)
    account = flow.complete(started.pending, consent(started.url, account="KlinikumMS"))
    assert "refresh_token" not in account.credentials


def test_it_says_what_is_missing_when_x_has_no_client_id(settings):
    settings.CARECAST_X_CLIENT_ID = ""
    assert "CARECAST_X_CLIENT_ID" in XFlow().available()
    with pytest.raises(ConnectError):
        XFlow().begin({}, CALLBACK)


def test_it_refuses_a_server_in_a_private_network_outside_the_sandbox(db, settings):
    settings.CARECAST_SANDBOX = False
    with pytest.raises(ConnectError, match="private network"):
        MastodonFlow().begin({"server": "http://10.1.2.3"}, CALLBACK)
    with pytest.raises(ConnectError, match="private network"):
        MastodonFlow().begin({"server": "http://127.0.0.1:8765"}, CALLBACK)
    assert not ServerApp.objects.exists()


def test_the_sandbox_consent_page_refuses_a_redirect_the_app_did_not_register(db, sandbox):
    started = MastodonFlow().begin({"server": sandbox.base_url}, CALLBACK)
    forged = started.url.replace("127.0.0.1%3A8000", "evil.example")
    assert forged != started.url
    assert httpx.get(forged).status_code == 400
    assert httpx.get(started.url).status_code == 200
