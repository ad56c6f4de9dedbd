"""In the browser: connecting Mastodon, X and Bluesky accounts with each network's sign-in,
publishing through a connected channel, pausing and reconnecting.

The networks' sign-in pages are the sandbox's (Mastodon, X) and the real PDS (Bluesky).
Screenshots of each page land in ``artifacts/screenshots/channels-*.png``.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from carecast.networks.models import Channel, ChannelStatus
from carecast.publishing import dispatch, services
from carecast.publishing.models import State
from tests.browser_fixtures import SCREENSHOTS, signed_in_context
from tests.networks.test_connect_bluesky import app_password

pytestmark = pytest.mark.browser


@pytest.fixture
def ben_page(browser, live_server, ben):
    context = signed_in_context(browser, live_server.url, ben)
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"channels-{name}.png"), full_page=True)


def sign_in_at_network(page, account: str) -> None:
    """On the sandbox's consent page: pick the account and allow."""
    page.get_by_label(f"@{account}").check()
    page.get_by_role("button", name="Erlauben").click()


def test_it_connects_mastodon_through_its_sign_in_and_publishes(
    ben_page, live_server, sandbox, story_for
):
    remote = sandbox.add_account("mastodon", "klinikum", "unused")
    page = ben_page
    page.goto(f"{live_server.url}/channels/")
    page.get_by_role("link", name="Mastodon verbinden").click()
    page.get_by_label("Server").fill(sandbox.base_url)
    page.get_by_label("Name des Kanals").fill("Mastodon – Klinikum")
    shot(page, "connect-mastodon")
    page.get_by_role("button", name="Weiter zu Mastodon").click()
    assert page.url.startswith(f"{sandbox.base_url}/oauth/authorize")
    sign_in_at_network(page, "klinikum")
    page.wait_for_url("**/channels/*/settings/")
    assert "ist verbunden" in page.content()
    channel = Channel.objects.get(network="mastodon")
    assert channel.remote_user_id == str(remote["id"]) and channel.is_sandbox
    assert sandbox.requests("mastodon", "/api/v1/apps", "POST")
    # Settings: purpose, a posting window on Mondays.
    page.get_by_label("Zweck").select_option("news")
    page.locator('input[name="w0_0_start"]').fill("08:00")
    page.locator('input[name="w0_0_end"]').fill("18:00")
    shot(page, "settings")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(f"**/channels/{channel.pk}/")
    channel.refresh_from_db()
    assert channel.posting_windows == [{"days": [0], "start": "08:00", "end": "18:00"}]
    # A post goes out through the new channel, with the token carecast received.
    variant = story_for(channel, text="Neuer MRT in Betrieb.").variants.get()
    publication = services.schedule(variant, timezone.now())
    dispatch.publish_one(publication.pk)
    publication.refresh_from_db()
    assert publication.state == State.PUBLISHED
    assert [p["text"] for p in sandbox.posts("mastodon", "klinikum")] == ["Neuer MRT in Betrieb."]
    page.reload()
    assert "funktioniert" in page.content()
    shot(page, "detail")


def test_it_connects_x_through_its_oauth2_pages(ben_page, live_server, sandbox, settings):
    settings.CARECAST_X_CLIENT_ID = "carecast-client"
    settings.CARECAST_X_CLIENT_SECRET = "carecast-secret"
    settings.CARECAST_X_AUTHORIZE_URL = f"{sandbox.base_url}/i/oauth2/authorize"
    settings.CARECAST_X_API_URL = sandbox.base_url
    remote = sandbox.add_account("x", "KlinikumJobs", "unused")
    page = ben_page
    page.goto(f"{live_server.url}/channels/connect/x/")
    page.get_by_role("button", name="Weiter zu X").click()
    assert page.url.startswith(f"{sandbox.base_url}/i/oauth2/authorize")
    sign_in_at_network(page, "KlinikumJobs")
    page.wait_for_url("**/channels/*/settings/")
    channel = Channel.objects.get(network="x")
    assert channel.remote_user_id == str(remote["id"])
    assert channel.get_credentials()["refresh_token"]
    assert channel.token_expires_at > timezone.now()


def test_it_connects_bluesky_with_an_app_password_on_the_real_pds(
    ben_page, live_server, pds, settings
):
    settings.CARECAST_BLUESKY_RESOLVER = pds.base_url
    settings.CARECAST_BLUESKY_PLC_URL = pds.plc_url
    account = pds.create_account("klinikumbrowser")
    page = ben_page
    page.goto(f"{live_server.url}/channels/connect/bluesky/")
    page.get_by_label("Handle").fill(account.handle)
    page.get_by_label("App-Passwort").fill("falsch-falsch-falsch")
    page.get_by_role("button", name="Verbinden").click()
    assert "Bluesky hat diesen Handle und dieses App-Passwort nicht angenommen." in page.content()
    assert page.get_by_label("Handle").input_value() == account.handle  # nothing lost
    shot(page, "connect-bluesky-error")
    page.get_by_label("App-Passwort").fill(app_password(pds, account))
    page.get_by_role("button", name="Verbinden").click()
    page.wait_for_url("**/channels/*/settings/")
    channel = Channel.objects.get(network="bluesky")
    assert channel.remote_user_id == account.did and channel.handle == account.handle


def test_it_pauses_and_reconnects_a_channel(ben_page, live_server, sandbox, channel_on):
    channel = channel_on("mastodon", "klinikum", name="Mastodon – Klinikum")
    page = ben_page
    page.goto(f"{live_server.url}/channels/{channel.pk}/")
    page.get_by_role("button", name="Pausieren").click()
    page.wait_for_url(f"**/channels/{channel.pk}/")
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.PAUSED
    sandbox.expire(channel.get_credentials()["access_token"])
    page.get_by_role("button", name="Fortsetzen").click()
    assert "verweigert den Zugang weiterhin" in page.content()
    channel.refresh_from_db()
    assert "expired" in channel.status_reason  # the network's answer, not "paused by"
    shot(page, "detail-paused")
    page.get_by_role("link", name="Neu verbinden", exact=True).click()
    shot(page, "reconnect")
    page.get_by_role("button", name="Weiter zu Mastodon").click()
    sign_in_at_network(page, "klinikum")
    page.wait_for_url(f"**/channels/{channel.pk}/")
    assert "ist wieder verbunden" in page.content()
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.ACTIVE
    assert Channel.objects.count() == 1
