"""Connecting a Facebook Page through the sandbox's Facebook Login pages (no browser here)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from django.utils import translation

from carecast.networks.base import PostRequest
from carecast.networks.connect import ConnectError
from carecast.networks.facebook.connect import FacebookFlow
from carecast.networks.facebook.connector import FacebookConnector
from carecast.networks.services import save_connected

CALLBACK = "http://127.0.0.1:8000/channels/connect/callback/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def meta_app(settings, sandbox):
    settings.CARECAST_META_APP_ID = "hospital-app"
    settings.CARECAST_META_APP_SECRET = "hospital-secret"
    settings.CARECAST_META_DIALOG_URL = f"{sandbox.base_url}/fb/v21.0/dialog/oauth"
    settings.CARECAST_META_GRAPH_URL = f"{sandbox.base_url}/graph"


def consent(url: str, pages: list[str], decision: str = "allow") -> dict[str, str]:
    """Tick ``pages`` on the sandbox's Facebook dialog; return the callback's query."""
    assert httpx.get(url).status_code == 200
    parts = urlsplit(url)
    form = [(k, v[0]) for k, v in parse_qs(parts.query).items()]
    form += [("page", p) for p in pages] + [("decision", decision)]
    answer = httpx.post(
        f"{parts.scheme}://{parts.netloc}{parts.path}",
        content=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 302
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["location"]).query).items()}


def test_it_connects_the_chosen_page_with_a_page_token_that_publishes(db, org, sandbox, meta_app):
    babytown = sandbox.add_account("facebook", "babytown", "t1", display_name="Babytown")
    sandbox.add_account("facebook", "klinikum", "t2", display_name="Klinikum Musterstadt")
    flow = FacebookFlow()
    started = flow.begin({"page": "Babytown"}, CALLBACK)
    assert "pages_manage_posts" in started.url
    account = flow.complete(started.pending, consent(started.url, [babytown["id"], "x"]))
    assert (account.remote_user_id, account.handle) == (babytown["id"], "Babytown")
    assert account.token_expires_at is None  # Page tokens from a long-lived user token
    exchanges = sandbox.requests("facebook", "/graph/v21.0/oauth/access_token", "GET")
    assert [r["query"].get("grant_type") for r in exchanges] == [None, ["fb_exchange_token"]]
    channel = save_connected(org, "facebook", account)
    connector = FacebookConnector(channel.account(), timeout=2)
    connector.publish(PostRequest("k", "Hallo"))
    assert sandbox.posts("facebook", "babytown")[0]["text"] == "Hallo"


def test_it_asks_which_page_when_several_were_granted(db, sandbox, meta_app):
    one = sandbox.add_account("facebook", "babytown", "t1", display_name="Babytown")
    two = sandbox.add_account("facebook", "brustzentrum", "t2", display_name="Brustzentrum")
    flow = FacebookFlow()
    started = flow.begin({"page": ""}, CALLBACK)
    with pytest.raises(ConnectError) as caught:
        flow.complete(started.pending, consent(started.url, [one["id"], two["id"]]))
    assert "Babytown, Brustzentrum" in caught.value.message


def test_it_reports_a_denied_sign_in(db, sandbox, meta_app):
    sandbox.add_account("facebook", "babytown", "t1", display_name="Babytown")
    flow = FacebookFlow()
    started = flow.begin({}, CALLBACK)
    with pytest.raises(ConnectError, match="did not grant"):
        flow.complete(started.pending, consent(started.url, [], decision="deny"))


def test_it_is_unavailable_without_the_hospitals_meta_app(db, settings):
    settings.CARECAST_META_APP_ID = ""
    assert "CARECAST_META_APP_ID" in FacebookFlow().available()


def test_it_connects_the_instagram_account_linked_to_the_page(db, sandbox, meta_app):
    from carecast.networks.instagram.connect import InstagramFlow

    ig = sandbox.add_account("instagram", "babytown_ms", "ig-old")
    page = sandbox.add_account(
        "facebook", "babytown", "t1", display_name="Babytown", options={"instagram_id": ig["id"]}
    )
    flow = InstagramFlow()
    started = flow.begin({}, CALLBACK)
    assert "instagram_content_publish" in started.url
    account = flow.complete(started.pending, consent(started.url, [page["id"]]))
    assert (account.remote_user_id, account.handle) == (ig["id"], "@babytown_ms")
    assert account.config == {"page_id": page["id"], "public_base": "http://127.0.0.1:8000"}


def test_it_says_when_the_page_has_no_instagram_account(db, sandbox, meta_app):
    from carecast.networks.instagram.connect import InstagramFlow

    page = sandbox.add_account("facebook", "babytown", "t1", display_name="Babytown")
    flow = InstagramFlow()
    started = flow.begin({}, CALLBACK)
    with pytest.raises(ConnectError, match="no Instagram professional account"):
        flow.complete(started.pending, consent(started.url, [page["id"]]))


def test_it_subscribes_the_page_to_the_webhooks_when_they_are_configured(
    db, sandbox, meta_app, settings
):
    settings.CARECAST_META_WEBHOOK_VERIFY_TOKEN = "hook-token-7f3a"
    babytown = sandbox.add_account("facebook", "babytown", "t1", display_name="Babytown")
    flow = FacebookFlow()
    started = flow.begin({}, CALLBACK)
    assert "pages_manage_metadata" in started.url
    assert "pages_messaging" in started.url  # answering the Page's private messages
    account = flow.complete(started.pending, consent(started.url, [babytown["id"]]))
    [sent] = sandbox.requests("facebook", f"/graph/v21.0/{babytown['id']}/subscribed_apps", "POST")
    page_token = account.credentials["access_token"]
    assert sent["headers"]["authorization"] == f"Bearer {page_token}"
    assert sandbox.fb_subscriptions[babytown["id"]] == ["feed", "messages"]


def test_it_connects_without_subscribing_when_webhooks_are_off_or_refused(
    db, sandbox, meta_app, settings
):
    babytown = sandbox.add_account("facebook", "babytown", "t1", display_name="Babytown")
    flow = FacebookFlow()
    started = flow.begin({}, CALLBACK)
    assert "pages_manage_metadata" not in started.url
    assert "pages_messaging" not in started.url
    flow.complete(started.pending, consent(started.url, [babytown["id"]]))
    assert sandbox.requests("facebook", method="POST") == []
    settings.CARECAST_META_WEBHOOK_VERIFY_TOKEN = "hook-token-7f3a"
    sandbox.inject_fault(path=f"/graph/v21.0/{babytown['id']}/subscribed_apps", status=500)
    started = flow.begin({}, CALLBACK)
    account = flow.complete(started.pending, consent(started.url, [babytown["id"]]))
    assert account.remote_user_id == babytown["id"]  # polling reads the comments anyway
